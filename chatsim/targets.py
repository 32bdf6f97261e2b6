"""Where chatsim may send a tenant's callbacks (setCallback probes, deliveries, scenario URLs).

Any tenant can name a callback URL, so a URL is a request to make chatsim connect somewhere. By
default only loopback is allowed (local testing needs it), and never chatsim's own listening port:
a callback into the admin API would let one tenant reset or drive every other. Other hosts need the
operator's word (``--allow-callback-host``, ``CHATSIM_ALLOW_CALLBACK_HOSTS``), never a scenario's.
Host names other than ``localhost`` are not resolved: an allowed name is matched as written, so a
name cannot be pointed somewhere else between the check and the connection. Whatever a URL looks
like, a callback that reaches chatsim anyway is turned away at the door (``chain.loop_guard``).
"""

import functools
import ipaddress
from collections.abc import Iterable
from dataclasses import field
from urllib.parse import urlsplit

from chatsim.dataclass import dataclass

ANY_ADDRESS = ("0.0.0.0", "::", "")
LONGEST_KEPT_URL = 2048


@dataclass(frozen=True)
class CallbackTargets:
    """Where callbacks may go: loopback (never chatsim's own port) and the hosts the operator allows."""

    own_port: int  # chatsim's listening port: never a callback target on any local address
    allowed: frozenset[str] = field(default_factory=frozenset)  # host names, addresses or networks

    @classmethod
    def of(cls, own_port: int, allowed: Iterable[str] = ()) -> "CallbackTargets":
        return cls(own_port, frozenset(item.strip().lower() for item in allowed if item.strip()))

    def refusal(self, url: str) -> str | None:
        """Why chatsim will not send to ``url``, or None when it may: worked out once per URL and
        kept (at most 1,024 URLs of at most 2,048 characters), as a tenant delivers to the same few
        URLs thousands of times and parsing one costs ~4 us; the answer depends on nothing but
        these targets and the URL."""
        return _refusal(self, url) if len(url) <= LONGEST_KEPT_URL else self._refusal(url)

    def _refusal(self, url: str) -> str | None:
        try:
            parts = urlsplit(url)
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            return "not a URL"
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("http", "https") or not host:
            return "only http and https URLs with a host"
        address = _address(host)
        local = host == "localhost" or (address is not None and (address.is_loopback or address.is_unspecified))
        if local and port == self.own_port:
            return "that is chatsim's own port"
        if local or self._allowed(host, address):
            return None
        return "only loopback callback targets unless the operator allows the host (--allow-callback-host)"

    def _allowed(self, host: str, address: ipaddress.IPv4Address | ipaddress.IPv6Address | None) -> bool:
        if host in self.allowed:
            return True
        if address is None:
            return False
        for item in self.allowed:
            try:
                if address in ipaddress.ip_network(item, strict=False):
                    return True
            except ValueError:
                continue
        return False


_refusal = functools.lru_cache(maxsize=1024)(CallbackTargets._refusal)


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    try:  # the forms a C resolver also reads as IPv4: 2130706433, 0x7f000001, 127.1
        import socket

        return ipaddress.IPv4Address(socket.inet_aton(host))
    except (OSError, ValueError):
        return None
