"""``KeyOrder`` trims a dict exactly as ``del d[next(iter(d))]`` does, whatever else happens to it
(keys set again, deleted some other way, deleted and added again), and its own keys stay bounded."""

import random

from chatsim.keyorder import KeyOrder


def test_the_oldest_is_the_one_the_dict_itself_holds_oldest():
    rng = random.Random(7)
    plain: dict[int, int] = {}
    kept: dict[int, int] = {}
    order: KeyOrder[int, int] = KeyOrder()
    next_key = 0
    for step in range(20_000):
        action = rng.random()
        if action < 0.45 or not plain:  # a new key
            plain[next_key] = step
            order.put(kept, next_key, step)
            next_key += 1
        elif action < 0.55:  # an existing key set again: it keeps its place
            key = rng.choice(list(plain))
            plain[key] = step
            order.put(kept, key, step)
        elif action < 0.65:  # deleted some other way
            key = rng.choice(list(plain))
            del plain[key], kept[key]
        elif action < 0.70:  # deleted and added again: now the newest
            key = rng.choice(list(plain))
            order.forget(key)
            del plain[key], kept[key]
            plain[key] = step
            order.put(kept, key, step)
        else:  # the oldest goes
            assert order.pop_oldest(kept) == plain.pop(next(iter(plain)))
        assert list(kept.items()) == list(plain.items()), step
        assert order._keys is None or len(order._keys) <= 2 * len(kept) + 66


def test_entries_it_was_not_told_of_go_once_the_others_are_gone():
    entries = {"a": 1, "b": 2}
    order: KeyOrder[str, int] = KeyOrder()
    order.put(entries, "c", 3)
    assert [order.pop_oldest(entries) for _ in range(3)] == [3, 1, 2]
    assert KeyOrder().pop_oldest({"x": 1}) == 1
