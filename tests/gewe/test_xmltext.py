"""chatsim's XML escaping (a speed trick) gives exactly what xml.sax.saxutils gives."""

import itertools
import random
from xml.sax import saxutils

from chatsim.vendors.gewe.model.xmltext import attributes, escape, quoteattr

SPECIAL = "&<>\"'\n\r\t"
PLAIN = ["", "wxid_0xsqb3o0tsvz22", "0123456789abcdef", "1796145962", "李雷", "a b", "[图片]", "http://x/y?z=1"]


def samples() -> list[str]:
    rng = random.Random(17)
    alphabet = SPECIAL + "ab 李;#x1"
    made = [*PLAIN, *SPECIAL, *("".join(pair) for pair in itertools.product(SPECIAL + "a", repeat=2))]
    made += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))) for _ in range(2000)]
    return made


def test_escape_and_quoteattr_equal_saxutils_for_every_value():
    for value in samples():
        assert escape(value) == saxutils.escape(value), value
        assert quoteattr(value) == saxutils.quoteattr(value), value


def test_attributes_quote_each_value_in_order():
    values = {"aeskey": "0f" * 16, "length": 2146, "title": 'say "hi" & <bye>', "who": "it's", "n": -5, "zero": 0,
              "flag": True, "big": 2**70}
    clean = {key: value for key, value in values.items() if key not in ("title", "who")}
    for each in (values, clean, {}, {"one": "\n"}, {"a": "x", "b": "<"}):
        assert attributes(each) == " ".join(f"{k}={saxutils.quoteattr(str(v))}" for k, v in each.items())
    assert attributes(values).startswith('aeskey="' + "0f" * 16 + '" length="2146" title=')
