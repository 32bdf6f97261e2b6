"""chatsim.mediatype.media_type answers what aiohttp's request.content_type answers, for the plain
values it answers itself and for those it passes on."""

from aiohttp.test_utils import make_mocked_request
from multidict import CIMultiDict

from chatsim.mediatype import PLAIN, media_type

OTHERS = ["application/json; charset=utf-8", "Application/JSON", "application/json ", " application/json",
          "text/plain;charset=UTF-8", "multipart/form-data; boundary=x", "nonsense", "", "application/",
          "application/x-www-form-urlencoded;charset=utf-8", "TEXT/XML", "image/png", "a/b; c=\"d;e\""]


def test_media_type_equals_aiohttps_content_type():
    for raw in [*PLAIN, *OTHERS, None]:
        headers = CIMultiDict() if raw is None else CIMultiDict({"Content-Type": raw})
        request = make_mocked_request("POST", "/x", headers=headers)
        assert media_type(request) == request.content_type, raw


def test_plain_values_are_answered_without_parsing():
    for raw in PLAIN:
        request = make_mocked_request("POST", "/x", headers=CIMultiDict({"Content-Type": raw}))
        assert media_type(request) is raw  # the header's own string, not a parsed copy
