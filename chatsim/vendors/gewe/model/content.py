"""What a message's ``Content.string`` and ``PushContent`` look like, kind by kind, as in GeWe's
回调消息详解: the element and attribute names WeChat's XML uses (what parsers look for), with
chatsim's placeholder CDN keys. Media is never fetched, so sizes are the caller's or derived.
"""

import base64
import hashlib
from functools import lru_cache

from chatsim.vendors.gewe.model.xmltext import escape, quoteattr

# kind -> (MsgType, the "type" postXxx answers with as the doc's examples show, the <appmsg> type)
KINDS: dict[str, tuple[int, int | None, int | None]] = {
    "text": (1, 1, None), "image": (3, None, None), "voice": (34, None, None), "video": (43, None, None),
    "emoji": (47, None, None), "namecard": (42, 42, None), "link": (49, 5, 5), "file": (49, 6, 6),
    "app": (49, 0, None), "miniapp": (49, 33, 33), "revoke": (10002, None, None), "pat": (10002, None, None),
}
_LABELS = {"image": "[图片]", "voice": "[语音]", "video": "[视频]", "emoji": "[动画表情]", "namecard": "[名片]",
           "link": "[链接]", "file": "[文件]", "miniapp": "[小程序]"}
MSG_SOURCE = "<msgsource>\n\t<tmp_node>\n\t\t<publisher-id></publisher-id>\n\t</tmp_node>\n</msgsource>\n"


@lru_cache(maxsize=64)
def digest(label: str, key: str) -> str:
    """32 hex characters standing for a CDN key or an md5 (``label`` says which), the same for the
    same inputs. A pure function, so the newest are kept: an image's answer names the same three
    digests its XML was just made with."""
    return hashlib.md5(f"{label}/{key}".encode()).hexdigest()


def _appmsg(app_type: int, title: str, des: str = "", url: str = "", extra: str = "") -> str:
    return (f'<?xml version="1.0"?>\n<msg>\n\t<appmsg appid="" sdkver="0">\n\t\t<title>{escape(title)}</title>\n'
            f"\t\t<des>{escape(des)}</des>\n\t\t<type>{app_type}</type>\n\t\t<url>{escape(url)}</url>\n{extra}"
            "\t</appmsg>\n</msg>\n")


# The media elements are written out attribute by attribute: digests and numbers never need
# escaping, and the one text a caller gives (a wxid, a nickname) is quoted by ``quoteattr``. The
# same text as ``attributes`` over a dict of them (tests/gewe/test_xmltext.py), at a quarter of the
# cost: building and walking the dict was most of an image message's request.

def image(sender: str, key: str, length: int) -> str:
    cdn, aes = digest("cdn", key), digest("aes", key)
    return (f'<?xml version="1.0"?>\n<msg>\n\t<img aeskey="{aes}" encryver="1" cdnthumbaeskey="{aes}" '
            f'cdnthumburl="{cdn}" cdnthumblength="{min(length, 2146)}" cdnthumbheight="120" cdnthumbwidth="120" '
            f'cdnmidimgurl="{cdn}" length="{length}" md5="{digest("md5", key)}" />\n</msg>\n')


def voice(sender: str, key: str, length: int, duration_ms: int) -> str:
    return (f'<msg><voicemsg endflag="1" cancelflag="0" forwardflag="0" voiceformat="4" '
            f'voicelength="{duration_ms}" length="{length}" bufid="0" aeskey="{digest("aes", key)}" '
            f'voiceurl="{digest("cdn", key)}" voicemd5="" fromusername={quoteattr(sender)} /></msg>')


def video(sender: str, key: str, length: int, seconds: int) -> str:
    aes = digest("aes", key)
    return (f'<?xml version="1.0"?>\n<msg>\n\t<videomsg aeskey="{aes}" cdnvideourl="{digest("cdn", key)}" '
            f'cdnthumbaeskey="{aes}" cdnthumburl="{digest("thumb", key)}" length="{length}" '
            f'playlength="{seconds}" fromusername={quoteattr(sender)} md5="{digest("md5", key)}" />\n</msg>\n')


def emoji(sender: str, to: str, md5: str, size: int) -> str:
    return (f'<msg><emoji fromusername={quoteattr(sender)} tousername={quoteattr(to)} type="2" '
            f'md5={quoteattr(md5)} len="{size}" cdnurl="" /></msg>')


def name_card(wxid: str, nickname: str, v3: str) -> str:
    return (f'<?xml version="1.0"?>\n<msg username={quoteattr(v3 or wxid)} nickname={quoteattr(nickname)} '
            'fullpy="" shortpy="" alias="" imagestatus="4" scene="17" certflag="0" sex="0" />\n')


def link(title: str, des: str, url: str, thumb: str) -> str:
    return _appmsg(5, title, des, url, f"\t\t<thumburl>{escape(thumb)}</thumburl>\n")


def file(name: str, key: str, length: int) -> str:
    ext = name.rpartition(".")[2] if "." in name else ""
    attach = (f"\t\t<appattach>\n\t\t\t<totallen>{length}</totallen>\n"
              f"\t\t\t<attachid>@cdn_{digest('cdn', key)}</attachid>\n\t\t\t<fileext>{escape(ext)}</fileext>\n"
              f"\t\t</appattach>\n\t\t<md5>{digest('md5', key)}</md5>\n")
    return _appmsg(6, name, extra=attach)


def mini_app(title: str, display_name: str, user_name: str, app_id: str, page: str, cover: str) -> str:
    info = (f"\t\t<sourceusername>{escape(user_name)}</sourceusername>\n\t\t<sourcedisplayname>{escape(display_name)}"
            f"</sourcedisplayname>\n\t\t<weappinfo>\n\t\t\t<pagepath>{escape(page)}</pagepath>\n\t\t\t<username>"
            f"{escape(user_name)}</username>\n\t\t\t<appid>{escape(app_id)}</appid>\n\t\t</weappinfo>\n"
            f"\t\t<thumburl>{escape(cover)}</thumburl>\n")
    return _appmsg(33, title, display_name, extra=info)


def app(appmsg: str) -> str:
    """postAppMsg sends its own <appmsg> node; the message is that node inside <msg>."""
    return f'<?xml version="1.0"?>\n<msg>\n\t{appmsg}\n</msg>\n'


def revoke(session: str, msg_id: int, new_msg_id: int, nickname: str) -> str:
    return (f'<sysmsg type="revokemsg"><revokemsg><session>{escape(session)}</session><msgid>{msg_id}</msgid>'
            f'<newmsgid>{new_msg_id}</newmsgid><replacemsg><![CDATA["{nickname}" 撤回了一条消息]]></replacemsg>'
            "</revokemsg></sysmsg>")


def pat(sender: str, chat: str, patted: str) -> str:
    return (f'<sysmsg type="pat">\n<pat>\n  <fromusername>{sender}</fromusername>\n  <chatusername>{chat}'
            f"</chatusername>\n  <pattedusername>{patted}</pattedusername>\n  <patsuffix><![CDATA[]]></patsuffix>\n"
            f'  <patsuffixversion>0</patsuffixversion>\n  <template><![CDATA["${{{sender}}}" 拍了拍我]]></template>\n'
            "</pat>\n</sysmsg>")


def push_content(kind: str, nickname: str, content: str, title: str, at_me: bool) -> str | None:
    """The notification text: "朝夕。 : 123", "朝夕。 : [图片]", "朝夕。 : [链接]<title>"; none for
    system messages; "<nick>在群聊中@了你" when a group message mentions the account."""
    if kind in ("revoke", "pat"):
        return None
    if at_me:
        return f"{nickname}在群聊中@了你"
    if kind == "text":
        return f"{nickname} : {content}"
    if kind == "app":
        return "你收到了一条消息"
    return f"{nickname} : {_LABELS[kind]}{title}"


def msg_source(ats: list[str], members: int) -> str:
    """Group messages carry the @-list (``notify@all`` for @所有人) and the member count."""
    if not members:
        return MSG_SOURCE
    at_list = f"\t<atuserlist><![CDATA[{','.join(ats)}]]></atuserlist>\n" if ats else ""
    return f"<msgsource>\n{at_list}\t<silence>0</silence>\n\t<membercount>{members}</membercount>\n</msgsource>\n"


def jpeg_base64(seed: str, comment: str = "") -> str:
    """A placeholder JPEG (its start and end markers around seeded bytes), base64 as GeWe hands out
    head images and QR codes; the same seed gives the same image. ``comment`` goes in a COM segment:
    a group QR code carries the URL it stands for there, since chatsim draws no real QR code."""
    body = hashlib.sha256(seed.encode()).digest() * 8
    text = comment.encode()
    com = b"\xff\xfe" + (len(text) + 2).to_bytes(2, "big") + text if text else b""
    return base64.b64encode(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + com + body + b"\xff\xd9").decode()
