"""message/download*: a URL chatsim serves itself, under ``/_chatsim/files/<tenant>/<name>``, so a
bot's download path runs without the internet. Only the file's description is kept (kind, size,
extension; in the dump, bounded like the log); its bytes are made on each read, a placeholder of the
right type that starts with the format's magic number and has the size the XML names.
"""

import hashlib
import re
from typing import Any

from chatsim.vendors.gewe.model.entities import Token
from chatsim.vendors.gewe.model.messages import MessageRules

DOWNLOAD_FAILED = "下载失败"
# kind -> (extension, Content-Type, the bytes the format starts with); real GeWe hands out .png,
# .mp4, .silk and the file's own extension, as the doc's fileUrls show.
FORMATS: dict[str, tuple[str, str, bytes]] = {
    "image": ("png", "image/png", b"\x89PNG\r\n\x1a\n"), "video": ("mp4", "video/mp4", b"\x00\x00\x00\x18ftypmp42"),
    "voice": ("silk", "audio/silk", b"\x02#!SILK_V3"), "emoji": ("gif", "image/gif", b"GIF89a"),
    "file": ("bin", "application/octet-stream", b""),
}
_LENGTH = re.compile(r'\b(?:length|totallen|len)\s*=\s*"(\d+)"|<totallen>(\d+)</totallen>')
_EXT = re.compile(r"<fileext>(?:<!\[CDATA\[)?([A-Za-z0-9]{1,10})")
MAX_FILE_BYTES = 8 * 1024**2  # a placeholder is never larger than this, whatever the XML claims


class MediaRules(MessageRules):
    def download(self, token: Token, app_id: str, kind: str, described: str, base: str) -> str:
        """The fileUrl (downloadEmojiMd5: url) for the media ``described`` (its XML or md5)."""
        self.account(token, app_id, DOWNLOAD_FAILED)
        found = _LENGTH.search(described)
        size = int(next(g for g in found.groups() if g)) if found else 0
        ext = FORMATS[kind][0]
        if kind == "file":
            named = _EXT.search(described)
            ext = named.group(1).lower() if named else ext
        name = f"{self.ctx.ids.hex(32)}.{ext}"
        self.files.put(name, {"kind": kind, "size": min(size or 1024, MAX_FILE_BYTES), "seed": described[:64]})
        while len(self.files) > self.settings.max_messages:
            self.files.pop_oldest()
        return f"{base}/_chatsim/files/{self.ctx.name}/{name}"

    def file_bytes(self, name: str) -> tuple[bytes, str] | None:
        """The placeholder's bytes and Content-Type; None for a name never handed out."""
        entry: dict[str, Any] | None = self.files.get(name)
        if entry is None:
            return None
        _, content_type, magic = FORMATS[entry["kind"]]
        block = hashlib.sha256(f"{name}/{entry['seed']}".encode()).digest()
        size = max(entry["size"], len(magic))
        body = magic + (block * (size // len(block) + 1))[:size - len(magic)]
        return body, content_type
