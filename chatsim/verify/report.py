"""What ``chatsim verify`` shows: a progress bar on stderr, a results table, JUnit XML for CI."""

import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import TextIO

from chatsim.verify.runner import StepResult

MARKS = {"passed": "ok", "failed": "FAIL", "skipped": "skip"}


class Progress:
    """``verify [########------] 12/20 flow > step`` on a terminal; silent in logs, where a bar
    redrawn with carriage returns would only be noise."""

    def __init__(self, total: int, stream: TextIO = sys.stderr, width: int = 24) -> None:
        self.total = total
        self.done = 0
        self.stream = stream
        self.width = width
        self.enabled = stream.isatty()

    def step(self, result: StepResult) -> None:
        self.done += 1
        if not self.enabled:
            return
        filled = self.width * self.done // max(self.total, 1)
        label = f"{result.flow} > {result.step}"[:50]
        self.stream.write(f"\rverify [{'#' * filled}{'-' * (self.width - filled)}] {self.done}/{self.total} "
                          f"{label:<50}")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * (self.width + 70) + "\r")
            self.stream.flush()


def table(results: list[StepResult], seconds: float) -> str:
    """One row per step; a failed step shows its first difference (every difference is in JUnit)."""
    rows = [("flow", "step", "result", "answer / first difference")]
    last_flow = None
    for result in results:
        detail = result.problems[0] if result.outcome == "failed" else result.answer
        if result.outcome == "failed" and len(result.problems) > 1:
            detail += f"  (+{len(result.problems) - 1} more)"
        rows.append((result.flow if result.flow != last_flow else "", result.step, MARKS[result.outcome], detail))
        last_flow = result.flow
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["  ".join(cell.ljust(widths[i]) if i < 3 else cell for i, cell in enumerate(row)).rstrip()
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths) + "  " + "-" * 25)
    counts = Counter(result.outcome for result in results)
    lines.append("")
    lines.append(f"{counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped "
                 f"in {seconds:.2f}s")
    return "\n".join(lines)


def junit(results: list[StepResult], path: Path) -> None:
    suites = ET.Element("testsuites", name="chatsim verify")
    by_flow: dict[str, list[StepResult]] = {}
    for result in results:
        by_flow.setdefault(result.flow, []).append(result)
    for flow, steps in by_flow.items():
        counts = Counter(step.outcome for step in steps)
        suite = ET.SubElement(suites, "testsuite", name=flow, tests=str(len(steps)),
                              failures=str(counts["failed"]), skipped=str(counts["skipped"]), errors="0",
                              time=f"{sum(step.seconds for step in steps):.3f}")
        for step in steps:
            case = ET.SubElement(suite, "testcase", classname=flow, name=step.step, time=f"{step.seconds:.3f}")
            if step.outcome == "failed":
                failure = ET.SubElement(case, "failure", message=step.problems[0])
                failure.text = "\n".join([f"{step.request} -> {step.answer}".strip(" ->"), *step.problems])
            elif step.outcome == "skipped":
                ET.SubElement(case, "skipped", message=step.problems[0])
            if step.doc:
                ET.SubElement(case, "system-out").text = step.doc
    ET.indent(suites)
    ET.ElementTree(suites).write(path, encoding="utf-8", xml_declaration=True)
