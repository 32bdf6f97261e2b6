"""An error the vendor answers again and again is one shared exception (a module constant, or made
once per wording): answering it must not keep the requests it answered alive. A raise adds its
frames to the traceback an exception already holds, so without care each of a million refusals
would keep its request's frames, body and call."""

from chatsim.vendors.dingtalk import errors
from chatsim.vendors.dingtalk.errors import INVALID_CHATID_TOPAPI, TokenErrors
from tests.dingtalk.support import friendswitch, get_token


async def test_a_shared_error_holds_no_request_once_answered(sim):
    token = await get_token(sim)
    refused_token = errors.token_error(True, "invalid", TokenErrors())
    for _ in range(3):
        unknown_chat = await friendswitch(sim, token, {"chatid": "chatnope", "is_prohibit": True})
        assert unknown_chat["errcode"] == 34001
        bad_token = await friendswitch(sim, "not-a-token", {"chatid": "chatnope", "is_prohibit": True})
        assert (bad_token["errcode"], bad_token["sub_code"]) == (88, "40014")
    assert errors.token_error(True, "invalid", TokenErrors()) is refused_token  # the very one answered
    for shared in (INVALID_CHATID_TOPAPI, refused_token):
        assert shared.__traceback__ is None and shared.__context__ is None
