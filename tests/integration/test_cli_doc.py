# SPDX-License-Identifier: BSD-3-Clause
"""doc/cli.md is true: every example in it runs against a real greway, in order.

The convention (doc/cli.md, "Reading the examples"): a ```console block holds lines
`$ grewayctl ARGS`, each followed by the exact lines it prints (stdout and stderr
together). `$ echo $?` prints the exit status of the command before it; a command
that is not followed by one must exit 0. `$ cat FILE` prints a file the examples
wrote. In the expected lines, a line `...` stands for any number of lines and `...`
inside a line for any text (counters, the version).
"""
import re
import shlex
import subprocess

import pytest

from conftest import REPO
from test_cli import daemon  # noqa: F401 (fixture)

DOC = REPO / "doc/cli.md"


def console_blocks():
    """(line number, [lines]) of each ```console block of doc/cli.md."""
    blocks, cur, start = [], None, 0
    for no, line in enumerate(DOC.read_text().splitlines(), 1):
        if cur is None and line.strip() == "```console":
            cur, start = [], no + 1
        elif cur is not None and line.strip() == "```":
            blocks.append((start, cur))
            cur = None
        elif cur is not None:
            cur.append(line)
    assert cur is None, f"doc/cli.md:{start}: console block never closed"
    return blocks


def examples():
    """[(line number, command, [expected lines])], in the order of the document."""
    out = []
    for start, lines in console_blocks():
        for no, line in enumerate(lines, start):
            if line.startswith("$ "):
                out.append((no, line[2:], []))
            else:
                assert out and out[-1][0] >= start, f"doc/cli.md:{no}: output before any $ line"
                out[-1][2].append(line)
    return out


def line_pattern(expected):
    """A regex for one expected line: `...` is any text, the rest is literal."""
    return "".join(".*" if part == "..." else re.escape(part)
                   for part in re.split(r"(\.\.\.)", expected))


def matches(expected, actual):
    """Whether actual lines fit expected ones; a line `...` takes any number of lines."""
    pat = "".join(r"(?:[^\n]*\n)*?" if e == "..." else line_pattern(e) + r"\n"
                  for e in expected)
    return re.fullmatch(pat, "".join(a + "\n" for a in actual)) is not None


def test_matcher():
    """The placeholder rules themselves."""
    assert matches(["a", "...", "z"], ["a", "b", "c", "z"])
    assert matches(["a", "...", "z"], ["a", "z"])
    assert matches(["port port0 rx_packets ... tx_errors 0"],
                   ["port port0 rx_packets 3 rx_bytes 180 tx_errors 0"])
    assert not matches(["a", "z"], ["a", "b", "z"])
    assert not matches(["a.b"], ["axb"])
    assert matches([], [])


def test_doc_covers_every_command(ctl_bin):  # noqa: F811
    """Every OBJECT COMMAND of `grewayctl help`, every tunnel option and every
    option of grewayctl has at least one example."""
    usage = subprocess.run([ctl_bin, "help"], capture_output=True, text=True).stdout
    wanted = set()
    for line in usage.splitlines():
        words = line.split()
        if line.startswith("  ") and not line.startswith("   ") and words[0] != "-h,":
            if words[0].startswith("-"):
                wanted.add(words[0])
            elif len(words) == 1 or not words[1].islower():
                wanted.add(words[0])  # save [FILE], version
            else:
                wanted.update(f"{words[0]} {verb}" for verb in words[1].split("|"))
    assert "tunnel change" in wanted and "-j" in wanted and "save" in wanted
    wanted.add("help")
    given = set()
    for _, cmd, _ in examples():
        words = shlex.split(cmd)
        if words[0] != "grewayctl":
            continue
        i = 1
        while i < len(words) and words[i].startswith("-"):
            given.add(words[i])
            i += 2 if words[i] in ("-s", "-t") else 1
        rest = words[i:]
        if rest:
            given.add(rest[0])
            given.add(" ".join(rest[:2]))
            if rest[0] == "help" and len(rest) > 1:
                given.add(f"help {rest[1]}")
            if rest[0] == "tunnel":
                given.update(f"tunnel option {w}" for w in rest[2:])
    assert wanted - given == set(), "commands without an example in doc/cli.md"
    options = ["mode", "local", "remote", "key", "ikey", "okey", "nokey", "csum", "icsum",
               "ocsum", "nocsum", "seq", "iseq", "oseq", "noseq", "ttl", "tos", "inherit",
               "pmtudisc", "nopmtudisc", "ignore-df", "noignore-df", "mtu", "clamp-mss", "dev"]
    missing = [o for o in options if f"tunnel option {o}" not in given]
    assert missing == [], "tunnel options without an example in doc/cli.md"
    objects = ["link", "addr", "route", "neigh", "tunnel", "bridge", "stats", "log", "save",
               "version"]
    missing = [o for o in objects if f"help {o}" not in given]
    assert missing == [], "objects whose help text doc/cli.md does not show"


def test_doc_examples(ctl_bin, daemon, workdir):  # noqa: F811
    """Each example, in order, against one greway: exit status and output as written."""
    todo = examples()
    assert len(todo) > 40, "doc/cli.md has lost its examples"
    last = None
    for k, (no, cmd, expected) in enumerate(todo):
        words = shlex.split(cmd)
        if cmd == "echo $?":
            actual = [str(last)]
        elif words[0] == "cat" and len(words) == 2:
            actual = (workdir / words[1]).read_text().splitlines()
        elif words[0] == "grewayctl":
            r = subprocess.run([ctl_bin, "-s", str(daemon), *words[1:]], cwd=workdir,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               timeout=30)
            actual, last = r.stdout.splitlines(), r.returncode
            followed_by_status = k + 1 < len(todo) and todo[k + 1][1] == "echo $?"
            assert followed_by_status or last == 0, \
                f"doc/cli.md:{no}: `{cmd}` exited {last}:\n{r.stdout}"
        else:
            pytest.fail(f"doc/cli.md:{no}: examples run grewayctl, echo $? and cat, not `{cmd}`")
        assert matches(expected, actual), \
            f"doc/cli.md:{no}: `{cmd}` printed\n" + "\n".join(actual) + \
            "\ninstead of\n" + "\n".join(expected)
