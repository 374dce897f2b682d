"""Fixtures of the browser journey: Debian's Chromium driven by Playwright,
and axe-core fetched from the npm registry for the accessibility checks.

The journey needs Chromium, PostgreSQL and Redis (a real Celery worker);
without any of them it is skipped with the reason. Without npm or the
network only its accessibility checks are skipped.
"""

import base64
import hashlib
import os
import shutil
import subprocess
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.db import connection, connections
from django.test.testcases import LiveServerThread
from playwright.sync_api import Browser

from .helpers import ARTIFACTS

CHROMIUM = Path(os.environ.get("KBP_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking"]

AXE_VERSION = "4.14.1"
# The registry's own integrity value for that version, so that a changed
# package is refused rather than trusted.
AXE_INTEGRITY = (
    "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJ"
    "pZe37OgudVGtQ=="
)
AXE_CACHE = ARTIFACTS / "npm-cache"
NPM_TIMEOUT_SECONDS = 120


@pytest.fixture(scope="session")
def journey_requirements() -> None:
    """Skip at once, before anything is started, when something the
    journey needs is missing."""
    if not CHROMIUM.exists():
        pytest.skip(
            f"Chromium is not installed at {CHROMIUM} (Debian package "
            "'chromium'); the browser journey runs where it is, as in CI"
        )
    if not os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL is not set: the journey needs a real Celery worker")
    if connection.vendor != "postgresql":
        pytest.skip(
            "the journey's worker and live server share the database with the "
            "test: set DATABASE_URL to PostgreSQL"
        )


@pytest.fixture
def browser(journey_requirements: None) -> Iterator[Browser]:
    """Headless Chromium for one test.

    Playwright's synchronous API keeps an asyncio loop running in this
    thread while it is started, and Django refuses database work in a
    thread with a running loop. The test's own queries happen in between
    Playwright's calls, never inside them, so the check is lifted while
    Playwright runs and put back after.

    Per test, not per module: while the loop runs, Django's per-context
    connection handler hands out a fresh connection object, and the
    database teardown after the test must see the one that carries the
    serialized rollback (else its flush re-creates content types and every
    later test that restores the database fails on them). A fixture of
    the test ends before that teardown.
    """
    from playwright.sync_api import sync_playwright

    saved = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            try:
                yield chromium
            finally:
                chromium.close()
                # The connections the test opened while the loop ran belong
                # to the loop's context: closed here, or they outlive it and
                # keep the test database from being dropped.
                connections.close_all()
    finally:
        if saved is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = saved


@pytest.fixture
def live_site(settings: Any, transactional_db: None) -> Iterator[str]:
    """The site on a live server of its own, started after this test's
    settings: Django's middleware reads some settings once, when the
    server's handler is made, and pytest-django's session-wide server is
    made before the settings of a test (its SecurityMiddleware would send
    plain http to https). Static files come from the finders, as with
    ``runserver``; the site's CSP applies to the pages as in production.
    Returns the base URL."""
    # Plain http on localhost: the cookies may not ask for https.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    # The test server serves MEDIA_URL from MEDIA_ROOT; left empty, that
    # would be every path. The site itself serves its files only through
    # views that check rights, so the test server gets a path no page uses.
    settings.MEDIA_URL = "/_test_media_not_linked/"
    server = LiveServerThread("localhost", StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    try:
        yield f"http://{server.host}:{server.port}"
    finally:
        server.terminate()


@pytest.fixture(scope="session")
def axe_source() -> tuple[str | None, str]:
    """axe-core's script and, when it cannot be had, None and why."""
    tarball = AXE_CACHE / f"axe-core-{AXE_VERSION}.tgz"
    if not tarball.exists():
        reason = _npm_pack(AXE_CACHE)
        if reason:
            return None, reason
    digest = hashlib.sha512(tarball.read_bytes()).digest()
    integrity = "sha512-" + base64.b64encode(digest).decode()
    if integrity != AXE_INTEGRITY:
        tarball.unlink()
        pytest.fail(f"{tarball.name} does not have the registry's integrity value")
    with tarfile.open(tarball) as archive:
        member = archive.extractfile("package/axe.min.js")
        assert member is not None
        return member.read().decode("utf-8"), ""


def _npm_pack(directory: Path) -> str:
    """Fetch the package into ``directory``; the reason it failed, or ""."""
    npm = shutil.which("npm")
    if npm is None:
        return "npm is not installed: axe-core cannot be fetched"
    directory.mkdir(parents=True, exist_ok=True)
    command = [
        npm,
        "pack",
        f"axe-core@{AXE_VERSION}",
        "--pack-destination",
        str(directory),
        "--fetch-retries=0",
        "--fetch-timeout=30000",
        "--silent",
    ]
    try:
        subprocess.run(  # noqa: S603 - a fixed command
            command, check=True, capture_output=True, timeout=NPM_TIMEOUT_SECONDS
        )
    except subprocess.CalledProcessError as error:
        message = error.stderr.decode(errors="replace").strip().splitlines()
        return f"npm could not fetch axe-core@{AXE_VERSION}: {' '.join(message[-2:])}"
    except (subprocess.TimeoutExpired, OSError) as error:
        return f"npm could not fetch axe-core@{AXE_VERSION}: {error}"
    return ""
