from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = (
        "Print the current two-factor code of a user's authenticator, for a "
        "demo or a test without a phone. Needs shell access to the server."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        device = TOTPDevice.objects.filter(
            user__username=username, confirmed=True
        ).first()
        if device is None:
            raise CommandError(f"{username} has no confirmed authenticator")
        code = totp(device.bin_key, device.step, device.t0, device.digits)
        self.stdout.write(f"{code:0{device.digits}d}")
