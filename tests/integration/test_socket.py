# SPDX-License-Identifier: BSD-3-Clause
"""The control socket's permissions, and the paths greway refuses (issue 14).

Whoever may connect to the socket may reconfigure the gateway. greway creates
it mode 0660 (its group: --socket-group) in a directory of mode 0750 that it
makes if missing, and refuses, with one line and exit 1, a path someone else
could have prepared: a symbolic link, a file that is not a socket or not its
own, a directory not its own (nor root's) or that others may write to without
the sticky bit. greway runs on two net_null ports (no namespace needed).
"""
import grp
import os
import shutil
import signal
import socket
import stat
import subprocess

import pytest

from conftest import require_root, run

NOBODY = 65534  # nobody / nogroup on Debian


def _start(greway_bin, run_id, sock, *extra):
    return subprocess.Popen(
        [str(greway_bin), "--no-pci", "--no-huge", "-m", "512", "--file-prefix",
         f"sk{run_id}", "-l", "0", "--vdev", "net_null0,no-rx=1", "--vdev",
         "net_null1,no-rx=1", "--", "-s", str(sock), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _stop(proc, run_id, signal_it=True):
    try:
        if signal_it and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    finally:
        shutil.rmtree(f"/var/run/dpdk/sk{run_id}", ignore_errors=True)
    return proc.returncode, out, err


def _wait_running(proc, sock, stale_ino=None):
    """Until greway's socket is there (a new one, where stale_ino names the old one)."""
    for _ in range(300):
        if proc.poll() is not None:
            break
        if sock.exists() and os.lstat(sock).st_ino != stale_ino:
            break
        subprocess.run(["sleep", "0.1"], check=False)
    assert proc.poll() is None and stat.S_ISSOCK(os.lstat(sock).st_mode)


def _refused(greway_bin, run_id, sock, why, *extra):
    proc = _start(greway_bin, run_id, sock, *extra)
    rc, out, err = _stop(proc, run_id, signal_it=False)
    assert rc == 1, (out, err)
    assert f"greway: control socket {sock}: {why}: refusing to use it" in err.splitlines()
    assert "greway: running" not in out


def test_socket_0660_in_new_0750_directory(greway_bin, workdir, run_id, ctl_bin):
    """A missing directory is made 0750; the socket is 0660, ours; grewayctl talks to it;
    SIGTERM removes the socket."""
    require_root()
    sock = workdir / "run" / "greway.sock"
    proc = _start(greway_bin, run_id, sock)
    try:
        _wait_running(proc, sock)
        assert stat.S_IMODE(os.stat(sock.parent).st_mode) == 0o750
        st = os.lstat(sock)
        assert stat.S_IMODE(st.st_mode) == 0o660
        assert (st.st_uid, st.st_gid) == (os.geteuid(), os.getegid())
        assert run([ctl_bin, "-s", str(sock), "link", "show"]).returncode == 0
    finally:
        rc, out, err = _stop(proc, run_id)
    assert rc == 0, err
    assert not sock.exists()


@pytest.mark.parametrize("group", [str(NOBODY), "by-name"])
def test_socket_group(greway_bin, workdir, run_id, group):
    """--socket-group (a number or a name) gives the socket, and the directory greway makes,
    that group: its members may connect (0660, 0750)."""
    require_root()
    if group == "by-name":
        group = grp.getgrgid(NOBODY).gr_name
    sock = workdir / "run" / "greway.sock"
    proc = _start(greway_bin, run_id, sock, "--socket-group", group)
    try:
        _wait_running(proc, sock)
        assert os.lstat(sock).st_gid == NOBODY
        assert os.stat(sock.parent).st_gid == NOBODY
        assert stat.S_IMODE(os.lstat(sock).st_mode) == 0o660
    finally:
        assert _stop(proc, run_id)[0] == 0


def test_socket_group_unknown(greway_bin, workdir, run_id):
    """An unknown group: one line naming it, exit 1, no socket."""
    sock = workdir / "run" / "greway.sock"
    rc, out, err = _stop(_start(greway_bin, run_id, sock, "--socket-group", "no-such-grp"),
                         run_id, signal_it=False)
    assert rc == 1
    assert 'greway: invalid --socket-group "no-such-grp": no such group' in err.splitlines()
    assert not sock.exists()


def test_refuses_symlink(greway_bin, workdir, run_id):
    """The socket path is a symbolic link (to anything): refused, the link and its target
    left alone."""
    require_root()
    target = workdir / "target"
    target.write_text("precious\n")
    sock = workdir / "greway.sock"
    sock.symlink_to(target)
    _refused(greway_bin, run_id, sock, "it is a symbolic link")
    assert sock.is_symlink() and target.read_text() == "precious\n"


def test_refuses_regular_file(greway_bin, workdir, run_id):
    """A file that is not a socket is never removed to make room."""
    require_root()
    sock = workdir / "greway.sock"
    sock.write_text("precious\n")
    _refused(greway_bin, run_id, sock, "it exists and is not a socket")
    assert sock.read_text() == "precious\n"


def _stale_socket(path):
    """A socket file nobody listens on, as a killed run leaves it."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(str(path))
    s.close()
    return os.lstat(path).st_ino


def test_refuses_foreign_socket(greway_bin, workdir, run_id):
    """A socket left by another user (someone may be listening on it): refused."""
    require_root()
    sock = workdir / "greway.sock"
    _stale_socket(sock)
    os.chown(sock, NOBODY, NOBODY)
    _refused(greway_bin, run_id, sock, "it belongs to another user")
    assert stat.S_ISSOCK(os.lstat(sock).st_mode)


def test_replaces_own_stale_socket(greway_bin, workdir, run_id):
    """A stale socket of our own (an earlier run killed) is replaced."""
    require_root()
    sock = workdir / "greway.sock"
    stale = _stale_socket(sock)
    proc = _start(greway_bin, run_id, sock)
    try:
        _wait_running(proc, sock, stale)
    finally:
        assert _stop(proc, run_id)[0] == 0


@pytest.mark.parametrize("case", ["symlink", "foreign", "writable"])
def test_refuses_directory(greway_bin, workdir, run_id, case):
    """The directory: a symbolic link, another user's, or writable by others without the
    sticky bit (anyone could put a socket there first)."""
    require_root()
    real = workdir / "real"
    real.mkdir(mode=0o750)
    d = real
    if case == "symlink":
        d = workdir / "link"
        d.symlink_to(real)
        why = "its directory is a symbolic link"
    elif case == "foreign":
        os.chown(real, NOBODY, NOBODY)
        why = "its directory belongs to another user"
    else:
        os.chmod(real, 0o777)
        why = "its directory is writable by others"
    _refused(greway_bin, run_id, d / "greway.sock", why)


def test_sticky_world_writable_directory(greway_bin, workdir, run_id):
    """A world-writable directory with the sticky bit (as /tmp): others cannot remove or
    replace our names there, so greway uses it."""
    require_root()
    d = workdir / "tmp"
    d.mkdir()
    os.chmod(d, 0o1777)
    sock = d / "greway.sock"
    proc = _start(greway_bin, run_id, sock)
    try:
        _wait_running(proc, sock)
    finally:
        assert _stop(proc, run_id)[0] == 0


def test_too_many_clients_is_said(greway_bin, workdir, run_id, ctl_bin):
    """Beyond 16 connected clients a new one gets one JSON-RPC error line saying so, then
    the close; grewayctl prints it and exits 1. One client leaving makes room."""
    require_root()
    sock = workdir / "greway.sock"
    proc = _start(greway_bin, run_id, sock)
    held = []
    try:
        _wait_running(proc, sock)
        for _ in range(16):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(str(sock))
            s.sendall(b'{"jsonrpc":"2.0","id":1,"method":"version"}\n')
            assert b'"result"' in s.recv(4096)  # accepted and served
            held.append(s)
        cp = run([ctl_bin, "-s", str(sock), "link", "show"], check=False)
        assert cp.returncode == 1
        assert "too many clients (16 connected): try again later" in cp.stderr
        held.pop().close()
        for _ in range(50):
            cp = run([ctl_bin, "-s", str(sock), "link", "show"], check=False)
            if cp.returncode == 0:
                break
        assert cp.returncode == 0, cp.stderr
    finally:
        for s in held:
            s.close()
        assert _stop(proc, run_id)[0] == 0
