"""The egg.js IM world has no world actions: both sides of a friendship are API users, so a test
drives the other side through the API itself."""

from chatsim.contract import Handler

ACTIONS: dict[str, Handler] = {}
