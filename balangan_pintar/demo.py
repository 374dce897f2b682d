"""Demo data for `make run`: the district's schools, a programme year and one
user per role. Safe to run again: it creates only what is missing."""

import random
from dataclasses import dataclass

from django.contrib.auth.models import Group, User
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from balangan_pintar.models import Jenjang, Period
from balangan_pintar.roles import Role
from students.models import Kecamatan, School, SchoolOperator

# The password of every demo account; long enough for the validators.
DEMO_PASSWORD = "balangan-pintar-demo"  # noqa: S105
# The authenticator key of the demo accounts that must use two-factor
# sign-in (hex, as django-otp stores it; in base32 for an authenticator app:
# JBSWY3DPEHPK3PXPJBSWY3DPEE).
DEMO_TOTP_KEY = "48656c6c6f21deadbeef48656c6c6f21"

SCHOOL_NAMES = [
    (Jenjang.SD, "SDN {n} {kec}"),
    (Jenjang.MI, "MIN {n} Balangan"),
    (Jenjang.SMP, "SMPN {n} {kec}"),
    (Jenjang.MTS, "MTsN {n} Balangan"),
    (Jenjang.SMA, "SMAN {n} {kec}"),
    (Jenjang.SMK, "SMKN {n} Balangan"),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: Role
    npsn: str | None = None


DEMO_USERS = [
    DemoUser(
        "operator.sdn1",
        "Rina Operator SDN 1 Paringin",
        Role.SCHOOL_OPERATOR,
        "30304001",
    ),
    DemoUser(
        "operator.smpn1",
        "Ahmad Operator SMPN 1 Paringin",
        Role.SCHOOL_OPERATOR,
        "30304003",
    ),
    DemoUser("verifikator", "Siti Verifikator Dinas", Role.VERIFIER),
    DemoUser("admin.dinas", "Budi Administrator Dinas", Role.DINAS_ADMIN),
    DemoUser("bank.kalsel", "Dewi Petugas Bank Kalsel", Role.BANK_OFFICER),
    DemoUser("kepala.dinas", "Kepala Dinas Pendidikan", Role.KEPALA_DINAS),
]


def make_schools(count: int = 24) -> list[School]:
    """About three schools per kecamatan, every jenjang represented. NPSNs
    are invented in Balangan's 303xxxxx range."""
    rng = random.Random(2026)
    schools = []
    kecamatan = list(Kecamatan.objects.order_by("code"))
    paringin = next(k for k in kecamatan if k.name == "Paringin")
    fixed = [
        ("30304001", "SDN 1 Paringin", Jenjang.SD, paringin),
        ("30304002", "MIN 1 Balangan", Jenjang.MI, paringin),
        ("30304003", "SMPN 1 Paringin", Jenjang.SMP, paringin),
    ]
    for npsn, name, jenjang, kec in fixed:
        school, _ = School.objects.get_or_create(
            npsn=npsn,
            defaults={
                "name": name,
                "jenjang": jenjang,
                "status": School.Status.NEGERI,
                "kecamatan": kec,
            },
        )
        schools.append(school)

    for i in range(count - len(fixed)):
        jenjang, pattern = SCHOOL_NAMES[i % len(SCHOOL_NAMES)]
        kec = kecamatan[i % len(kecamatan)]
        npsn = f"3030{4100 + i:04d}"
        school, _ = School.objects.get_or_create(
            npsn=npsn,
            defaults={
                "name": pattern.format(n=i // len(SCHOOL_NAMES) + 2, kec=kec.name),
                "jenjang": jenjang,
                "status": rng.choice(list(School.Status)),
                "kecamatan": kec,
            },
        )
        schools.append(school)
    return schools


def make_users() -> list[DemoUser]:
    for demo in DEMO_USERS:
        first, _, last = demo.full_name.partition(" ")
        user, created = User.objects.get_or_create(
            username=demo.username, defaults={"first_name": first, "last_name": last}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
        user.is_staff = user.is_superuser = demo.role == Role.DINAS_ADMIN
        user.save()
        user.groups.add(Group.objects.get(name=demo.role.value))
        if demo.role in (Role.DINAS_ADMIN, Role.BANK_OFFICER):
            TOTPDevice.objects.get_or_create(
                user=user,
                confirmed=True,
                defaults={"name": "demo", "key": DEMO_TOTP_KEY},
            )
        if demo.npsn:
            SchoolOperator.objects.update_or_create(
                user=user, defaults={"school": School.objects.get(npsn=demo.npsn)}
            )
    return DEMO_USERS


@transaction.atomic
def load_demo() -> list[DemoUser]:
    Period.objects.get_or_create(
        year=2026, defaults={"name": "KBP 2026", "quota_per_school": None}
    )
    make_schools()
    return make_users()
