"""Sign-in protections: throttling, password rules, session limits,
two-factor sign-in for the roles that need it, and response headers."""

import time
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from balangan_pintar.security import SESSION_STARTED
from conftest import PASSWORD


def attempt(client: Client, username: str, password: str, ip: str) -> int:
    response = client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
    )
    return response.status_code


@pytest.fixture
def axes_on(settings: Any) -> None:
    settings.AXES_ENABLED = True


def test_failed_logins_lock_that_username_from_that_client(
    axes_on: None, client: Client, verifier: User, operator_a: User
) -> None:
    for _ in range(5):
        attempt(client, verifier.username, "wrong-password!", "10.0.0.1")

    assert attempt(client, verifier.username, PASSWORD, "10.0.0.1") == 429
    # The same office address is not locked for a colleague, nor the user
    # from another address.
    assert attempt(Client(), operator_a.username, PASSWORD, "10.0.0.1") == 302
    assert attempt(Client(), verifier.username, PASSWORD, "10.0.0.2") == 302


def test_passwords_need_twelve_characters(db: None) -> None:
    with pytest.raises(ValidationError):
        validate_password("kbp-pendek")
    validate_password("kartu-balangan-aman")


def test_a_session_ends_after_its_maximum_age(
    client: Client, verifier: User, settings: Any
) -> None:
    client.login(username=verifier.username, password=PASSWORD)
    session = client.session
    session[SESSION_STARTED] = int(time.time()) - settings.SESSION_MAX_SECONDS - 1
    session.save()

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_disabled_account_loses_its_session(client: Client, verifier: User) -> None:
    client.login(username=verifier.username, password=PASSWORD)
    verifier.is_active = False
    verifier.save()

    response = client.get(reverse("home"))

    assert response.status_code == 302


@pytest.fixture
def two_factor_on(settings: Any) -> None:
    settings.TWO_FACTOR_REQUIRED_ROLES = ["dinas_admin", "bank_officer"]


@pytest.mark.parametrize("who", ["dinas_admin", "bank_officer"])
def test_admins_and_bank_officers_must_use_two_factor(
    db: None,
    two_factor_on: None,
    client: Client,
    who: str,
    request: pytest.FixtureRequest,
) -> None:
    user: User = request.getfixturevalue(who)
    client.login(username=user.username, password=PASSWORD)

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two-factor"))


def test_other_roles_may_skip_two_factor(
    two_factor_on: None, client: Client, verifier: User
) -> None:
    client.login(username=verifier.username, password=PASSWORD)

    assert client.get(reverse("home")).status_code == 200


def test_setting_up_two_factor_lets_the_user_in(
    two_factor_on: None, client: Client, dinas_admin: User
) -> None:
    client.login(username=dinas_admin.username, password=PASSWORD)
    page = client.get(reverse("two-factor"))
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=dinas_admin)

    code = f"{totp(device.bin_key):06d}"
    right = client.post(reverse("two-factor"), {"token": code, "next": "/"})

    assert right.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("home")).status_code == 200


def test_pages_carry_csp_and_no_store(client: Client, verifier: User) -> None:
    client.login(username=verifier.username, password=PASSWORD)

    response = client.get(reverse("home"))

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "no-store" in response["Cache-Control"]


def test_no_page_has_an_inline_script(client: Client, verifier: User) -> None:
    client.login(username=verifier.username, password=PASSWORD)

    html = client.get(reverse("home")).content.decode()

    assert "<script>" not in html
    assert all('src="' in tag for tag in html.split("<script")[1:])


def test_a_wrong_code_is_refused(
    two_factor_on: None, client: Client, bank_officer: User
) -> None:
    client.login(username=bank_officer.username, password=PASSWORD)
    client.get(reverse("two-factor"))

    response = client.post(reverse("two-factor"), {"token": "000000", "next": "/"})

    assert "Kode salah" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302
