"""The eight kecamatan of Kabupaten Balangan with their Kemendagri codes."""

from django.db import migrations

KECAMATAN = [
    ("63.11.01", "Juai"),
    ("63.11.02", "Halong"),
    ("63.11.03", "Awayan"),
    ("63.11.04", "Batu Mandi"),
    ("63.11.05", "Lampihong"),
    ("63.11.06", "Paringin"),
    ("63.11.07", "Paringin Selatan"),
    ("63.11.08", "Tebing Tinggi"),
]


def seed(apps, schema_editor):
    Kecamatan = apps.get_model("students", "Kecamatan")
    for code, name in KECAMATAN:
        Kecamatan.objects.update_or_create(code=code, defaults={"name": name})


def unseed(apps, schema_editor):
    codes = [code for code, _ in KECAMATAN]
    apps.get_model("students", "Kecamatan").objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("students", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
