"""The fast path's written-out coercion (chatsim.spec.coercelines) answers what the vendor's own
``coerce`` answers, value for value and type for type, for every field of every vendor that uses it."""

from typing import Any

import pytest

from chatsim.app import HOST, Settings, build_app
from chatsim.spec.coercelines import coerce_lines
from chatsim.spec.operations import Field

PIPE = build_app(Settings())[HOST]
SHORTCUT_VENDORS = [name for name, vendor in PIPE.vendors.items() if vendor.policy.coerce_shortcuts]
TEXTS = ["2", "02", "00", "0", "+2", "-2", " 2", "2 ", "2.0", "1e3", "0x10", "٢", "²", "1" * 15, "9" * 15,
         "1" * 16, "9" * 16, "1" * 25, "abc", "null", "true"]
VALUES: list[Any] = [*TEXTS, 0, 2, -2, 2.0, 2.5, 1e300, float("inf"), True, False, None, [], ["2"], [1, None], {}]


def fields() -> list[tuple[str, Field]]:
    return [(f"{name}.{op.operation_id}.{fld.name}", fld)
            for name in SHORTCUT_VENDORS for op in PIPE.operations[name] for fld in op.fields]


def shortcut(fld: Field, coerce: Any) -> Any:
    env: dict[str, Any] = {"coerce": coerce, "field0": fld}
    policy = PIPE.vendors[SHORTCUT_VENDORS[0]].policy
    body = "\n".join(f"    {line}" for line in coerce_lines(fld, 0, policy, env))
    exec(f"def coerced(v0):\n{body}\n    return v0", env)
    return env["coerced"]


def test_a_vendor_uses_the_shortcuts():
    assert SHORTCUT_VENDORS == ["eggjs_im"]
    assert any(fld.type == "integer" and fld.schema.get("enum") for _, fld in fields())


@pytest.mark.parametrize(("name", "fld"), fields(), ids=lambda item: item if isinstance(item, str) else "")
def test_the_shortcut_answers_what_the_vendor_coercion_answers(name: str, fld: Field):
    coerce = PIPE.vendors[name.split(".")[0]].policy.coerce
    assert coerce is not None
    coerced = shortcut(fld, coerce)
    members = [*(fld.schema.get("enum") or ()), *(str(member) for member in fld.schema.get("enum") or ())]
    for value in [*VALUES, *members]:
        expected, got = coerce(value, fld), coerced(value)
        assert type(got) is type(expected) and got == expected, (value, got, expected)
