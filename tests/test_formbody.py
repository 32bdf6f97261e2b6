"""chatsim.formbody.parse_form reads every form body as ``parse_qsl`` does."""

import itertools
import random
from urllib.parse import parse_qsl

import pytest

from chatsim.formbody import parse_form

SHAPES = ["", "a=1", "a=1&b=2", "a=1&a=2", "a", "a=", "=1", "&", "a=1&&b=2", "a==1", "a=1=2", "&a=1&",
          "username=my01&password=123456", "keyword=李", "a=%E6%9D%8E", "a=1+2", "a+b=c", "a=%zz", ";a=1;b=2"]


def plain(text: str) -> dict[str, str]:
    return dict(parse_qsl(text, keep_blank_values=True, errors="strict"))


def test_every_shape_is_read_as_parse_qsl_reads_it():
    rng = random.Random(5)
    alphabet = "ab=&%+;李 1"
    made = [*SHAPES, *("".join(p) for p in itertools.product("a=&+%", repeat=4))]
    made += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16))) for _ in range(3000)]
    for text in made:
        try:
            expected = plain(text)
        except UnicodeDecodeError:
            with pytest.raises(UnicodeDecodeError):
                parse_form(text)
            continue
        assert parse_form(text) == expected, text
