"""The cheap id draws (chatsim/ids.py) give exactly what the plain ``random`` calls give, and leave
the seeded stream where those leave it, so every id after them is the same too."""

import random
import re
import uuid

import pytest

from chatsim.ids import IdGenerator, choices, randint

ALPHABETS = ("0123456789abcdef", "0123456789abcdefghijklmnopqrstuvwxyz", "01", "abc",
             "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+/")


@pytest.mark.parametrize("alphabet", ALPHABETS)
def test_choices_draw_what_choice_draws(alphabet: str):
    for seed in range(40):
        fast, plain = random.Random(seed), random.Random(seed)
        for length in (0, 1, 12, 13, 150, 200):
            assert choices(fast, alphabet, length) == "".join(plain.choice(alphabet) for _ in range(length))
        assert fast.getrandbits(32) == plain.getrandbits(32)


@pytest.mark.parametrize("bounds", [(0, 0), (0, 1), (1, 6), (10**9, 2**31 - 1), (2**60, 2**63 - 1), (-5, 5),
                                    (600_000_000, 700_000_000), (10**10, 10**11 - 1)])
def test_randint_draws_what_randint_draws(bounds: tuple[int, int]):
    for seed in range(40):
        fast, plain = random.Random(seed), random.Random(seed)
        assert [randint(fast, *bounds) for _ in range(30)] == [plain.randint(*bounds) for _ in range(30)]
        assert fast.getrandbits(32) == plain.getrandbits(32)


def test_hex_ids_are_seeded_full_length_lowercase_hex():
    first, again = IdGenerator(5, "t"), IdGenerator(5, "t")
    drawn = [first.hex(length) for length in (1, 32, 150, 200) * 50]
    assert drawn == [again.hex(length) for length in (1, 32, 150, 200) * 50]
    assert all(re.fullmatch(r"[0-9a-f]+", one) and len(one) in (1, 32, 150, 200) for one in drawn)
    assert {first.hex(200)[0] for _ in range(400)} == set("0123456789abcdef")  # leading zeros kept


def test_uuid4_is_the_uuid_module_s_formatting():
    fast, plain = IdGenerator(7, "t"), random.Random("7/t")
    for _ in range(2000):
        assert fast.uuid4() == str(uuid.UUID(int=plain.getrandbits(128), version=4))


def test_request_ids_are_seeded_and_shaped_as_dingtalks():
    ids = [IdGenerator(3, "t").request_id() for _ in range(2)]
    assert ids[0] == ids[1]
    drawn = IdGenerator(3, "t")
    many = [drawn.request_id() for _ in range(2000)]
    assert all(re.fullmatch(r"[0-9a-z]{12,13}", one) for one in many)
    assert {len(one) for one in many} == {12, 13}
    assert len(set(many)) == len(many)
    assert set("".join(many)) == set("0123456789abcdefghijklmnopqrstuvwxyz")


def test_request_ids_are_the_base36_pairs_of_one_draw():
    """The written-out divisions give what the plain loop over the draw's base-36 pairs gives."""
    pairs = [a + b for a in "0123456789abcdefghijklmnopqrstuvwxyz" for b in "0123456789abcdefghijklmnopqrstuvwxyz"]
    fast, plain = IdGenerator(11, "t"), random.Random("11/t")
    for _ in range(5000):
        value = plain.getrandbits(80)
        length, rest, text = 12 + (value & 1), value >> 1, []
        for _ in range(7):
            rest, pair = divmod(rest, 1296)
            text.append(pairs[pair])
        assert fast.request_id() == "".join(text)[:length]


def _draw_mix(ids: IdGenerator, count: int) -> list[object]:
    kinds = (ids.request_id, ids.uuid4, ids.new_msg_id, ids.msg_id, lambda: ids.hex(150), ids.wx_appid)
    return [kinds[i % len(kinds)]() for i in range(count)]


@pytest.mark.parametrize("words", [0, 1, 2, 623, 624, 625, 1247, 1248, 1249, 2495, 2496, 2497, 4000])
def test_a_rested_generator_draws_what_a_live_one_draws(words: int):
    """However far the stream had gone (a draw of 32 * words bits moves it by that many words),
    resting and waking changes nothing that comes after: past four blocks it simply stays live."""
    rested, live = IdGenerator(9, "t"), IdGenerator(9, "t")
    for ids in (rested, live):
        if words:
            ids.randint(0, 2 ** (32 * words) - 1)
    rested.rest()
    assert _draw_mix(rested, 60) == _draw_mix(live, 60)
    rested.rest()  # a woken generator rests again
    assert rested.state() == live.state()


def test_rest_lets_go_of_the_state_until_the_next_draw():
    import tracemalloc

    tracemalloc.start()
    try:
        ids = IdGenerator(4, "tenant")
        _draw_mix(ids, 12)
        before = tracemalloc.get_traced_memory()[0]
        ids.rest()
        rested = tracemalloc.get_traced_memory()[0]
        ids.request_id()
        woken = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert before - rested > 2000  # the Mersenne Twister's 624 words
    assert woken - rested > 2000


def test_a_snapshot_of_a_rested_generator_restores_the_same_stream():
    rested, live = IdGenerator(2, "t"), IdGenerator(2, "t")
    _draw_mix(rested, 7), _draw_mix(live, 7)
    rested.rest()
    again = IdGenerator(0, "other")
    again.rest()
    again.restore(rested.state())
    assert _draw_mix(again, 30) == _draw_mix(live, 30)


def test_open_conversation_ids_are_cid_and_the_canonical_base64_of_16_bytes():
    import base64

    ids = IdGenerator(6, "t")
    drawn = [ids.open_conversation_id() for _ in range(300)]
    again = IdGenerator(6, "t")
    assert len(set(drawn)) == 300 and drawn[:3] == [again.open_conversation_id() for _ in range(3)]
    for one in drawn:
        assert one.startswith("cid") and one.endswith("==") and len(one) == 27
        raw = base64.b64decode(one[3:], validate=True)
        assert len(raw) == 16 and base64.b64encode(raw).decode() == one[3:]
    assert {one[-3] for one in drawn} == set("AQgw")
