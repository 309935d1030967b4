# SPDX-License-Identifier: BSD-3-Clause
"""The vector and scalar packet kernels give the same gateway, byte for byte.

greway picks its kernels once at start (lib/simd/gw_simd.h): scalar, AVX2 or
AVX-512, capped by EAL's --force-max-simd-bitwidth (64: scalar; 256, EAL's
default: AVX2; 512: AVX-512). tests/unit/test_simd.c compares the kernels
themselves; here the whole gateway runs the corpora of the net_pcap golden
tests once per variant this CPU has, and every variant must send the same
frames, count the same packets and drop the same ones for the same reasons:

- encap: every tunnel option (checksums over odd sizes up to the MTU, keys,
  sequence numbers, inherited TTL/TOS, IP options), test_pcap_encap's corpus;
- decap: keys, checksums, RFC 2890 sequence rules, test_pcap_decap's;
- drops: every drop reason, outer options and padding, ICMP errors,
  reassembly, test_pcap_drops's;
- sizes: a key+csum+seq tunnel both ways with every inner length from 20 to
  1476 bytes, so every tail length of every vector loop is summed, GRE
  checksums that verify and that do not, and fragments (above the tunnel's
  1464) with their own sequence numbers.

Frames the workers forward keep their order, so encap and decap outputs are
compared as sequences. The drops corpus makes the control thread send ICMP
errors and ARP requests, whose place among forwarded frames depends on
timing: compared as multisets.
"""
import re
import struct
import uuid

import pytest

import gwpcap as g
import test_pcap_decap as decap
import test_pcap_drops as drops
import test_pcap_encap as encap

# bit width -> the kernels greway must report, when the CPU has them
VARIANTS = [(64, "scalar", None), (256, "avx2", "avx2"), (512, "avx512", "avx512f")]


def cpu_flags():
    text = open("/proc/cpuinfo").read()
    m = re.search(r"^flags\s*:(.*)$", text, re.M)
    return set(m.group(1).split()) if m else set()


def runs(greway_bin, tmp_path_factory, name, config, wan_in=(), lan_in=(), settle=0.3):
    """One run per variant this CPU has: {variant: Result}."""
    flags = cpu_flags()
    out = {}
    for width, kernels, flag in VARIANTS:
        if flag is not None and flag not in flags:
            continue
        work = tmp_path_factory.mktemp(f"{name}{width}")
        work.chmod(0o755)
        res = g.run_pcap(greway_bin, work, uuid.uuid4().hex[:6], config, wan_in=wan_in,
                         lan_in=lan_in, eal=("-l", "0", f"--force-max-simd-bitwidth={width}"),
                         settle=settle)
        assert res.rc == 0, res.stderr
        assert f"packet kernels: {kernels} " in res.stdout + res.stderr, kernels
        out[kernels] = res
    assert "scalar" in out
    return out


def assert_same(results, ordered):
    ref = results["scalar"]
    for kernels, res in results.items():
        for port, got, want in (("wan", res.wan_out, ref.wan_out),
                                ("lan", res.lan_out, ref.lan_out)):
            if not ordered:
                got, want = sorted(got), sorted(want)
            assert len(got) == len(want), (kernels, port)
            for n, (a, b) in enumerate(zip(got, want)):
                assert a == b, f"{kernels}: {port} frame {n} differs from scalar's"
        assert res.drops == ref.drops, kernels
        assert res.tunnels == ref.tunnels, kernels
        assert res.ports == ref.ports, kernels


def test_simd_encap_identical(greway_bin, tmp_path_factory):
    """Encapsulation of every tunnel option: the same GRE frames from every variant."""
    conf, frames, _ = encap.corpus()
    results = runs(greway_bin, tmp_path_factory, "encap", conf, lan_in=frames)
    assert len(results["scalar"].wan_out) == len(frames)
    assert_same(results, ordered=True)


def test_simd_decap_identical(greway_bin, tmp_path_factory):
    """Decapsulation (keys, checksums, sequence rules): the same inner frames and drops."""
    conf, frames = decap.config(), decap.build().frames
    results = runs(greway_bin, tmp_path_factory, "decap", conf, wan_in=frames)
    assert results["scalar"].lan_out
    assert_same(results, ordered=True)


def test_simd_drops_identical(greway_bin, tmp_path_factory):
    """Every drop reason, ICMP errors and reassembly: the same frames and counters."""
    b = drops.build()
    results = runs(greway_bin, tmp_path_factory, "drops", drops.CONFIG, wan_in=b.wan,
                   lan_in=b.lan, settle=1.5)
    assert any(results["scalar"].drops.values())
    assert_same(results, ordered=False)


def test_simd_sizes_identical(greway_bin, tmp_path_factory):
    """Every inner length both ways through a key+csum+seq tunnel (every 5th checksum wrong):
    the same frames, the same sequence numbers, the same gre_csum drops."""
    remote = "203.0.113.10"
    conf = list(g.BASE_CONFIG) + [
        f"tunnel add t_all mode gre local {g.WAN_IP} remote {remote} key 5 csum seq",
        "route add 10.100.0.0/24 dev t_all",
    ]
    lan, wan = [], []
    for n, size in enumerate(range(20, 1477)):
        lan.append(g.lan_frame(g.ipv4(g.LAN_HOST, "10.100.0.9", 253, b"\xa7" * (size - 20),
                                      ident=n)))
        inner = g.ipv4("10.100.0.9", g.LAN_HOST, 253, bytes((n + i) & 0xFF for i in range(size - 20)),
                       ident=n)
        wan.append(g.wan_gre(remote, inner, key=5, seq=n, csum=True, bad_csum=n % 5 == 4))
    results = runs(greway_bin, tmp_path_factory, "sizes", conf, wan_in=wan, lan_in=lan)
    ref = results["scalar"]
    # the tunnel MTU is 1500 - 36: the 12 longest go out as two fragments each
    assert len(ref.wan_out) == len(lan) + 12
    assert len(ref.lan_out) == len(wan) - len(wan) // 5
    assert ref.drops.get("gre_csum") == len(wan) // 5
    # runs of a burst share one sequence reservation, fragments take one number each:
    # still 0, 1, 2... with no gap, and every GRE checksum verifies
    for n, f in enumerate(ref.wan_out):
        assert struct.unpack("!HHHHII", f[34:50])[::5] == (0xB000, n), n
        assert g.csum16(f[34:]) == 0xFFFF, n
    assert_same(results, ordered=True)


@pytest.mark.parametrize("width,kernels", [(64, "scalar"), (128, "scalar")])
def test_simd_narrow_width_runs_scalar(greway_bin, workdir, width, kernels):
    """A bit width below 256 gets the scalar kernels whatever the CPU has."""
    res = g.run_pcap(greway_bin, workdir, uuid.uuid4().hex[:6], g.BASE_CONFIG,
                     eal=("-l", "0", f"--force-max-simd-bitwidth={width}"))
    assert res.rc == 0, res.stderr
    assert f"packet kernels: {kernels} (SIMD bit width allowed: {width})" in \
        res.stdout + res.stderr
