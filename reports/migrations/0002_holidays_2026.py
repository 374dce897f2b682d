"""Seed Indonesia's national holidays of 2026.

Written from the generally published list, not copied from the decree: the
administrator checks them against the SKB of the three ministers (and adds
the cuti bersama days the Dinas observes) in the admin.
"""

from datetime import date

from django.db import migrations

HOLIDAYS_2026 = [
    (date(2026, 1, 1), "Tahun Baru 2026 Masehi"),
    (date(2026, 1, 16), "Isra Mikraj Nabi Muhammad SAW"),
    (date(2026, 2, 17), "Tahun Baru Imlek 2577 Kongzili"),
    (date(2026, 3, 19), "Hari Suci Nyepi Tahun Baru Saka 1948"),
    (date(2026, 3, 21), "Idulfitri 1447 Hijriah"),
    (date(2026, 3, 22), "Idulfitri 1447 Hijriah"),
    (date(2026, 4, 3), "Wafat Yesus Kristus"),
    (date(2026, 4, 5), "Kebangkitan Yesus Kristus (Paskah)"),
    (date(2026, 5, 1), "Hari Buruh Internasional"),
    (date(2026, 5, 14), "Kenaikan Yesus Kristus"),
    (date(2026, 5, 27), "Iduladha 1447 Hijriah"),
    (date(2026, 5, 31), "Hari Raya Waisak 2570 BE"),
    (date(2026, 6, 1), "Hari Lahir Pancasila"),
    (date(2026, 6, 16), "1 Muharam Tahun Baru Islam 1448 Hijriah"),
    (date(2026, 8, 17), "Proklamasi Kemerdekaan Republik Indonesia"),
    (date(2026, 8, 25), "Maulid Nabi Muhammad SAW"),
    (date(2026, 12, 25), "Kelahiran Yesus Kristus (Natal)"),
]


def seed(apps, schema_editor):
    Holiday = apps.get_model("reports", "Holiday")
    for day, name in HOLIDAYS_2026:
        Holiday.objects.get_or_create(date=day, defaults={"name": name})


def unseed(apps, schema_editor):
    days = [day for day, _ in HOLIDAYS_2026]
    apps.get_model("reports", "Holiday").objects.filter(date__in=days).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
