"""The checkout the suite runs from (README, flows, examples): not chatsim's data, which is in the package."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_plugin_examples() -> list[str]:
    """The Python blocks of the README's "Use it in your tests" section, as a user would copy them."""
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Use it in your tests"):]
    section = section[:section.index("\n## ", 3)]
    return re.findall(r"```python\n(.*?)```", section, re.S)
