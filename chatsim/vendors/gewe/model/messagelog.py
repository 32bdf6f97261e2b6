"""The conversation log: the newest ``size`` messages, each also found by its NewMsgId.

revokeMsg (and a person's revoke, the admin API's world action) name a message by its NewMsgId;
scanning the log for it cost a string conversion per message, up to ``max_messages`` of them on
every such request. The index holds exactly the messages the log does (the oldest leaves both at once), so
what it costs stays within the log's bound, and a NewMsgId is new when the log does not hold it.
"""

from collections.abc import Iterator

from chatsim.boundedlog import BoundedLog
from chatsim.vendors.gewe.model.entities import Message


class MessageLog:
    __slots__ = ("_by_new_msg_id", "_log")

    def __init__(self, size: int) -> None:
        self._log: BoundedLog[Message] = BoundedLog(size)
        self._by_new_msg_id: dict[int, Message] = {}

    def append(self, message: Message) -> None:
        dropped = self._log.append(message)
        if dropped is not None:
            self._by_new_msg_id.pop(dropped.new_msg_id, None)
        self._by_new_msg_id[message.new_msg_id] = message

    def find(self, new_msg_id: str | int) -> Message | None:
        """The message with this NewMsgId (as the number or its decimal text), if the log holds it."""
        if isinstance(new_msg_id, str):
            if not (new_msg_id.isdigit() and len(new_msg_id) <= 20) or new_msg_id != str(int(new_msg_id)):
                return None  # "0123" or " 123" named no message when the log compared text
            new_msg_id = int(new_msg_id)
        elif isinstance(new_msg_id, bool) or not isinstance(new_msg_id, int):
            return None
        return self._by_new_msg_id.get(new_msg_id)

    def __contains__(self, new_msg_id: int) -> bool:
        return new_msg_id in self._by_new_msg_id

    def last(self) -> Message:
        return self._log.last()

    def __iter__(self) -> Iterator[Message]:
        return iter(self._log)

    def __len__(self) -> int:
        return len(self._log)
