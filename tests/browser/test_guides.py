"""The guides in docs/panduan/ use only screenshots the browser journey
takes, and every one of them is in docs/panduan/gambar/: a guide cannot go
stale without this failing. Needs neither a browser nor a database."""

from .guide_images import (
    EXTENSION,
    IMAGES,
    SHOTS,
    guide_files,
    referenced_images,
    shot_of,
)

# One guide per role, and the parents' page, linked from the index.
GUIDES = (
    "operator-sekolah.md",
    "verifikator.md",
    "admin-dinas.md",
    "petugas-bank.md",
    "kepala-dinas.md",
    "orang-tua.md",
)


def test_every_role_has_a_guide_and_the_index_links_them() -> None:
    names = {path.name for path in guide_files()}
    index = (IMAGES.parent / "README.md").read_text(encoding="utf-8")

    assert set(GUIDES) | {"README.md"} <= names
    for guide in GUIDES:
        assert f"]({guide})" in index, f"the index does not link {guide}"


def test_every_image_of_a_guide_is_a_journey_screenshot_that_exists() -> None:
    referenced = referenced_images()

    assert referenced, "the guides show no screenshot at all"
    for name, guides in referenced.items():
        assert shot_of(name) is not None, (
            f"{', '.join(guides)} use gambar/{name}, which the journey does not "
            f"take; the journey's shots are tests/browser/guide_images.SHOTS"
        )
        assert (IMAGES / name).is_file(), (
            f"gambar/{name} is missing; run scripts/update_guides.py"
        )


def test_the_image_folder_holds_only_what_the_guides_use() -> None:
    stored = {path.name for path in IMAGES.iterdir()}

    assert stored <= set(referenced_images()), "images no guide uses; delete them"


def test_the_shot_names_are_plain_file_names() -> None:
    for name in SHOTS:
        assert name == name.lower()
        assert name.replace("-", "").isalnum()
        assert shot_of(f"{name}{EXTENSION}") == name
