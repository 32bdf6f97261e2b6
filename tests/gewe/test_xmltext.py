"""chatsim's XML escaping (a speed trick) gives exactly what xml.sax.saxutils gives."""

import hashlib
import itertools
import random
from xml.sax import saxutils

from chatsim.vendors.gewe.model import content
from chatsim.vendors.gewe.model.xmltext import attributes, escape, quoteattr

SPECIAL = "&<>\"'\n\r\t"
PLAIN = ["", "wxid_0xsqb3o0tsvz22", "0123456789abcdef", "1796145962", "李雷", "a b", "[图片]", "http://x/y?z=1"]


def samples() -> list[str]:
    rng = random.Random(17)
    alphabet = SPECIAL + "ab 李;#x1"
    made = [*PLAIN, *SPECIAL, *("".join(pair) for pair in itertools.product(SPECIAL + "a", repeat=2))]
    made += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))) for _ in range(2000)]
    return made


def test_escape_and_quoteattr_equal_saxutils_for_every_value():
    for value in samples():
        assert escape(value) == saxutils.escape(value), value
        assert quoteattr(value) == saxutils.quoteattr(value), value


def test_attributes_quote_each_value_in_order():
    values = {"aeskey": "0f" * 16, "length": 2146, "title": 'say "hi" & <bye>', "who": "it's", "n": -5, "zero": 0,
              "flag": True, "big": 2**70}
    clean = {key: value for key, value in values.items() if key not in ("title", "who")}
    for each in (values, clean, {}, {"one": "\n"}, {"a": "x", "b": "<"}):
        assert attributes(each) == " ".join(f"{k}={saxutils.quoteattr(str(v))}" for k, v in each.items())
    assert attributes(values).startswith('aeskey="' + "0f" * 16 + '" length="2146" title=')


def test_media_elements_written_out_equal_their_attributes():
    """content's image, voice, video, emoji and name card XML, written attribute by attribute, is
    what ``attributes`` makes of the same values in the same order, for any text a caller gives."""
    texts = [value for value in samples() if value][:300]
    for n, text in enumerate(texts):
        key, length, other = str(10**18 + n), [0, 7, 2146, 2147, 10**9][n % 5], texts[-1 - n]
        cdn, aes, md5 = content.digest("cdn", key), content.digest("aes", key), content.digest("md5", key)
        assert content.image(text, key, length) == '<?xml version="1.0"?>\n<msg>\n\t<img ' + attributes({
            "aeskey": aes, "encryver": 1, "cdnthumbaeskey": aes, "cdnthumburl": cdn,
            "cdnthumblength": min(length, 2146), "cdnthumbheight": 120, "cdnthumbwidth": 120,
            "cdnmidimgurl": cdn, "length": length, "md5": md5}) + " />\n</msg>\n"
        assert content.voice(text, key, length, n) == "<msg><voicemsg " + attributes({
            "endflag": 1, "cancelflag": 0, "forwardflag": 0, "voiceformat": 4, "voicelength": n, "length": length,
            "bufid": 0, "aeskey": aes, "voiceurl": cdn, "voicemd5": "", "fromusername": text}) + " /></msg>"
        assert content.video(text, key, length, n) == '<?xml version="1.0"?>\n<msg>\n\t<videomsg ' + attributes({
            "aeskey": aes, "cdnvideourl": cdn, "cdnthumbaeskey": aes, "cdnthumburl": content.digest("thumb", key),
            "length": length, "playlength": n, "fromusername": text, "md5": md5}) + " />\n</msg>\n"
        assert content.emoji(text, other, text[::-1], length) == "<msg><emoji " + attributes({
            "fromusername": text, "tousername": other, "type": 2, "md5": text[::-1], "len": length,
            "cdnurl": ""}) + " /></msg>"
        for v3 in ("", other):
            assert content.name_card(key, text, v3) == '<?xml version="1.0"?>\n<msg ' + attributes({
                "username": v3 or key, "nickname": text, "fullpy": "", "shortpy": "", "alias": "",
                "imagestatus": 4, "scene": 17, "certflag": 0, "sex": 0}) + " />\n"


def test_digest_is_the_md5_of_label_and_key_kept_or_not():
    for label, key in [("cdn", "1"), ("aes", "1"), ("cdn", "1"), ("md5", "李/x")]:
        assert content.digest(label, key) == hashlib.md5(f"{label}/{key}".encode()).hexdigest()
