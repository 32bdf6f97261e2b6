"""message/download*: URLs chatsim serves itself, placeholder bytes of the right type and size,
readable without the admin token."""

import pytest

from tests.gewe.support import APP, SLEEPY_APP, gewe, ok

IMAGE_XML = '<?xml version="1.0"?>\n<msg>\n\t<img aeskey="k" length="3000" md5="m" />\n</msg>\n'


@pytest.mark.parametrize(("op", "body", "magic", "content_type", "size"), [
    ("downloadImage", {"xml": IMAGE_XML, "type": 2}, b"\x89PNG", "image/png", 3000),
    ("downloadVideo", {"xml": '<msg><videomsg length="490566" /></msg>'}, b"\x00\x00\x00\x18ftyp", "video/mp4", 490566),
    ("downloadVoice", {"xml": '<msg><voicemsg length="3628" /></msg>', "msgId": 1169533812}, b"\x02#!SILK_V3",
     "audio/silk", 3628),
    ("downloadFile", {"xml": "<msg><appmsg><appattach><totallen>63</totallen><fileext>json</fileext>"
                             "</appattach></appmsg></msg>"}, b"", "application/octet-stream", 63),
    ("downloadCdn", {"aesKey": "k", "totalSize": "63", "type": "5", "fileId": "30", "suffix": "json"}, b"",
     "application/octet-stream", 63),
])
async def test_a_download_is_served_by_chatsim(gw, op, body, magic, content_type, size):
    data = await ok(gw, f"message/{op}", {"appId": APP, **body})
    url = data["fileUrl"]
    assert url.startswith(f"http://127.0.0.1:{gw.server.port}/_chatsim/files/default/")
    resp = await gw.get(url.split(str(gw.server.port), 1)[1])
    assert resp.status == 200 and resp.headers["Content-Type"] == content_type
    got = await resp.read()
    assert got.startswith(magic) and len(got) == size
    again = await gw.get(url.split(str(gw.server.port), 1)[1])
    assert await again.read() == got, "the same bytes on every read"


async def test_an_emoji_download_answers_url(gw):
    data = await ok(gw, "message/downloadEmojiMd5", {"appId": APP, "emojiMd5": "cc56728d56c730ddae52baffe941ed86"})
    resp = await gw.get(data["url"].split(str(gw.server.port), 1)[1])
    assert (await resp.read()).startswith(b"GIF89a")


async def test_unknown_names_and_offline_accounts(gw):
    assert (await gw.get("/_chatsim/files/default/nothing.png")).status == 404
    answer = await gewe(gw, "message/downloadImage", {"appId": SLEEPY_APP, "xml": IMAGE_XML, "type": 2})
    assert answer == {"ret": 500, "msg": "下载失败", "data": {"code": "-1", "msg": "微信已离线"}}


async def test_files_need_no_admin_token(sim_factory):
    from tests.gewe.support import WORLD

    sim = await sim_factory([WORLD], admin_token="sekrit")
    data = await ok(sim, "message/downloadImage", {"appId": APP, "xml": IMAGE_XML, "type": 2})
    path = data["fileUrl"].split(str(sim.server.port), 1)[1]
    assert (await sim.get(path)).status == 200
    assert (await sim.get("/_chatsim/tenants/default/gewe/messages")).status == 401


async def test_file_names_are_the_tenants_seeded_ids(gw):
    """The same requests on the same world hand out the same names (a run repeats), each one new."""
    async def download() -> str:
        return (await ok(gw, "message/downloadImage", {"appId": APP, "xml": IMAGE_XML, "type": 2}))["fileUrl"]

    first = [await download(), await download()]
    assert first[0] != first[1]
    assert (await gw.post("/_chatsim/tenants/default/reset")).status == 200
    assert [await download(), await download()] == first
