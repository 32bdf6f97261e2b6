"""The cheap id draws (chatsim/ids.py) give exactly what the plain ``random`` calls give, and leave
the seeded stream where those leave it, so every id after them is the same too."""

import random
import re
import tracemalloc
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


@pytest.mark.parametrize("seed", [0, 7, -3, 2**70])
@pytest.mark.parametrize("namespace", ["t", "tenant-1", "名字", "", "a/b"])
def test_the_stream_and_its_state_are_random_random_s(seed: int, namespace: str):
    ids, plain = IdGenerator(seed, namespace), random.Random(f"{seed}/{namespace}")
    assert ids.state() == plain.getstate()  # what snapshots keep, in the shape they kept it
    assert [ids.hex(20) for _ in range(50)] == [f"{plain.getrandbits(80):020x}" for _ in range(50)]
    kept, next_ids = ids.state(), [ids.uuid4() for _ in range(5)]
    ids.restore(kept)
    assert [ids.uuid4() for _ in range(5)] == next_ids
    plain.setstate(ids.state())  # and a state it gives is one random.Random takes back


def test_a_tenant_s_generator_costs_the_twister_and_little_more():
    """The Mersenne Twister's state is 2,500 bytes; random.Random's attribute dict added 376 more
    to every tenant."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        kept = [IdGenerator(0, f"tenant-{i}") for i in range(200)]
        per_generator = (tracemalloc.get_traced_memory()[0] - before) / len(kept)
    finally:
        tracemalloc.stop()
    assert 2500 < per_generator < 2750


def test_hex_ids_are_seeded_full_length_lowercase_hex():
    first, again = IdGenerator(5, "t"), IdGenerator(5, "t")
    drawn = [first.hex(length) for length in (1, 32, 150, 200) * 50]
    assert drawn == [again.hex(length) for length in (1, 32, 150, 200) * 50]
    assert all(re.fullmatch(r"[0-9a-f]+", one) and len(one) in (1, 32, 150, 200) for one in drawn)
    assert {first.hex(200)[0] for _ in range(400)} == set("0123456789abcdef")  # leading zeros kept


def test_hex_is_the_format_of_the_same_draw():
    fast, plain = IdGenerator(9, "t"), random.Random("9/t")
    for length in [*range(1, 70), 150, 200] * 20:
        assert fast.hex(length) == f"{plain.getrandbits(4 * length):0{length}x}"


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
