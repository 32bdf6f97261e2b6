"""The window limiter on its own (it is plain Python, shared with GeWe's risk control): fixed
windows per key, refusals not counted, the penalty past the window's end."""

from chatsim.faults.limiter import Throttle, WindowLimiter


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
