"""``python -m chatsim.spec.prebuild``: pre-parse the specs and the shipped scenarios
(``chatsim.spec.parsed``), redoing only what the files no longer match; ``make`` runs it before
serving, testing or building the wheel, and the container image when it is built."""

import marshal
import sys
from pathlib import Path

from chatsim.spec import parsed
from chatsim.spec.load import operation_rows
from chatsim.spec.yamlread import parse_yaml


def main() -> int:
    data = Path(__file__).resolve().parent.parent / "data"  # chatsim.paths' folders, from below it
    for path in sorted([*data.glob("specs/*.yaml"), *data.glob("scenarios/*.yaml")]):
        source = path.read_bytes()
        found = parsed.read_with(path, source)
        doc = parse_yaml(source) if found is None else found[0]
        derived = operation_rows(doc) if path.parent.name == "specs" else None
        # compared as marshal writes them: rows equal in value but no longer shared must be redone
        if (found is None or marshal.dumps(found[1]) != marshal.dumps(derived)) and not parsed.write(
                path, doc, source, derived):
            print(f"{path.name}: not pre-parsed (it holds values marshal cannot keep)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
