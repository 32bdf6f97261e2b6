"""The friend list's A-Z grouping, as the npm package sort-word does it for the backend.

sort-word keeps 26 strings, one per letter ("aA" then the Chinese characters read with that initial),
and tests them in A->Z order with the name's first character used AS A REGULAR EXPRESSION. So a
polyphonic character lands under its alphabetically first reading, `.` `$` `^` `|` match key A at
once, `* + ? ( ) [ \\` make the RegExp constructor throw (HTTP 500 with V8's message), and anything
in no key (digits, symbols, emoji, accented letters) goes to `#`, listed last.

Here pypinyin stands in for sort-word's character table, with each character's most common reading:
for a polyphonic character sort-word may pick a rarer reading that sorts first (长 is C there, Z here).
A scenario pins single characters (``pinyin_initials``) where the two disagree. Only a name's first
character counts, so pypinyin's answers are kept as a table of one letter per character
(``initials.json``, checked against pypinyin by tests/eggjs_im/test_initials.py): importing pypinyin
itself was 55 MiB and ~0.35 s of every start-up.
"""

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from chatsim.vendors.eggjs_im.errors import EggError

OTHERS = "#"
_MATCHES_KEY_A = frozenset(".$^|")
# V8's SyntaxError text for a one-character pattern, per character.
_REGEXP_ERRORS = {
    "*": "Nothing to repeat", "+": "Nothing to repeat", "?": "Nothing to repeat",
    "(": "Unterminated group", ")": "Unmatched ')'", "[": "Unterminated character class",
    "\\": "\\ at end of pattern",
}


TABLE = Path(__file__).parent / "initials.json"
FIRST, LAST = 0x4E00, 0x9FFF  # the CJK Unified Ideographs block: what sort-word's keys hold


@cache
def _letters() -> str:
    """One letter (or ``#``) per character from FIRST to LAST, read on the first friend list."""
    letters: str = json.loads(TABLE.read_text(encoding="utf-8"))["letters"]
    return letters


def initial(name: str, overrides: Mapping[str, str], regexp_quirk: bool) -> str:
    """The group title for one name (sort-word reads a single UTF-16 unit: astral characters fall to #)."""
    char = name[:1]
    if regexp_quirk:
        if char in _MATCHES_KEY_A:
            return "A"
        if char in _REGEXP_ERRORS:
            raise EggError(f"Invalid regular expression: /{char}/: {_REGEXP_ERRORS[char]}", status=500)
    if char in overrides:
        return overrides[char]
    if char.isascii() and char.isalpha():
        return char.upper()
    if char and FIRST <= ord(char) <= LAST:
        return _letters()[ord(char) - FIRST]
    return OTHERS


def group(rows: list[dict[str, Any]], overrides: Mapping[str, str], regexp_quirk: bool) -> dict[str, Any]:
    """sort-word's result: groups by char code of the title, `#` last, rows keep their order."""
    buckets: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        buckets.setdefault(initial(row["name"], overrides, regexp_quirk), []).append(row)
    titles = sorted(buckets, key=lambda title: (title == OTHERS, title))
    return {"newList": [{"title": title, "list": buckets[title]} for title in titles],
            "indexList": titles, "total": len(titles)}
