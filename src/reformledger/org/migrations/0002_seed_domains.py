from django.db import migrations

# The six domains of DOMAIN.md, with stable codes. Names are in Chinese, the programme's language;
# offices rename them or add their own as data.
DOMAINS = [
    ("party-building", "城市基层党建", "质量党建、力量党建、小区党建"),
    ("government-functions", "政府职能转变", "放管服、营商环境、互联网+政务服务、政务公开"),
    ("development-space", "发展空间拓展", "城市更新、棚户区改造、土地整备、查违"),
    ("public-services", "公共服务提升", "医改、教改"),
    ("industry", "产业转型升级", "消费型经济改革、可持续发展改革"),
    ("grassroots-governance", "基层治理完善", "社区体制改革、街道大部制、物业管理改革"),
]


def seed(apps, schema_editor):
    Domain = apps.get_model("org", "Domain")
    for order, (code, name, description) in enumerate(DOMAINS, start=1):
        Domain.objects.get_or_create(code=code, defaults={"name": name, "description": description, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
