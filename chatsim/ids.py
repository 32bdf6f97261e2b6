"""Seeded identifiers shaped like the real vendors' ones.

Every tenant gets its own generator seeded from the server seed and the tenant name, so the same
scenario, seed and requests give the same ids in every run and in every tenant.
"""

import hashlib
import random
import string
import uuid

_BASE36 = string.digits + string.ascii_lowercase
_ALNUM = string.ascii_letters + string.digits


class IdGenerator:
    def __init__(self, seed: int, namespace: str) -> None:
        self._key = f"{seed}/{namespace}"
        self._rng = random.Random(self._key)

    def stable_hex(self, label: str, length: int) -> str:
        """Hex derived from the seed, the namespace and ``label`` alone, drawing nothing from the
        stream: the same in every build of the tenant, and no other id shifts because of it."""
        return hashlib.sha256(f"{self._key}/{label}".encode()).hexdigest()[:length]

    def hex(self, length: int) -> str:
        return "".join(self._rng.choice("0123456789abcdef") for _ in range(length))

    def base36(self, length: int) -> str:
        return "".join(self._rng.choice(_BASE36) for _ in range(length))

    def alnum(self, length: int) -> str:
        return "".join(self._rng.choice(_ALNUM) for _ in range(length))

    def uuid4(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def token32(self) -> str:
        """A GeWe token: 32 lowercase hex characters."""
        return self.hex(32)

    def wx_appid(self) -> str:
        """A GeWe device id, shaped like ``wx_wR_U4zPj2M_OTS3BCyoE4``."""
        return "wx_" + "".join(self._rng.choice(_ALNUM + "_") for _ in range(21))

    def v3(self) -> str:
        return "v3_020b3826fd0301000000000" + self.hex(150) + "@stranger"

    def v4(self) -> str:
        return "v4_000b708f0b040000010000000000" + self.hex(200) + "@stranger"

    def new_msg_id(self) -> int:
        """A 64-bit NewMsgId: larger than 2**53, as real ones are."""
        return self._rng.randint(2**60, 2**63 - 1)

    def msg_id(self) -> int:
        return self._rng.randint(10**9, 2**31 - 1)

    def request_id(self) -> str:
        """A DingTalk request_id: 12 or 13 lowercase base-36 characters."""
        return self.base36(self._rng.choice((12, 13)))

    def chatid(self) -> str:
        return "chat" + self.hex(32)

    def open_conversation_id(self) -> str:
        return "cid" + "".join(self._rng.choice(_ALNUM + "+/") for _ in range(22)) + "=="

    def randint(self, low: int, high: int) -> int:
        return self._rng.randint(low, high)
