"""The cheap id draws (chatsim/ids.py) give exactly what the plain ``random`` calls give, and leave
the seeded stream where those leave it, so every id after them is the same too."""

import random
import uuid

import pytest

from chatsim.ids import IdGenerator, choices

ALPHABETS = ("0123456789abcdef", "0123456789abcdefghijklmnopqrstuvwxyz", "01", "abc",
             "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+/")


@pytest.mark.parametrize("alphabet", ALPHABETS)
def test_choices_draw_what_choice_draws(alphabet: str):
    for seed in range(40):
        fast, plain = random.Random(seed), random.Random(seed)
        for length in (0, 1, 12, 13, 150, 200):
            assert choices(fast, alphabet, length) == "".join(plain.choice(alphabet) for _ in range(length))
        assert fast.getrandbits(32) == plain.getrandbits(32)


def test_uuid4_is_the_uuid_module_s_formatting():
    fast, plain = IdGenerator(7, "t"), random.Random("7/t")
    for _ in range(2000):
        assert fast.uuid4() == str(uuid.UUID(int=plain.getrandbits(128), version=4))


def test_request_id_draws_its_length_then_its_characters_as_before():
    fast, plain = IdGenerator(3, "t"), random.Random("3/t")
    base36 = "0123456789abcdefghijklmnopqrstuvwxyz"
    for _ in range(500):
        length = plain.choice((12, 13))
        assert fast.request_id() == "".join(plain.choice(base36) for _ in range(length))
