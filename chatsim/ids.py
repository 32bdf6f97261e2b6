"""Seeded identifiers shaped like the real vendors' ones.

Every tenant gets its own generator seeded from the server seed and the tenant name, so the same
scenario, seed and requests give the same ids in every run and in every tenant.
"""

import _random
import base64
import hashlib
import string

_BASE36 = string.digits + string.ascii_lowercase
_ALNUM = string.ascii_letters + string.digits
_BASE36_PAIRS = [a + b for a in _BASE36 for b in _BASE36]


def choices(rng: _random.Random, alphabet: str, length: int) -> str:
    """``"".join(rng.choice(alphabet) for _ in range(length))``: the same characters, the same stream
    state after, at under half the cost (a GeWe v4 is 200 draws, a DingTalk request_id 14).

    ``choice`` calls ``_randbelow`` and that calls ``getrandbits(k)`` until the value is below the
    alphabet's size; the same rejection loop here, without the two calls per character.
    tests/test_ids.py holds the two equal, so a Python that changes ``choice`` fails there."""
    size = len(alphabet)
    bits = size.bit_length()
    draw = rng.getrandbits
    out = []
    for _ in range(length):
        value = draw(bits)
        while value >= size:
            value = draw(bits)
        out.append(alphabet[value])
    return "".join(out)


def randint(rng: _random.Random, low: int, high: int) -> int:
    """``rng.randint(low, high)``: the same number, the same stream state after, without the three
    calls it goes through (randrange, _randbelow, their argument checks): a GeWe message draws two.
    The same rejection loop as ``_randbelow``; tests/test_ids.py holds the two equal."""
    size = high - low + 1
    bits = size.bit_length()
    value = rng.getrandbits(bits)
    while value >= size:
        value = rng.getrandbits(bits)
    return low + value


class IdGenerator:
    """A tenant's seeded stream: ``random.Random(f"{seed}/{namespace}")``'s, drawn from the
    Mersenne Twister itself (``_random.Random``, the C class ``random.Random`` extends).

    ``random.Random`` is a Python subclass, so each instance also carries an attribute dict (for
    ``gauss_next``, which no id uses): 376 bytes of every tenant's 19 KB, on top of the twister's
    2.5 KB. The seed goes in as ``random.Random.seed`` turns a text seed into a number (version 2:
    the text's UTF-8 bytes followed by their SHA-512, as one big-endian integer), and the state
    comes out in ``random.Random.getstate``'s shape, so the stream, the ids and the snapshots are
    what they were; tests/test_ids.py holds the stream and the state equal to ``random.Random``'s."""

    def __init__(self, seed: int, namespace: str) -> None:
        self._key = f"{seed}/{namespace}"
        key = self._key.encode()
        self._rng = _random.Random(int.from_bytes(key + hashlib.sha512(key).digest(), "big"))

    def state(self) -> tuple[int, tuple[int, ...], None]:
        """Where the stream is (a snapshot keeps it, so ids after a restart are the ones that would
        have come next), as ``random.Random.getstate`` gives it: (version, the twister's, gauss_next)."""
        return _STATE_VERSION, self._rng.getstate(), None

    def restore(self, state: tuple[int, tuple[int, ...], None]) -> None:
        self._rng.setstate(tuple(state[1]))

    def stable_hex(self, label: str, length: int) -> str:
        """Hex derived from the seed, the namespace and ``label`` alone, drawing nothing from the
        stream: the same in every build of the tenant, and no other id shifts because of it."""
        return hashlib.sha256(f"{self._key}/{label}".encode()).hexdigest()[:length]

    def hex(self, length: int) -> str:
        """``length`` lowercase hex digits from one draw of 4 bits each (a GeWe v4 is 200 of them,
        one per contacts/search: a draw per character was half of that request's cost).

        ``f"{value:0{length}x}"`` written through ``bytes.hex``: the format with a nested width
        was three times the cost (a chatid, a DingTalk messageId, every token). An odd length
        draws one nibble short of whole bytes, so its text drops that leading zero.
        tests/test_ids.py holds the two equal."""
        text = self._rng.getrandbits(4 * length).to_bytes((length + 1) // 2, "big").hex()
        return text[1:] if length % 2 else text

    def base36(self, length: int) -> str:
        return choices(self._rng, _BASE36, length)

    def alnum(self, length: int) -> str:
        return choices(self._rng, _ALNUM, length)

    def uuid4(self) -> str:
        """``str(uuid.UUID(int=getrandbits(128), version=4))`` without building the UUID (3 µs, a
        third of an egg.js user row); tests/test_ids.py holds the two equal."""
        value = (self._rng.getrandbits(128) & _UUID_KEEP) | _UUID_V4
        text = f"{value:032x}"
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"

    def token32(self) -> str:
        """A GeWe token: 32 lowercase hex characters."""
        return self.hex(32)

    def wx_appid(self) -> str:
        """A GeWe device id, shaped like ``wx_wR_U4zPj2M_OTS3BCyoE4``."""
        return "wx_" + choices(self._rng, _ALNUM + "_", 21)

    def v3(self) -> str:
        return "v3_020b3826fd0301000000000" + self.hex(150) + "@stranger"

    def v4(self) -> str:
        return "v4_000b708f0b040000010000000000" + self.hex(200) + "@stranger"

    def new_msg_id(self) -> int:
        """A 64-bit NewMsgId: larger than 2**53, as real ones are."""
        return randint(self._rng, 2**60, 2**63 - 1)

    def msg_id(self) -> int:
        return randint(self._rng, 10**9, 2**31 - 1)

    def request_id(self) -> str:
        """A DingTalk request_id: 12 or 13 lowercase base-36 characters. Every /topapi answer has
        one, so it is one draw of 80 bits cut into base-36 pairs (the lowest pair first), not a
        draw per character. The 79 bits are first cut into three parts of three pairs each (two
        divisions of a long integer, then only small ones), and the text is one f-string: the loop,
        its list and its join, and then six long divisions with six concatenations, each cost a
        third more (tests/test_ids.py holds it equal to the loop)."""
        value = self._rng.getrandbits(80)
        pairs = _BASE36_PAIRS
        high, low = divmod(value >> 1, 1296**3)  # the compiler folds these powers into constants
        top, mid = divmod(high, 1296**3)
        text = (f"{pairs[low % 1296]}{pairs[low // 1296 % 1296]}{pairs[low // 1296**2]}"
                f"{pairs[mid % 1296]}{pairs[mid // 1296 % 1296]}{pairs[mid // 1296**2]}")
        return text + pairs[top % 1296][0] if value & 1 else text

    def chatid(self) -> str:
        return "chat" + self.hex(32)

    def open_conversation_id(self) -> str:
        """``cid`` and the base64 of 16 bytes (the docs' masked examples end in ``==``, as that does;
        README, "chose where unknown"): one draw of 128 bits, and a canonical encoding (its last
        character one of four), which strict base64 decoders take."""
        return "cid" + base64.b64encode(self._rng.getrandbits(128).to_bytes(16, "big")).decode("ascii")

    def randint(self, low: int, high: int) -> int:
        return randint(self._rng, low, high)


_STATE_VERSION = 3  # random.Random.VERSION, the first item of its getstate()
# uuid.UUID(version=4): the variant bits 10 at 62-63 and the version 0100 at 76-79
_UUID_KEEP = ~((0xC000 << 48) | (0xF000 << 64)) & (2**128 - 1)
_UUID_V4 = (0x8000 << 48) | (4 << 76)
