"""``chatsim.violationjson`` writes the violations header exactly as ``json.dumps(..., default=str)``."""

import json
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from chatsim.spec.operations import MISSING, Violation
from chatsim.violationjson import violations_json

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=40))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                           max_size=4), max_leaves=12)
TEXT = st.text(max_size=30)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.fixed_dictionaries({"field": TEXT, "in": TEXT, "rule": TEXT, "expected": VALUES, "got": VALUES}),
                max_size=4))
def test_the_header_text_is_json_dumps(violations):
    assert violations_json(tuple(violations)) == json.dumps(tuple(violations), default=str)


def test_what_validation_reports_is_written_the_same():
    seen = [Violation("onlyChat", "body", "type", "boolean", "是"),
            Violation("appId", "body", "required", True, MISSING),
            Violation("scene", "body", "maximum", 2**31 - 1, 2**80), Violation("x", "query", "enum", ["a", "b"], 1.5),
            Violation("y", "body", "type", {"type": "object"}, {"k": [1, None, "\n\x7f"]}),
            Violation("z", "header", "pattern", "^a$", math.inf), Violation("t\"ab", "body", "type", "string", False)]
    reported = tuple(v.to_json() for v in seen)
    assert violations_json(reported) == json.dumps(reported, default=str)
    assert violations_json(()) == json.dumps((), default=str) == "[]"


@settings(max_examples=100, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(["field", "in", "rule", "expected", "got", "other"]), VALUES,
                                max_size=6), max_size=3))
def test_any_other_shape_is_json_dumps_too(violations):
    assert violations_json(violations) == json.dumps(violations, default=str)
