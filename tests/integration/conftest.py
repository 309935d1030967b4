# SPDX-License-Identifier: BSD-3-Clause
"""Shared fixtures of the integration tests.

Every test runs under Debian's /usr/bin/python3 (python3-scapy is only visible
there) as root, builds what it needs in network namespaces it creates and
deletes, runs DPDK programs with --no-pci --no-huge and a unique --file-prefix,
and stops what it started by pid.
"""
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from netns import Lab

REPO = Path(__file__).resolve().parents[2]


def _binary(env, default):
    path = Path(os.environ.get(env, REPO / default))
    if not path.exists():
        pytest.fail(f"{path} not built: run `ninja -C build` or set {env}")
    return path


@pytest.fixture(scope="session")
def greway_bin():
    """Path of the greway daemon under test ($GREWAY or build/app/greway/greway)."""
    return _binary("GREWAY", "build/app/greway/greway")


def grewayctl_path():
    """Path of the CLI under test ($GREWAYCTL or build/app/grewayctl/grewayctl)."""
    return _binary("GREWAYCTL", "build/app/grewayctl/grewayctl")


@pytest.fixture(scope="session")
def ctl_bin():
    """grewayctl_path(), as a string for argv."""
    return str(grewayctl_path())


@pytest.fixture
def lab(run_id, workdir):
    """Namespaces, links and processes of one test, all undone at teardown."""
    require_root()
    with Lab(run_id, workdir) as the_lab:
        yield the_lab


@pytest.fixture
def run_id():
    """A short id unique to this test: namespace names, file prefixes."""
    return uuid.uuid4().hex[:6]


@pytest.fixture
def workdir(tmp_path):
    """A scratch directory readable by tshark (which drops privileges)."""
    os.chmod(tmp_path, 0o755)
    return tmp_path


def require_root():
    if os.geteuid() != 0:
        pytest.skip("needs root (network namespaces, net_tap)")


def require_tool(name):
    if shutil.which(name) is None:
        pytest.skip(f"{name} is not installed (scripts/deps.sh installs it)")


def run(cmd, check=True, **kw):
    """Run a command, returning CompletedProcess with text output."""
    return subprocess.run(cmd, check=check, capture_output=True, text=True, **kw)
