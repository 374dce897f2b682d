from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .roles import Role, roles_of

# What each role's menu offers, in the order of the SOP. A page that is not
# installed (yet) is left out of the menu rather than breaking it.
MENU: list[tuple[str, Any, str, set[Role]]] = [
    ("students:upload", _("Unggah Dapodik"), "upload", {Role.SCHOOL_OPERATOR}),
    (
        "students:selection",
        _("Usulan ke Dinas"),
        "send",
        {Role.SCHOOL_OPERATOR},
    ),
    (
        "students:upload-list",
        _("Unggahan sekolah"),
        "files",
        {Role.VERIFIER, Role.DINAS_ADMIN},
    ),
    (
        "students:student-list",
        _("Siswa"),
        "people",
        {Role.SCHOOL_OPERATOR, Role.VERIFIER, Role.DINAS_ADMIN},
    ),
    (
        "dtks:snapshot-list",
        _("DTKS"),
        "database",
        {Role.DINAS_ADMIN, Role.VERIFIER},
    ),
    (
        "verification:queue",
        _("Verifikasi"),
        "clipboard-check",
        {Role.VERIFIER, Role.DINAS_ADMIN},
    ),
    (
        "verification:school-decisions",
        _("Keputusan Dinas"),
        "clipboard-check",
        {Role.SCHOOL_OPERATOR},
    ),
    ("verification:rules", _("Aturan periode"), "sliders", {Role.DINAS_ADMIN}),
    (
        "verification:recipients",
        _("Penerima"),
        "list-check",
        {Role.VERIFIER, Role.DINAS_ADMIN, Role.KEPALA_DINAS},
    ),
    ("verification:review-queue", _("Tinjauan DTKS"), "search", {Role.VERIFIER}),
    (
        "bank_exchange:batch-list",
        _("Batch bank"),
        "bank",
        {Role.DINAS_ADMIN, Role.BANK_OFFICER},
    ),
    ("cards:card-list", _("Kartu"), "credit-card", {Role.BANK_OFFICER}),
    (
        "cards:handover-list",
        _("Penyerahan kartu"),
        "box-seam",
        {Role.SCHOOL_OPERATOR, Role.DINAS_ADMIN},
    ),
    (
        "reports:dashboard",
        _("Dasbor SOP"),
        "speedometer2",
        {Role.DINAS_ADMIN, Role.KEPALA_DINAS},
    ),
    (
        "reports:progress",
        _("Laporan"),
        "bar-chart",
        {Role.DINAS_ADMIN, Role.KEPALA_DINAS},
    ),
    ("audit:search", _("Audit"), "shield-check", {Role.DINAS_ADMIN}),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    held = roles_of(request.user)
    items = []
    for url_name, label, icon, roles in MENU:
        if not held & roles:
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "icon": icon})
    return {
        "menu": items,
        "user_roles": sorted(role.label for role in held),
    }
