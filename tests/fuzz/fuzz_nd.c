/* SPDX-License-Identifier: BSD-3-Clause
 *
 * libFuzzer harness of the IPv6 neighbour discovery parser (lib/proto/nd.c):
 * the input is a packet from its IPv6 header on, as the control thread hands
 * it over once the Ethernet header is off. The parser must read nothing past
 * the input (the sanitizers watch), and what it accepts must pass the rules
 * written out again here: IPv6, ICMPv6 right behind the header, a type of
 * 133-137, hop limit 255, code 0, a checksum that verifies by the reference
 * sum (tests/unit/ref_csum.h); the addresses and link-layer option it reports
 * must be the packet's. The NS and NA greway would answer with, built from
 * what was read, must parse again.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "gw_nd.h"
#include "ref_csum.h"

static bool
ref_cksum_ok(const uint8_t *p, size_t plen)
{
	uint8_t *buf = malloc(40 + plen);
	bool ok;

	CHECK(buf != NULL);
	memcpy(buf, p + 8, 32);
	buf[32] = 0, buf[33] = 0, buf[34] = (uint8_t)(plen >> 8), buf[35] = (uint8_t)plen;
	buf[36] = 0, buf[37] = 0, buf[38] = 0, buf[39] = 58;
	memcpy(buf + 40, p + 40, plen);
	ok = ref_csum_ok(buf, 40 + plen);
	free(buf);
	return ok;
}

static bool
found(const uint8_t *hay, size_t n, const uint8_t mac[6])
{
	size_t i;

	for (i = 0; i + 6 <= n; i++)
		if (memcmp(hay + i, mac, 6) == 0)
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	uint8_t *p = malloc(size ? size : 1), out[GW_ND_MSG_LEN];
	struct gw_nd_msg msg, again;
	size_t plen;

	CHECK(p != NULL);
	memcpy(p, data, size); /* an allocation of exactly size: ASan sees any overread */
	if (gw_nd_parse(p, size, &msg) != GW_ND_OK) {
		free(p);
		return 0;
	}
	CHECK(size >= 44 && (p[0] >> 4) == 6 && p[6] == 58 && p[7] == 255);
	plen = be16(p + 4);
	CHECK(plen >= 4 && plen <= size - 40);
	CHECK(p[40] >= 133 && p[40] <= 137 && p[41] == 0);
	CHECK(ref_cksum_ok(p, plen));
	CHECK(msg.type == p[40]);
	CHECK(memcmp(msg.src, p + 8, 16) == 0 && memcmp(msg.dst, p + 24, 16) == 0);
	CHECK(msg.src[0] != 0xff);
	if (msg.type == 135 || msg.type == 136) {
		CHECK(plen >= 24 && memcmp(msg.target, p + 48, 16) == 0 && msg.target[0] != 0xff);
		/* what the control thread would send back parses as valid ND */
		gw_nd_build_na(out, msg.target, msg.src, msg.target, mac, GW_ND_NA_ROUTER);
		CHECK(gw_nd_parse(out, sizeof(out), &again) == GW_ND_OK);
		CHECK(again.has_lladdr && memcmp(again.lladdr, mac, 6) == 0);
		gw_nd_build_ns(out, msg.target, msg.target, mac);
		CHECK(gw_nd_parse(out, sizeof(out), &again) == GW_ND_OK);
		CHECK(memcmp(again.target, msg.target, 16) == 0);
	}
	if (msg.has_lladdr) /* the option's bytes are in the message */
		CHECK(found(p + 40, plen, msg.lladdr));
	free(p);
	return 0;
}
