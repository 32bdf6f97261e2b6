"""The build-time parse of the specs and shipped scenarios (chatsim.spec.parsed) stands for their
YAML exactly, and only for the bytes it was made from."""

import shutil
import subprocess
import sys

import pytest

from chatsim import scenarios
from chatsim.paths import SHIPPED_SCENARIOS, SPECS_DIR
from chatsim.spec import load, parsed
from chatsim.spec.yamlread import parse_yaml
from chatsim.vendors.registry import discover

SPECS = sorted(SPECS_DIR.glob("*.yaml"))


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.name)
def test_a_pre_parsed_spec_is_its_yaml(spec, tmp_path):
    copy = tmp_path / spec.name
    shutil.copy(spec, copy)
    source = copy.read_bytes()
    assert parsed.read(copy, source) is None  # none made yet
    assert parsed.write(copy, parse_yaml(source), source)
    assert parsed.read(copy, source) == parse_yaml(source)
    shipped = parsed.read_with(spec, spec.read_bytes())  # the checkout's own, when make has made it
    doc = parse_yaml(spec.read_bytes())
    assert shipped is None or shipped == (doc, load.operation_rows(doc))


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.name)
def test_a_pre_parsed_spec_gives_the_operations_its_yaml_gives(spec, tmp_path):
    copy = tmp_path / spec.name
    shutil.copy(spec, copy)
    source = copy.read_bytes()
    doc = parse_yaml(source)
    assert parsed.write(copy, doc, source, load.operation_rows(doc))
    read_back = load.read_spec.__wrapped__(copy)
    from_yaml = load.SpecFile(doc, load.operation_rows(doc))
    assert read_back == from_yaml
    copy.with_name(copy.name + parsed.SUFFIX).unlink()
    assert load.read_spec.__wrapped__(copy) == from_yaml  # no build-time parse: the same from the YAML


def test_it_is_used_only_for_the_bytes_it_was_made_from(tmp_path, monkeypatch):
    spec = tmp_path / "x.yaml"
    spec.write_text("openapi: 3.0.0\npaths: {}\n", encoding="utf-8")
    source = spec.read_bytes()
    parsed.write(spec, {"made": "from these bytes"}, source)
    assert parsed.read(spec, source) == {"made": "from these bytes"}
    assert load.read_spec.__wrapped__(spec).doc == {"made": "from these bytes"}
    spec.write_text("openapi: 3.0.1\npaths: {}\n", encoding="utf-8")  # edited after the build
    assert parsed.read(spec, spec.read_bytes()) is None
    assert load.read_spec.__wrapped__(spec).doc == {"openapi": "3.0.1", "paths": {}}
    monkeypatch.setattr(parsed, "_PYTHON", "2.7")  # made by another Python
    assert parsed.read(spec, source) is None
    parsed.beside(spec).write_bytes(b"\x00garbage")
    assert parsed.read(spec, source) is None


def test_a_document_marshal_cannot_keep_is_left_to_yaml(tmp_path):
    spec = tmp_path / "dated.yaml"
    spec.write_text("when: 2024-01-01\n", encoding="utf-8")
    source = spec.read_bytes()
    assert not parsed.write(spec, parse_yaml(source), source)
    assert not parsed.beside(spec).exists()


@pytest.mark.parametrize("path", sorted(SHIPPED_SCENARIOS.glob("*.yaml")), ids=lambda path: path.name)
def test_a_pre_parsed_shipped_scenario_is_what_reading_it_gives(path, tmp_path, monkeypatch):
    text = path.read_text(encoding="utf-8")
    assert parse_yaml(text.encode("utf-8")) == scenarios.load_yaml(text, str(path))
    shipped = parsed.read(path, path.read_bytes())
    assert shipped is None or shipped == scenarios.load_yaml(text, str(path))
    monkeypatch.setattr(scenarios, "SHIPPED_SCENARIOS", tmp_path)  # a copy stands in for the shipped file
    copy = tmp_path / path.name
    copy.write_text(text, encoding="utf-8")
    parsed.write(copy, {"chatsim": 1, "name": "pre-parsed"}, copy.read_bytes())
    vendors = discover()
    assert scenarios.read_file(copy, vendors, own_vendors=True)["name"] == "pre-parsed"
    assert scenarios.read_file(copy, vendors)["name"] != "pre-parsed"  # other vendors: read and checked
    copy.write_text(text + "\n# edited\n", encoding="utf-8")
    assert scenarios.read_file(copy, vendors, own_vendors=True)["name"] != "pre-parsed"


def test_serving_from_pre_parsed_files_imports_no_yaml():
    files = [*SPECS, *sorted(SHIPPED_SCENARIOS.glob("*.yaml"))]
    if any(parsed.read(path, path.read_bytes()) is None for path in files):
        pytest.skip("not pre-parsed (make specs)")
    code = ("import sys; from chatsim.app import Settings, build_app; build_app(Settings(quiet=True)); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'yaml'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "[]"


def test_the_build_pre_parses_every_spec_with_its_operations_and_every_shipped_scenario():
    from chatsim.spec import prebuild

    assert prebuild.main() == 0  # what make runs: it redoes only what no longer matches
    for spec in SPECS:
        doc = parse_yaml(spec.read_bytes())
        assert parsed.read_with(spec, spec.read_bytes()) == (doc, load.operation_rows(doc))
    for path in sorted(SHIPPED_SCENARIOS.glob("*.yaml")):
        assert parsed.read_with(path, path.read_bytes()) == (parse_yaml(path.read_bytes()), None)


def test_operations_with_an_equal_field_share_one_frozen_field():
    for name, vendor in discover().items():
        for spec in vendor.specs:
            operations = load.extract_operations(name, spec)
            fields = [fld for op in operations for fld in op.fields]
            by_value: dict[tuple, object] = {}
            for fld in fields:
                key = (fld.name, fld.location, fld.required, repr(fld.schema), fld.description, repr(fld.default),
                       fld.type)
                assert by_value.setdefault(key, fld) is fld, f"{spec.name}: {fld.name} made twice"
            assert len(by_value) <= len(fields)
