from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from balangan_pintar.demo import DEMO_PASSWORD, load_demo, load_programme

TOTP_HINT = (
    "admin.dinas and bank.kalsel sign in with two-factor codes: add the key "
    "JBSWY3DPEHPK3PXPJBSWY3DPEE to an authenticator app, or run "
    "`.venv/bin/python manage.py totp_code admin.dinas`."
)


class Command(BaseCommand):
    help = (
        "Load the demo programme year, schools and one user per role, and a "
        "programme year in progress made through the application's services."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--small",
            action="store_true",
            help="A few schools and pupils only (for tests).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        users = load_demo()
        summary = load_programme(small=options["small"])
        if summary is None:
            self.stdout.write("demo data already present")
        else:
            statuses = ", ".join(
                f"{status} {count}"
                for status, count in sorted(summary.by_status.items())
            )
            self.stdout.write(
                f"Demo programme: {summary.students} students, "
                f"{summary.candidates} candidates ({statuses})."
            )
        self.stdout.write(f"Demo users (password for all: {DEMO_PASSWORD}):")
        for user in users:
            self.stdout.write(f"  {user.username:<16} {user.role.label}")
        self.stdout.write(TOTP_HINT)
