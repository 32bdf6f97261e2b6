"""The specs and shipped scenarios pre-parsed at build time: a speed trick for start-up, kept apart
from the YAML it stands for.

Even with libyaml, parsing the specs is 50-90 ms of every start (PyYAML builds the objects in
Python), and importing PyYAML ~10 ms more; reading the same documents back with ``marshal`` takes
~2 ms. ``python -m chatsim.spec.prebuild`` (``make`` runs it before serving, testing or building the
wheel) writes each spec's and shipped scenario's document beside it as ``NAME.yaml.marshal``,
stamped with the SHA-256 of the YAML bytes and the Python version it was made by, and with a spec
its operations as plain data (``chatsim.spec.load.operation_rows``: resolving its ``$ref``s and
bounding its integers was ~8 ms more of every start). ``read`` answers a document only when both
stamps match the file as it is now; an edited file (or one never pre-parsed) is parsed from its
YAML, as before, until the next build. chatsim itself never writes these files.
tests/test_parsed_specs.py holds every pre-parsed document equal to what reading its YAML gives,
and every spec's operations equal to what extracting them from it gives.
"""

import hashlib
import marshal
import sys
from pathlib import Path
from typing import Any

SUFFIX = ".marshal"
_PYTHON = f"{sys.version_info[0]}.{sys.version_info[1]}"


def _stamp(source: bytes) -> str:
    return f"{hashlib.sha256(source).hexdigest()} python {_PYTHON}"


def beside(spec: Path) -> Path:
    return spec.with_name(spec.name + SUFFIX)


def read_with(spec: Path, source: bytes) -> tuple[dict[str, Any], Any] | None:
    """The pre-parsed document of ``spec`` whose YAML bytes are ``source`` and what the build
    derived from it (a spec's operation rows, else None), or None when there is none or it was made
    from other bytes (or by another Python)."""
    try:
        stamp, doc, derived = marshal.loads(beside(spec).read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    return (doc, derived) if stamp == _stamp(source) and isinstance(doc, dict) else None


def read(spec: Path, source: bytes) -> dict[str, Any] | None:
    """The pre-parsed document alone (``read_with``)."""
    found = read_with(spec, source)
    return None if found is None else found[0]


def write(spec: Path, doc: dict[str, Any], source: bytes, derived: Any = None) -> bool:
    """Pre-parse one spec; False when its document holds what marshal cannot keep (a YAML date)."""
    try:
        data = marshal.dumps((_stamp(source), doc, derived))
    except ValueError:
        return False
    beside(spec).write_bytes(data)
    return True
