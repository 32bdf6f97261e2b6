"""The build-time parse of the specs (chatsim.spec.parsed) stands for their YAML exactly, and only
for the bytes it was made from."""

import shutil

import pytest

from chatsim.paths import SPECS_DIR
from chatsim.spec import load, parsed

SPECS = sorted(SPECS_DIR.glob("*.yaml"))


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.name)
def test_a_pre_parsed_spec_is_its_yaml(spec, tmp_path):
    copy = tmp_path / spec.name
    shutil.copy(spec, copy)
    source = copy.read_bytes()
    assert parsed.read(copy, source) is None  # none made yet
    assert parsed.write(copy, load.parse_yaml(source), source)
    assert parsed.read(copy, source) == load.parse_yaml(source)
    shipped = parsed.read(spec, spec.read_bytes())  # the checkout's own, when make has made it
    assert shipped is None or shipped == load.parse_yaml(spec.read_bytes())


def test_it_is_used_only_for_the_bytes_it_was_made_from(tmp_path, monkeypatch):
    spec = tmp_path / "x.yaml"
    spec.write_text("openapi: 3.0.0\npaths: {}\n", encoding="utf-8")
    source = spec.read_bytes()
    parsed.write(spec, {"made": "from these bytes"}, source)
    assert parsed.read(spec, source) == {"made": "from these bytes"}
    assert load.load_document.__wrapped__(spec) == {"made": "from these bytes"}
    spec.write_text("openapi: 3.0.1\npaths: {}\n", encoding="utf-8")  # edited after the build
    assert parsed.read(spec, spec.read_bytes()) is None
    assert load.load_document.__wrapped__(spec) == {"openapi": "3.0.1", "paths": {}}
    monkeypatch.setattr(parsed, "_PYTHON", "2.7")  # made by another Python
    assert parsed.read(spec, source) is None
    parsed.beside(spec).write_bytes(b"\x00garbage")
    assert parsed.read(spec, source) is None


def test_a_document_marshal_cannot_keep_is_left_to_yaml(tmp_path):
    spec = tmp_path / "dated.yaml"
    spec.write_text("when: 2024-01-01\n", encoding="utf-8")
    source = spec.read_bytes()
    assert not parsed.write(spec, load.parse_yaml(source), source)
    assert not parsed.beside(spec).exists()
