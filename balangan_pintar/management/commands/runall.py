import os
import signal
import subprocess
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Start the web server and a Celery worker together; Ctrl-C stops both."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default=os.environ.get("ADDR", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))

    def handle(self, *args: Any, addr: str, port: str, **options: Any) -> None:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "balangan_pintar",
                "worker",
                "--loglevel=INFO",
                "--concurrency=2",
            ]
        )
        self.stdout.write(f"\nKartu Balangan Pintar: http://{addr}:{port}/\n")
        try:
            call_command("runserver", f"{addr}:{port}", use_reloader=False)
        except KeyboardInterrupt:
            pass
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
