"""Where chatsim's data lives, and where scenario names are looked up.

Specs, schemas and the shipped scenarios are package data (``chatsim/data/``), so a wheel, an
sdist or a ``git+URL`` install carries them and a checkout serves the very files it ships. They are
read as files beside the package's own ``__init__``: importlib.resources would find the same folder
for a package on disk (and none chatsim can use in a zip import, which is refused by name), at the
cost of 8 ms of every start importing it, tempfile, shutil and the compression modules.

A scenario *name* (``--scenario demo.yaml``, ``?file=``, the pytest marker) is looked up in the
scenarios directory (``--scenarios-dir``; default ``./scenarios`` when the working directory has
one, a project's own worlds), then in the scenarios shipped with chatsim.
"""

from pathlib import Path

import chatsim


def _package_data(name: str) -> Path:
    folder = Path(chatsim.__file__).resolve().parent / "data" / name
    if not folder.is_dir():  # a zip import: the specs are read as files, so say so
        raise RuntimeError(f"chatsim's {name} are not files on disk ({folder}); install chatsim unzipped")
    return folder


SPECS_DIR = _package_data("specs")
SHIPPED_SCENARIOS = _package_data("scenarios")
DEMO_SCENARIO = SHIPPED_SCENARIOS / "demo.yaml"

_chosen: Path | None = None


def use_scenarios_dir(folder: Path | None) -> None:
    """The process's scenarios directory (``--scenarios-dir``); None goes back to the default.
    One per process: a server is one process, and its names mean the same to every tenant."""
    global _chosen
    _chosen = folder


def scenarios_dir() -> Path | None:
    """The directory searched before the shipped scenarios: the chosen one, else ``./scenarios``
    when it exists (read at call time, so a test's working directory counts), else none."""
    if _chosen is not None:
        return _chosen
    local = Path("scenarios")
    return local.resolve() if local.is_dir() else None


def scenario_search_path() -> list[Path]:
    """Where a scenario name is looked for, in order."""
    first = scenarios_dir()
    return [first, SHIPPED_SCENARIOS] if first is not None else [SHIPPED_SCENARIOS]
