"""The friend list's per-character initials table (model/initials.json) is pypinyin's answer.

The table holds, for every character of U+4E00..U+9FFF, the first letter of the reading pypinyin
gives it alone (its most common one), or ``#``; sort-word's table is per character too, so whole-
phrase readings never mattered for a group title, and the table spares every egg.js server
pypinyin's 55 MiB and ~0.35 s of import. ``python -m tests.eggjs_im.test_initials`` rewrites it
after a pypinyin upgrade.
"""

import json

from pypinyin import Style, lazy_pinyin

from chatsim.vendors.eggjs_im.model.grouping import FIRST, LAST, TABLE


def _letter(char: str) -> str:
    letter = lazy_pinyin(char, style=Style.FIRST_LETTER)[0][:1].upper()
    return letter if "A" <= letter <= "Z" else "#"


def pypinyin_letters() -> str:
    return "".join(_letter(chr(code)) for code in range(FIRST, LAST + 1))


def test_the_table_is_pypinyins_first_letter_of_every_character():
    assert pypinyin_letters() == json.loads(TABLE.read_text(encoding="utf-8"))["letters"]


def test_a_phrase_reading_never_changes_a_first_characters_group():
    # pypinyin reads 长 as zhang alone and in 长大, chang in 长城: sort-word (and the table) see only 长.
    assert [_letter(name[:1]) for name in ("长城", "长大", "重庆", "行长")] == ["Z", "Z", "Z", "X"]


if __name__ == "__main__":
    TABLE.write_text(json.dumps({"first": FIRST, "letters": pypinyin_letters()}) + "\n", encoding="utf-8")
