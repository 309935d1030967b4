# SPDX-License-Identifier: BSD-3-Clause
"""The documentation states what the code does: checked without running greway."""
import re

from conftest import REPO


def drop_reasons():
    """(counter, text) of every reason in lib/gw_drop.def, NONE excluded."""
    pat = re.compile(r'GW_DROP\((\w+),\s*(\w+),\s*"(.*)"\)')
    rows = [pat.match(line.strip()) for line in open(REPO / "lib/gw_drop.def")]
    return [(m.group(2), m.group(3)) for m in rows if m and m.group(1) != "NONE"]


def test_drops_doc_lists_every_reason():
    """doc/drops.md has one row per drop counter, with the same text as the code."""
    doc = (REPO / "doc/drops.md").read_text()
    rows = dict(re.findall(r"^\| `(\w+)` \| (.*) \|$", doc, re.M))
    reasons = dict(drop_reasons())
    assert reasons, "no reasons parsed from gw_drop.def"
    assert rows == reasons


def test_readme_starts_with_the_two_commands():
    """The README's first commands are the demo and the test suite, as the project promises."""
    text = (REPO / "README.md").read_text()
    head = text[: text.find("\n## ")] if "\n## " in text else text
    assert "./scripts/demo.sh" in head
    assert "./scripts/test.sh" in head
    assert (REPO / "scripts/demo.sh").exists()
    assert "scripts/test.sh" in (REPO / ".ci/run").read_text()
