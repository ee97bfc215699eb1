"""The ratings a round's chain of seals covers (``RatingChain.sealed``, the sum of its seals'
``ratings``; the verifier checks it).

The column was first added by editing 0008 after 0008 had landed on main, so a database migrated
in between already has it and one migrated before does not: the column is added only where it is
missing, and the model's state follows either way.
"""

from django.db import migrations, models


def add_missing_column(apps, schema_editor):
    chain = apps.get_model("evaluation", "RatingChain")
    table = chain._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        columns = {column.name for column in schema_editor.connection.introspection.get_table_description(cursor, table)}
    if "sealed" not in columns:
        field = models.PositiveIntegerField(default=0, verbose_name="ratings sealed")
        field.set_attributes_from_name("sealed")
        field.model = chain
        schema_editor.add_field(chain, field)


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0008_rating_seals"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="ratingchain",
                    name="sealed",
                    field=models.PositiveIntegerField(default=0, verbose_name="ratings sealed"),
                ),
            ],
            database_operations=[migrations.RunPython(add_missing_column, migrations.RunPython.noop)],
        ),
    ]
