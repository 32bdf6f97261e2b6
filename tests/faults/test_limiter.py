"""The window limiter on its own (it is plain Python, shared with GeWe's risk control): fixed
windows per key, refusals not counted, the penalty past the window's end."""

from chatsim.faults.limiter import LONGEST_KEY, MOST_KEYS, Throttle, WindowLimiter


def test_a_window_counts_per_key_and_refuses_until_its_end_plus_the_penalty():
    limiter = WindowLimiter(requests=2, per_seconds=10, penalty_seconds=5)
    assert limiter.hit("a", 100) is None and limiter.hit("a", 101) is None
    assert limiter.hit("b", 101) is None  # keys count apart
    refused = limiter.hit("a", 102)
    assert refused == Throttle("a", 2, 10, 100, 110, 115)
    assert limiter.hit("a", 114.9) == refused  # the penalty holds past the window's end
    assert limiter.hit("a", 115) is None  # a new window opens at the first event after it
    assert limiter.counts() == {"a": 1, "b": 1} and limiter.refused == 2


def test_an_unused_window_simply_expires():
    limiter = WindowLimiter(requests=1, per_seconds=1)
    assert limiter.hit("k", 0) is None
    assert limiter.hit("k", 1) is None
    assert limiter.hit("k", 1.5) == Throttle("k", 1, 1, 1, 2, 2)


def test_reset_forgets_a_key_and_its_penalty():
    limiter = WindowLimiter(requests=1, per_seconds=10, penalty_seconds=60)
    assert limiter.hit("k", 0) is None and limiter.hit("k", 1) is not None
    limiter.reset("k")
    assert limiter.hit("k", 2) is None and limiter.counts() == {"k": 1}


def test_keys_from_requests_are_bounded_finished_windows_going_first():
    limiter = WindowLimiter(requests=1, per_seconds=10, penalty_seconds=60)
    limiter.hit("busy", 0.0)
    assert limiter.hit("busy", 1.0) is not None  # refusing until 70
    for n in range(MOST_KEYS - 1):
        limiter.hit(f"old{n}", 2.0)
    assert len(limiter.counts()) == MOST_KEYS
    for n in range(10):  # at 20 the old windows are over; the refusing one is not
        assert limiter.hit(f"new{n}", 20.0) is None
    assert set(limiter.counts()) == {"busy", *(f"new{n}" for n in range(10))}
    assert limiter.hit("busy", 21.0) is not None and limiter.hit("new0", 21.0) is not None
    for n in range(2 * MOST_KEYS):  # all counting at once: the oldest give way
        limiter.hit(f"flood{n}", 22.0)
    assert len(limiter.counts()) <= MOST_KEYS and f"flood{2 * MOST_KEYS - 1}" in limiter.counts()


def test_a_long_key_is_counted_under_its_digest():
    limiter = WindowLimiter(requests=1, per_seconds=10)
    first, second = "a" * 1000 + "1", "a" * 1000 + "2"
    assert limiter.hit(first, 0.0) is None and limiter.hit(second, 0.0) is None
    assert limiter.hit(first, 1.0) is not None
    assert all(len(key) <= LONGEST_KEY for key in limiter.counts()) and len(limiter.counts()) == 2
