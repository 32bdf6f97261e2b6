"""The README's "Use it in your tests" examples, copied into an empty folder as a new user would,
run and pass."""

import re
import subprocess
import sys

from chatsim.paths import ROOT


def test_readme_examples_pass_in_an_empty_folder(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Use it in your tests"):readme.index("## Callback sink")]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) == 4
    for number, block in enumerate(blocks):
        (tmp_path / f"test_readme_{number}.py").write_text(block, encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "5 passed" in run.stdout
