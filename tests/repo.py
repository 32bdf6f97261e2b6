"""The checkout the suite runs from (README, flows, examples): not chatsim's data, which is in the package."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
