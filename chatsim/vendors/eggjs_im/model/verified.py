"""A speed trick: the live tokens' claims, so chatUserAuth does not verify a live token again.

PyJWT's check of a ~900-byte token (base64, JSON, HMAC, its option handling) was ~150 µs and 42%
of an egg.js request's CPU. Skipping it for a live token answers exactly what PyJWT would, because
of what the backend accepts at all: only the one live token per user (redis ``chat_user_<id>``).
A live token was signed here with the world's secret, which never changes for a world, so its
signature check can only pass and its payload can only decode to the claims kept when it was
issued. What does depend on the request (exp and nbf against the
virtual clock, the session, the user row's status) is still judged on every request by the caller.
Only live tokens are kept, one per user: issuing a new token (login, register) replaces the old one
and logging out forgets it, so the cache never holds more than the sessions do, and a replaced
token goes the full way through PyJWT again (and fails it).
"""

from typing import Any


class VerifiedTokens:
    """Exact token string -> the payload PyJWT decodes from it, for live tokens only."""

    def __init__(self) -> None:
        self._payloads: dict[str, dict[str, Any]] = {}
        self._by_user: dict[int, str] = {}

    def get(self, token: str) -> dict[str, Any] | None:
        return self._payloads.get(token)

    def remember(self, user_id: int, token: str, payload: dict[str, Any]) -> None:
        """Keep the token just issued as its user's live one."""
        self.forget(user_id)
        self._payloads[token] = payload
        self._by_user[user_id] = token

    def forget(self, user_id: int) -> None:
        """The user's token stopped being live (a new login, a logout)."""
        token = self._by_user.pop(user_id, None)
        if token is not None:
            del self._payloads[token]

    def __len__(self) -> int:
        return len(self._payloads)
