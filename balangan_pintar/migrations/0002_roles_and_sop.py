"""Seed the five role groups and the SOP 067.2/31/DIDIKBUD as the district
issued it on 31 March 2022."""

from datetime import date

from django.db import migrations

ROLES = [
    "school_operator",
    "dinas_verifier",
    "dinas_admin",
    "bank_officer",
    "kepala_dinas",
]

STEPS = [
    (
        1,
        "Operator Dapodik sekolah mencocokkan data siswa dengan data DTKS",
        "school_operator",
        15,
        "Data dan informasi terkumpul",
    ),
    (
        2,
        "Operator Dapodik sekolah mengirimkan data calon penerima KBP ke "
        "Dinas Pendidikan dan Kebudayaan",
        "school_operator",
        5,
        "Database",
    ),
    (
        3,
        "Dinas melakukan verifikasi usulan KBP dari sekolah (sah/tidak sah)",
        "dinas",
        15,
        "Database",
    ),
    (
        4,
        "Dinas menyerahkan data calon penerima yang sah ke bank",
        "dinas",
        10,
        "Data terkirim ke bank",
    ),
    (5, "Pembukaan rekening penerima KBP", "bank", 10, "Rekening terbuka"),
    (6, "Bank mencetak Kartu Balangan Pintar", "bank", 10, "Kartu Balangan Pintar"),
    (
        7,
        "Penyerahan Kartu Balangan Pintar kepada siswa",
        "school_or_dinas",
        5,
        "Siswa dapat menggunakan KBP",
    ),
]


def seed(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)

    SOP = apps.get_model("balangan_pintar", "SOP")
    SOPStep = apps.get_model("balangan_pintar", "SOPStep")
    sop = SOP.objects.create(
        number="067.2/31/DIDIKBUD",
        name="Program Balangan Pintar",
        issued_by="Pemerintah Kabupaten Balangan, "
        "Dinas Pendidikan dan Kebudayaan",
        made_on=date(2022, 3, 31),
        approved_on=date(2022, 3, 31),
        approved_by="Kepala Dinas",
        legal_basis="\n".join(
            [
                "Peraturan Bupati Balangan Nomor 6 Tahun 2013 tentang Pedoman "
                "Penyusunan Standar Operasional Prosedur di Lingkungan "
                "Pemerintah Kabupaten Balangan",
                "Peraturan Menteri Pendidikan Nasional Nomor 30 Tahun 2010 "
                "tentang Pemberian Bantuan Biaya Pendidikan kepada Peserta "
                "Didik yang Orang Tua/Walinya Tidak Mampu Membiayai "
                "Pendidikan (BN 2010 No. 545)",
                "Peraturan Menteri Pendidikan dan Kebudayaan Nomor 12 Tahun "
                "2015 tentang Program Indonesia Pintar (BN 2015 No. 1)",
            ]
        ),
        qualifications="\n".join(
            [
                "Berpendidikan S1 atau D3",
                "Mengetahui dan memahami teknologi informasi dan komputer",
                "Mengetahui dan memahami tugas kegiatan Kartu Balangan Pintar",
            ]
        ),
        equipment="\n".join(
            ["Komputer/laptop", "Printer", "ATK", "Telepon genggam"]
        ),
    )
    SOPStep.objects.bulk_create(
        SOPStep(
            sop=sop,
            number=number,
            activity=activity,
            executor=executor,
            requirement="Data dan Informasi",
            minutes=minutes,
            output=output,
        )
        for number, activity, executor, minutes, output in STEPS
    )


def unseed(apps, schema_editor):
    apps.get_model("balangan_pintar", "SOP").objects.filter(
        number="067.2/31/DIDIKBUD"
    ).delete()
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("balangan_pintar", "0001_initial"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
