"""Reading YAML: libyaml's loader where it is installed, PyYAML imported only when YAML is read."""

from functools import cache
from typing import Any


@cache
def yaml_loader() -> Any:
    """libyaml's parser where it is installed: the pure-Python one took ~400 ms of every start-up
    on the four specs, libyaml ~90 ms, for the same documents (tests/test_specs.py holds them
    equal). PyYAML itself is imported here, on the first YAML read: a start from the pre-parsed
    specs and demo scenario (``chatsim.spec.parsed``) never imports it."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(source: bytes) -> dict[str, Any]:
    import yaml

    doc: dict[str, Any] = yaml.load(source.decode("utf-8"), Loader=yaml_loader())  # noqa: S506 - a safe loader
    return doc
