"""What the browser journey does over and over: a person at a browser
who signs in and follows the menu, screenshots kept as test artefacts (and
as the guides' images), and the checks every main page gets: axe-core for
accessibility, and no horizontal scrolling on a phone."""

import json
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Dialog, Page, expect

from .guide_images import EXTENSION, IMAGES, SHOTS, referenced_images

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
JOURNEY = ARTIFACTS / "journey"
# Set to 1 to copy the shots the guides use into docs/panduan/gambar/.
UPDATE_GUIDES = os.environ.get("KBP_UPDATE_GUIDES", "") == "1"

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}
# Long enough for a job on a busy two-core machine; the pages themselves
# answer in well under a second.
STEP_TIMEOUT_MS = 15_000
JOB_TIMEOUT_MS = 90_000
JPEG_QUALITY = 70
GUIDE_WIDTH = 1024
# Violations of these impacts fail the check.
FAILING_IMPACTS = ("serious", "critical")


class Album:
    """The journey's screenshots, numbered in the order taken, under
    test-artifacts/journey/; with KBP_UPDATE_GUIDES=1 the ones a guide uses
    are copied to docs/panduan/gambar/ too."""

    def __init__(self, directory: Path = JOURNEY) -> None:
        self.directory = directory
        if directory.exists():
            shutil.rmtree(directory)
        directory.mkdir(parents=True)
        self.taken: list[str] = []
        self.wanted = set(referenced_images()) if UPDATE_GUIDES else set()

    def shot(self, page: Page, name: str, *, full_page: bool = False) -> Path:
        assert name in SHOTS, f"{name!r} is not in guide_images.SHOTS"
        assert name not in self.taken, f"{name!r} was taken twice"
        self.taken.append(name)
        path = self.directory / f"{len(self.taken):02d}-{name}{EXTENSION}"
        page.screenshot(
            path=path,
            type="jpeg",
            quality=JPEG_QUALITY,
            full_page=full_page,
            animations="disabled",
            caret="hide",
        )
        if f"{name}{EXTENSION}" in self.wanted:
            _guide_copy(path, IMAGES / f"{name}{EXTENSION}")
        return path

    def missing(self) -> list[str]:
        return [name for name in SHOTS if name not in self.taken]


def _guide_copy(shot: Path, target: Path) -> None:
    """A smaller copy for the guides: desktop shots scaled to
    GUIDE_WIDTH, which keeps the text readable and the repository light."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with Image.open(shot) as taken:
        image: Image.Image = taken
        if image.width > GUIDE_WIDTH:
            height = round(image.height * GUIDE_WIDTH / image.width)
            image = image.resize((GUIDE_WIDTH, height), Image.Resampling.LANCZOS)
        image.save(target, "JPEG", quality=JPEG_QUALITY, optimize=True)


@dataclass
class Person:
    """Someone at their own browser: a context of their own, one page, the
    questions the page asked them (all answered "OK") and the errors the
    browser console showed."""

    context: BrowserContext
    page: Page
    base_url: str
    questions: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    @classmethod
    def at(
        cls,
        browser: Browser,
        base_url: str,
        *,
        viewport: dict[str, int] = DESKTOP,
        phone: bool = False,
        storage_state: Any = None,
    ) -> "Person":
        context = browser.new_context(
            base_url=base_url,
            viewport=viewport,  # type: ignore[arg-type]
            is_mobile=phone,
            has_touch=phone,
            locale="id-ID",
            timezone_id="Asia/Makassar",
            accept_downloads=True,
            storage_state=storage_state,
        )
        context.set_default_timeout(STEP_TIMEOUT_MS)
        person = cls(context, context.new_page(), base_url)
        person.page.on("dialog", person._answer)
        person.page.on("console", person._console)
        person.page.on(
            "pageerror", lambda error: person.console_errors.append(str(error))
        )
        return person

    def _answer(self, dialog: Dialog) -> None:
        self.questions.append(dialog.message)
        dialog.accept()

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.console_errors.append(f"{message.text} ({self.page.url})")

    def log_in(self, username: str, password: str, album: Album | None = None) -> None:
        """Through the login form; ``album`` takes the filled form's shot."""
        page = self.page
        page.goto("/masuk/")
        page.get_by_label("Nama pengguna").fill(username)
        page.get_by_label("Sandi").fill(password)
        if album is not None:
            album.shot(page, "masuk")
        page.get_by_role("button", name="Masuk").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Selamat datang")

    def menu(self, label: str) -> None:
        """Follow an item of the main menu, as on a desktop screen."""
        navigation = self.page.get_by_role("navigation", name="Navigasi utama")
        navigation.get_by_role("link", name=label, exact=True).click()

    def expect_message(self, text: str | re.Pattern[str]) -> None:
        """The green (or blue) message Django shows after an action."""
        messages = self.page.locator("main > .alert[role=status]")
        expect(messages.filter(has_text=text)).to_be_visible()

    def wait_for_job(self, result: re.Pattern[str]) -> None:
        """On a job's page, watch the progress bar until the job's result
        page opens by itself; or, when the job had finished before the
        page was drawn, follow its "Lihat hasil" link."""
        page = self.page
        expect(page.get_by_role("progressbar", name="Kemajuan")).to_be_visible()
        finished = page.get_by_role("link", name="Lihat hasil")
        if finished.is_visible():
            finished.click()
        try:
            expect(page).to_have_url(result, timeout=JOB_TIMEOUT_MS)
        except AssertionError:
            text = page.locator("main").inner_text()
            raise AssertionError(
                f"the job did not end in its result:\n{text}"
            ) from None

    def close(self) -> None:
        self.context.close()


@dataclass
class Checks:
    """axe-core on every main page and the phone layout of the pages meant
    for phones; each page's result is a subtest of its own, so that one
    page's finding neither hides another's nor stops the journey."""

    subtests: Any
    axe_source: str | None
    axe_unavailable: str

    def accessibility(self, page: Page, label: str) -> None:
        if self.axe_source is None:
            return
        with self.subtests.test(msg=f"axe-core: {label}"):
            violations = axe_violations(page, self.axe_source)
            assert not violations, f"{label} ({page.url}):\n" + "\n".join(violations)

    def report_axe_unavailable(self) -> None:
        if self.axe_source is None:
            with self.subtests.test(msg="axe-core"):
                pytest.skip(self.axe_unavailable)

    def fits_phone(self, page: Page, label: str) -> None:
        with self.subtests.test(msg=f"phone {PHONE['width']}px: {label}"):
            assert page.viewport_size is not None
            width = page.viewport_size["width"]
            scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
            if scroll_width > width:
                wide = page.evaluate(WIDEST_ELEMENTS, width)
                pytest.fail(
                    f"{label} ({page.url}) scrolls sideways on a {width}px "
                    f"screen: {scroll_width}px wide; widest: {wide}"
                )


# The elements that stick out on the right, for the message of a failure.
WIDEST_ELEMENTS = """(width) => Array.from(document.querySelectorAll("body *"))
  .map((e) => [e, e.getBoundingClientRect().right])
  .filter(([e, right]) => right > width + 1)
  .sort((a, b) => b[1] - a[1])
  .slice(0, 5)
  .map(([e, right]) => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}`
    + `.${Array.from(e.classList).join(".")} ${Math.round(right)}px`)"""

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5),
    why: v.nodes.length ? [...v.nodes[0].any, ...v.nodes[0].all, ...v.nodes[0].none]
      .map((c) => c.message).join(" ") : "",
  }));
}"""


def axe_violations(page: Page, source: str) -> list[str]:
    """The serious and critical violations axe-core finds on the page, one
    line each. The script is evaluated through the DevTools protocol,
    which the site's Content Security Policy does not govern, so the page
    is checked under its real policy."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(source)
    found = page.evaluate(AXE_RUN)
    return [
        f"  {v['impact']}: {v['id']} ({v['help']}): {json.dumps(v['nodes'])} {v['why']}"
        for v in found
        if v["impact"] in FAILING_IMPACTS
    ]


@contextmanager
def phone_view(browser: Browser, person: Person) -> Iterator[Person]:
    """The same person, signed in, on a phone-sized screen."""
    phone = Person.at(
        browser,
        person.base_url,
        viewport=PHONE,
        phone=True,
        storage_state=person.context.storage_state(),
    )
    try:
        yield phone
    finally:
        phone.close()
