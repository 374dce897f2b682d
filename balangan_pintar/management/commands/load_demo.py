from typing import Any

from django.core.management.base import BaseCommand

from balangan_pintar.demo import DEMO_PASSWORD, load_demo

TOTP_HINT = (
    "admin.dinas and bank.kalsel sign in with two-factor codes: add the key "
    "JBSWY3DPEHPK3PXPJBSWY3DPEE to an authenticator app, or run "
    "`.venv/bin/python manage.py totp_code admin.dinas`."
)


class Command(BaseCommand):
    help = "Load the demo programme year, schools and one user per role."

    def handle(self, *args: Any, **options: Any) -> None:
        users = load_demo()
        self.stdout.write(f"Demo users (password for all: {DEMO_PASSWORD}):")
        for user in users:
            self.stdout.write(f"  {user.username:<16} {user.role.label}")
        self.stdout.write(TOTP_HINT)
