"""Report on the translation catalogues under locale/, and help fill them.

    python scripts/translate_status.py                  # counts and problems
    python scripts/translate_status.py --todo todo.json # entries to translate
    python scripts/translate_status.py --apply todo.json

--todo writes every untranslated or fuzzy entry of one catalogue as a JSON
list; fill in "msgstr" (or both forms of "msgstr_plural") and pass the file
to --apply, which checks placeholders, HTML tags and surrounding whitespace
before writing anything, and clears the fuzzy flag of each entry it fills.
Entries left empty in the file are skipped.

The status report exits with 1 while any entry is untranslated, fuzzy, or
has placeholders or tags that differ from its msgid, so it can guard a
build. Needs polib, which the running system does not.
"""

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

import polib

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_CATALOGUE = BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"
PLURAL_FORMS = "nplurals=2; plural=(n != 1);"

# printf-style placeholders as Python and Django's blocktranslate write them.
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[#0 +-]*\d*(?:\.\d+)?[sdifrxX]")
TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>")


def entry_key(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid


def _edges(text: str) -> tuple[str, str]:
    return text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]


def translation_problems(
    msgid: str, msgstr: str, *, other_forms: str = ""
) -> list[str]:
    """Differences between a source string and its translation that break it.

    ``other_forms`` holds the rest of a plural entry's source strings: the
    singular translation may leave out the count ("one card") and may use a
    placeholder that only the plural msgid has.
    """
    problems = []

    wanted = sorted(PLACEHOLDER.findall(msgid))
    found = sorted(PLACEHOLDER.findall(msgstr))
    if other_forms:
        allowed = set(wanted) | set(PLACEHOLDER.findall(other_forms))
        if not set(found) <= allowed:
            problems.append(f"placeholders {found} not in {sorted(allowed)}")
    elif wanted != found:
        problems.append(f"placeholders {found}, msgid has {wanted}")

    if sorted(TAG.findall(msgid)) != sorted(TAG.findall(msgstr)):
        problems.append("HTML tags differ")

    if _edges(msgid) != _edges(msgstr):
        problems.append("leading or trailing whitespace differs")

    return problems


def entry_problems(entry: polib.POEntry) -> list[str]:
    if not entry.translated():
        return []

    if not entry.msgid_plural:
        return translation_problems(entry.msgid, entry.msgstr)

    problems = translation_problems(
        entry.msgid, entry.msgstr_plural[0], other_forms=entry.msgid_plural
    )
    for index, form in sorted(entry.msgstr_plural.items()):
        if index > 0:
            problems += translation_problems(entry.msgid_plural, form)
    return problems


def report(path: Path) -> bool:
    """Write a summary of one catalogue; answer whether it is complete."""
    catalogue = polib.pofile(str(path))
    live = [entry for entry in catalogue if not entry.obsolete]
    untranslated = catalogue.untranslated_entries()
    fuzzy = catalogue.fuzzy_entries()
    broken = [(entry, entry_problems(entry)) for entry in live]
    broken = [(entry, problems) for entry, problems in broken if problems]

    out = sys.stdout
    out.write(f"{path.relative_to(BASE_DIR)}\n")
    out.write(
        f"  {len(live)} entries: {len(catalogue.translated_entries())} "
        f"translated, {len(untranslated)} untranslated, {len(fuzzy)} fuzzy, "
        f"{len(catalogue.obsolete_entries())} obsolete\n"
    )
    if catalogue.metadata.get("Plural-Forms") != PLURAL_FORMS:
        out.write(f"  Plural-Forms is not {PLURAL_FORMS!r}\n")
    for entry, problems in broken:
        out.write(f"  {entry.msgid!r}: {'; '.join(problems)}\n")

    compiled = path.with_suffix(".mo")
    if not compiled.exists():
        out.write("  not compiled: run manage.py compilemessages\n")
    elif compiled.stat().st_mtime < path.stat().st_mtime:
        out.write("  compiled catalogue is older than the .po file\n")

    return not untranslated and not fuzzy and not broken


def write_todo(path: Path, todo: Path) -> int:
    catalogue = polib.pofile(str(path))
    waiting = catalogue.untranslated_entries() + catalogue.fuzzy_entries()
    rows: list[dict[str, Any]] = []
    for entry in waiting:
        row: dict[str, Any] = {"msgid": entry.msgid}
        if entry.msgctxt:
            row["msgctxt"] = entry.msgctxt
        if entry.occurrences:
            row["where"] = entry.occurrences[0][0]
        if entry.msgid_plural:
            row["msgid_plural"] = entry.msgid_plural
            row["msgstr_plural"] = ["", ""]
        else:
            row["msgstr"] = ""
        rows.append(row)

    todo.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
    return len(rows)


def apply_todo(path: Path, todo: Path) -> int:
    """Fill the catalogue from a completed todo file; nothing on any error."""
    catalogue = polib.pofile(str(path))
    by_key = {entry_key(e): e for e in catalogue if not e.obsolete}
    rows = json.loads(todo.read_text())
    changes = []
    errors = []

    for row in rows:
        key = entry_key(polib.POEntry(msgid=row["msgid"], msgctxt=row.get("msgctxt")))
        entry = by_key.get(key)
        if entry is None:
            errors.append(f"{row['msgid']!r}: no longer in the catalogue")
            continue
        if entry.msgid_plural:
            forms = row.get("msgstr_plural") or []
            if not all(forms) or len(forms) != 2:
                continue
            problems = translation_problems(
                entry.msgid, forms[0], other_forms=entry.msgid_plural
            ) + translation_problems(entry.msgid_plural, forms[1])
        else:
            forms = [row.get("msgstr", "")]
            if not forms[0]:
                continue
            problems = translation_problems(entry.msgid, forms[0])
        if problems:
            errors.append(f"{entry.msgid!r}: {'; '.join(problems)}")
            continue
        changes.append((entry, forms))

    if errors:
        sys.stderr.write("nothing applied:\n  " + "\n  ".join(errors) + "\n")
        return -1

    for entry, forms in changes:
        if entry.msgid_plural:
            entry.msgstr_plural = dict(enumerate(forms))
        else:
            entry.msgstr = forms[0]
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = None
        entry.previous_msgid_plural = None
        entry.previous_msgctxt = None
    catalogue.metadata["Plural-Forms"] = PLURAL_FORMS
    catalogue.save(str(path))
    return len(changes)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalogue", type=Path, default=DEFAULT_CATALOGUE)
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--todo", type=Path, help="write entries to translate")
    action.add_argument("--apply", type=Path, help="fill in translated entries")
    args = parser.parse_args()
    catalogue = args.catalogue.resolve()

    if args.todo:
        count = write_todo(catalogue, args.todo)
        sys.stdout.write(f"{count} entries written to {args.todo}\n")
        return 0

    if args.apply:
        count = apply_todo(catalogue, args.apply)
        if count < 0:
            return 1
        sys.stdout.write(f"{count} entries filled; run compilemessages\n")
        return 0

    paths = sorted((BASE_DIR / "locale").glob("*/LC_MESSAGES/*.po"))
    complete = [report(path) for path in paths]
    return 0 if all(complete) else 1


if __name__ == "__main__":
    sys.exit(main())
