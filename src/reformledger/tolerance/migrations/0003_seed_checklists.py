"""Every district starts with the default conditions and negative list (tolerance.defaults): a
district made later gets them on first use (services.checklists.ensure_checklist)."""

from django.db import migrations

from reformledger.tolerance.defaults import CONDITIONS, NEGATIVE


def seed(apps, schema_editor):
    Unit = apps.get_model("org", "Unit")
    ChecklistItem = apps.get_model("tolerance", "ChecklistItem")
    rows = []
    for district_id in Unit.objects.filter(kind="district").values_list("pk", flat=True):
        if ChecklistItem.objects.filter(district_id=district_id).exists():
            continue
        for kind, items in (("condition", CONDITIONS), ("negative", NEGATIVE)):
            for order, (code, text, hint) in enumerate(items, start=1):
                rows.append(ChecklistItem(
                    district_id=district_id, kind=kind, code=code, text=text, hint=hint, sort_order=order
                ))
    ChecklistItem.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("tolerance", "0002_checklists_answers_opinions_evidence"), ("org", "0006_discipline_reviewer_role")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
