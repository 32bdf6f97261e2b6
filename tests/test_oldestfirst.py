"""``OldestFirst`` forgets its oldest entry exactly as ``del d[next(iter(d))]`` does on a plain dict,
whatever else happens to it (keys put again, deleted some other way, taken out and put again),
and the order it keeps beside the entries stays bounded."""

import random

from chatsim.oldestfirst import OldestFirst


def test_the_oldest_is_the_one_a_plain_dict_holds_oldest():
    rng = random.Random(7)
    plain: dict[int, int] = {}
    kept: OldestFirst[int, int] = OldestFirst()
    next_key = 0
    for step in range(20_000):
        action = rng.random()
        if action < 0.45 or not plain:  # a new key
            plain[next_key] = step
            kept.put(next_key, step)
            next_key += 1
        elif action < 0.55:  # an existing key put again: it keeps its place
            key = rng.choice(list(plain))
            plain[key] = step
            kept.put(key, step)
        elif action < 0.65:  # deleted some other way
            key = rng.choice(list(plain))
            del plain[key], kept[key]
        elif action < 0.70:  # taken out and put again: now the newest
            key = rng.choice(list(plain))
            assert kept.discard(key) == plain.pop(key)
            plain[key] = step
            kept.put(key, step)
        else:  # the oldest goes
            assert kept.pop_oldest() == plain.pop(next(iter(plain)))
        assert list(kept.items()) == list(plain.items()), step
        assert kept._keys is None or len(kept._keys) <= 2 * len(kept) + 66


def test_entries_not_put_go_once_those_put_are_gone():
    kept: OldestFirst[str, int] = OldestFirst()
    kept.update(a=1, b=2)
    kept.put("c", 3)
    assert [kept.pop_oldest() for _ in range(3)] == [3, 1, 2]
    assert kept.discard("x") is None and kept == {}
