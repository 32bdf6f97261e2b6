"""Where the project's data lives.

chatsim is installed editable (``make`` does that), so the specs and scenarios are read from the
checkout next to the package. ``CHATSIM_HOME`` points elsewhere for unusual layouts.
"""

import os
from pathlib import Path

ROOT = Path(os.environ.get("CHATSIM_HOME") or Path(__file__).resolve().parent.parent)
SPECS_DIR = ROOT / "specs"
SCENARIOS_DIR = ROOT / "scenarios"
DEMO_SCENARIO = SCENARIOS_DIR / "demo.yaml"
