"""Regenerate the screenshots of the guides in docs/panduan/ from the
browser journey, so that they show the pages as they are.

    DATABASE_URL=postgres://... REDIS_URL=redis://... \\
        .venv/bin/python scripts/update_guides.py

Runs tests/browser/test_journey.py with KBP_UPDATE_GUIDES=1: every shot a
guide uses is copied into docs/panduan/gambar/ as the journey takes it.
Images no guide uses any more are deleted first. Needs what the journey
needs: Chromium at /usr/bin/chromium, PostgreSQL and Redis. Exits with the
test run's status; the images are written even when an accessibility
check of the run fails, since they show the pages all the same.
"""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from tests.browser.guide_images import IMAGES, referenced_images  # noqa: E402


def main() -> int:
    if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
        sys.stderr.write("set DATABASE_URL (PostgreSQL) and REDIS_URL first\n")
        return 2
    used = set(referenced_images())
    if IMAGES.exists():
        for image in IMAGES.iterdir():
            if image.name not in used:
                image.unlink()
                sys.stdout.write(f"deleted {image.relative_to(BASE_DIR)}: unused\n")

    command = [
        sys.executable,
        "-m",
        "pytest",
        "tests/browser/test_journey.py",
        "tests/browser/test_guides.py",
        "-q",
    ]
    env = {**os.environ, "KBP_UPDATE_GUIDES": "1"}
    result = subprocess.run(command, cwd=BASE_DIR, env=env, check=False)  # noqa: S603
    missing = sorted(name for name in used if not (IMAGES / name).is_file())
    if missing:
        sys.stderr.write(f"not written: {', '.join(missing)}\n")
        return result.returncode or 1
    sys.stdout.write(f"{len(used)} images in {IMAGES.relative_to(BASE_DIR)}\n")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
