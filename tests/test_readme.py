"""The README's "Use it in your tests" examples, copied into an empty folder as a new user would,
run and pass."""

import subprocess
import sys

from tests.repo import readme_plugin_examples


def test_readme_examples_pass_in_an_empty_folder(tmp_path):
    blocks = readme_plugin_examples()
    assert len(blocks) == 4
    for number, block in enumerate(blocks):
        (tmp_path / f"test_readme_{number}.py").write_text(block, encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "6 passed" in run.stdout
