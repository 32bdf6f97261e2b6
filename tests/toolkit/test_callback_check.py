"""The callback half of ``--check-responses``: payloads against specs/<vendor>_callbacks.schema.json."""

import json

import pytest

from chatsim.clock import VirtualClock
from chatsim.journal import Journal, ServeEvent
from chatsim.outbox import CallbackSettings, Outbox
from chatsim.paths import SPECS_DIR
from chatsim.selfcheck import CallbackChecker
from chatsim.trace import Trace

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$defs": {
        "Box": {"type": "object", "required": ["string"], "properties": {"string": {"type": "string"}}},
        "Ping": {"type": "object", "required": ["TypeName", "Data"],
                 "properties": {"TypeName": {"const": "Ping"},
                                "Data": {"type": "object", "required": ["From"],
                                         "properties": {"From": {"$ref": "#/$defs/Box"}}}}},
    },
}


@pytest.fixture
def checker(tmp_path):
    (tmp_path / "acme_callbacks.schema.json").write_text(json.dumps(SCHEMA), encoding="utf-8")
    return CallbackChecker({name: tmp_path / f"{name}_callbacks.schema.json" for name in ("acme", "nobody")})


def test_kinds_come_from_defs_and_refs_resolve(checker):
    assert checker.kinds("acme") == ["Box", "Ping"]
    assert checker.problems("acme", "Ping", {"TypeName": "Ping", "Data": {"From": {"string": "wxid_a"}}}) == []
    assert checker.problems("acme", "Ping", {"TypeName": "Ping", "Data": {"From": {"string": 7}}}) == [
        "Data.From.string: 7 is not of type 'string'"]


def test_a_kind_without_a_schema_is_a_problem_and_a_vendor_without_a_file_is_not(checker):
    assert checker.problems("acme", "Pong", {}) == ["no schema for callback kind 'Pong' in acme_callbacks.schema.json"]
    assert checker.problems("nobody", "Anything", {"x": 1}) == []


def test_the_outbox_records_mismatches_on_the_delivery_and_the_journal_record(checker, caplog):
    outbox = Outbox(VirtualClock(), CallbackSettings(), sender=None)
    outbox.checker = checker
    trace = Trace()
    good = outbox.emit("acme", "Ping", None, {"TypeName": "Ping", "Data": {"From": {"string": "a"}}}, "k", trace)
    bad = outbox.emit("acme", "Ping", None, {"TypeName": "Ping", "Data": {}}, "k", trace)
    journal = Journal()
    record_id = trace.record_id = journal.append(ServeEvent(
        time=0.0, tenant="t", vendor="acme", operation="sendPing", method="POST", path="/ping", query="",
        request_body=b"{}", status=200, response_body=b"{}", vendor_code=None, violations=(), duration_ms=1.0,
        sub_events=trace.sub_events))
    assert good.payload_check == []
    assert bad.payload_check == ["Data: 'From' is a required property"]
    assert bad.to_json()["payload_check"] == bad.payload_check
    assert bad.to_json()["caused_by"] == record_id
    [record] = journal.query()
    assert record.response_check == ("callback #2 Ping: Data: 'From' is a required property",)
    assert list(checker.mismatches) == ["callback #2 acme Ping: Data: 'From' is a required property"]
    assert "CALLBACK DOES NOT MATCH ITS SCHEMA" in caplog.text


def test_the_shipped_callback_schemas_are_valid_and_follow_the_convention():
    files = sorted(SPECS_DIR.glob("*_callbacks.schema.json"))
    assert files, "no callback schema shipped"
    for path in files:
        vendor = path.name.removesuffix("_callbacks.schema.json")
        assert CallbackChecker({vendor: path}).kinds(vendor), f"{path.name} has no $defs"
