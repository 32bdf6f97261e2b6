"""The cyclic garbage collector paused while chatsim builds many long-lived objects at once.

Each collection walks every tracked object not yet frozen, and one runs each time enough new
objects survive, so building a large object graph with the collector on costs more than linearly:
importing the vendors and building an app (~120,000 long-lived objects and little garbage: the
collections cost ~40 ms of a cold start), and a scenario's YAML composed into nodes and then data
(36,000 egg.js users: composing took 4.1 s with the collector on, 0.56 s without). What is built
inside is bounded (a scenario is at most 4 MiB), and the collector runs again after, whatever
happens inside.
"""

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
