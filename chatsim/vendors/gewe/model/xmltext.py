"""XML text as WeChat's message XML carries it: element text escaped and attribute values quoted
exactly as ``xml.sax.saxutils`` escapes and quotes them.

A speed trick: saxutils runs three to six ``str.replace`` passes per value through a dict, and a
GeWe image message has ten attributes (a quarter of its request's time went there). Nearly every
value is an id, a hex key or a number with nothing to escape, so one C-level search decides, and
only a value that needs it goes through saxutils (imported then: the first message that needs it
pays the ~1.5 ms, not every start). ``tests/gewe/test_xmltext.py`` holds both functions equal to
saxutils' over every character that matters.
"""

import re
from collections.abc import Mapping
from typing import Any

_TEXT_SPECIAL = re.compile(r"[&<>]").search
_ATTRIBUTE_SPECIAL = re.compile(r"[&<>\"\n\r\t]").search


def escape(text: str) -> str:
    """``saxutils.escape(text)``."""
    if _TEXT_SPECIAL(text) is None:
        return text
    from xml.sax import saxutils

    return saxutils.escape(text)


def quoteattr(value: str) -> str:
    """``saxutils.quoteattr(value)``: the value in double quotes (single when it holds a double one)."""
    if _ATTRIBUTE_SPECIAL(value) is None:
        return '"' + value + '"'
    from xml.sax import saxutils

    return saxutils.quoteattr(value)


def attributes(values: Mapping[str, Any]) -> str:
    """``name="value" name="value"...`` in the mapping's order: one search of all the values for a
    character to escape, and each quoted on its own only when one has one."""
    texts = [str(value) for value in values.values()]
    if _ATTRIBUTE_SPECIAL("".join(texts)) is None:
        return " ".join([f'{name}="{text}"' for name, text in zip(values, texts, strict=True)])
    return " ".join([f"{name}={quoteattr(text)}" for name, text in zip(values, texts, strict=True)])
