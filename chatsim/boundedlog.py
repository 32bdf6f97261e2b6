"""The newest so many entries of a log, in a deque made on the first entry.

A deque allocates its first block (~760 bytes) when it is made, empty or not. A tenant's GeWe
conversation, each of its DingTalk chats and each robot keep a log that most tenants never write
to: three empty deques were a tenth of what a demo tenant holds.
"""

from collections import deque
from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class BoundedLog(Generic[T]):
    __slots__ = ("_entries", "size")

    def __init__(self, size: int = 0) -> None:
        self.size = size  # the newest this many are kept
        self._entries: deque[T] | None = None

    def append(self, entry: T) -> T | None:
        """Keep ``entry``; answers the oldest one it pushed out, if any."""
        if self.size <= 0:
            return entry
        entries = self._entries
        if entries is None:
            entries = self._entries = deque(maxlen=self.size)
        dropped = entries[0] if len(entries) == self.size else None
        entries.append(entry)
        return dropped

    def resize(self, size: int) -> None:
        """Keep the newest ``size`` from now on (and of what is kept now)."""
        if size != self.size:
            self.size = size
            if self._entries is not None:
                self._entries = deque(self._entries, maxlen=size)

    def last(self) -> T:
        if not self._entries:
            raise IndexError("the log is empty")
        return self._entries[-1]

    def __iter__(self) -> Iterator[T]:
        return iter(self._entries or ())

    def __len__(self) -> int:
        return len(self._entries or ())
