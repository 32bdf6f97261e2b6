"""The scenarios chatsim ships are valid against the scenario schema of its own vendors: what lets
start-up read them without the schema check (``scenarios.read_file``'s ``own_vendors``)."""

import subprocess
import sys

import pytest

from chatsim import scenarios
from chatsim.paths import DEMO_SCENARIO, SHIPPED_SCENARIOS
from chatsim.scenarios import ScenarioError, parse, read_file, read_text
from chatsim.vendors.registry import builtin_only, discover

SHIPPED = sorted(SHIPPED_SCENARIOS.glob("*.y*ml"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.name)
def test_every_shipped_scenario_passes_the_schema_check(path):
    vendors = discover()
    text = read_text(path, str(path))
    assert parse(text, str(path), vendors) == parse(text, str(path), vendors, shipped=True)


def test_only_a_shipped_file_read_for_the_builtin_vendors_skips_the_check(tmp_path, monkeypatch):
    vendors = discover()
    assert DEMO_SCENARIO in SHIPPED and builtin_only(vendors)
    assert not builtin_only({name: vendor for name, vendor in vendors.items() if name != "gewe"})
    checked = []
    real = scenarios._validator
    monkeypatch.setattr(scenarios, "_validator", lambda given: checked.append(given) or real(given))
    read_file(DEMO_SCENARIO, vendors, own_vendors=True)
    assert checked == []
    read_file(DEMO_SCENARIO, vendors)
    copy = tmp_path / "demo.yaml"
    copy.write_text(DEMO_SCENARIO.read_text(encoding="utf-8") + "\nnot_a_section: 1\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="not_a_section"):
        read_file(copy, vendors, own_vendors=True)
    assert len(checked) == 2


def test_serving_the_demo_imports_no_jsonschema():
    code = ("import sys; from chatsim.app import Settings, build_app; build_app(Settings(quiet=True)); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'jsonschema'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "[]"
