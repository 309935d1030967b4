/* SPDX-License-Identifier: BSD-3-Clause
 *
 * libFuzzer harness of the PMD profile loader (lib/port/profile.c): the input
 * is a whole profile file. rte_cfgfile reads files, so the input is written
 * to a memfd and loaded through /proc/self/fd/N, as greway loads -p. The
 * invariants are the contract of gw_profile.h: success leaves no error, at
 * most GW_PROFILE_SECTIONS_MAX sections, each [port] or a known driver, once
 * each, values within their documented ranges and only known offload and RSS
 * bits; failure returns a negative errno, an empty profile and one non-empty
 * line that starts with the path and fits the error record. Loading is
 * deterministic.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_ethdev.h>

#include "fuzz_check.h"
#include "gw_profile.h"

#define RX_KNOWN (RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | RTE_ETH_RX_OFFLOAD_RSS_HASH)
#define TX_KNOWN (RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_MULTI_SEGS |        \
		  RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE | RTE_ETH_TX_OFFLOAD_GRE_TNL_TSO)
#define RSS_KNOWN (RTE_ETH_RSS_IP | RTE_ETH_RSS_NONFRAG_IPV4_TCP |                         \
		   RTE_ETH_RSS_NONFRAG_IPV4_UDP | RTE_ETH_RSS_NONFRAG_IPV6_TCP |            \
		   RTE_ETH_RSS_NONFRAG_IPV6_UDP)

static void
check_section(const struct gw_profile_port *s)
{
	CHECK(memchr(s->driver, '\0', sizeof(s->driver)) != NULL);
	CHECK(s->driver[0] == '\0' || gw_profile_driver_known(s->driver));
	CHECK(s->line > 0);
	if (s->given & GW_PROF_RX_QUEUES)
		CHECK(s->rx_queues <= GW_PROFILE_RXQ_MAX);
	if (s->given & GW_PROF_RX_DESC)
		CHECK(s->rx_desc >= GW_PROFILE_DESC_MIN && s->rx_desc <= GW_PROFILE_DESC_MAX);
	if (s->given & GW_PROF_TX_DESC)
		CHECK(s->tx_desc >= GW_PROFILE_DESC_MIN && s->tx_desc <= GW_PROFILE_DESC_MAX);
	if (s->given & GW_PROF_MTU)
		CHECK(s->mtu >= GW_PROFILE_MTU_MIN && s->mtu <= GW_PROFILE_MTU_MAX);
	if (s->given & GW_PROF_RSS_KEY)
		CHECK(s->rss_key_len >= 1 && s->rss_key_len <= GW_PROFILE_RSS_KEY_MAX);
	CHECK((s->rx_offloads & ~(uint64_t)RX_KNOWN) == 0);
	CHECK((s->tx_offloads & ~(uint64_t)TX_KNOWN) == 0);
	CHECK((s->rss_hf & ~(uint64_t)RSS_KNOWN) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct gw_profile prof, again;
	struct gw_error err = { 0 }, err2 = { 0 };
	struct gw_profile_port merged;
	char path[64], desc[1024];
	unsigned int i, j;
	int fd, rc, rc2;

	fd = memfd_create("fuzz_profile", 0);
	CHECK(fd >= 0);
	CHECK(size == 0 || write(fd, data, size) == (ssize_t)size);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);

	rc = gw_profile_load(path, &prof, &err);
	if (rc == 0) {
		CHECK(err.code == 0 && err.msg[0] == '\0');
		CHECK(prof.nb <= GW_PROFILE_SECTIONS_MAX);
		for (i = 0; i < prof.nb; i++) {
			check_section(&prof.sec[i]);
			for (j = 0; j < i; j++)
				CHECK(strcmp(prof.sec[i].driver, prof.sec[j].driver) != 0);
			gw_profile_describe(&prof.sec[i], desc, sizeof(desc));
			CHECK(desc[0] != '\0');
			gw_profile_resolve(&prof, prof.sec[i].driver[0] ? prof.sec[i].driver :
					   "net_null", &merged);
			CHECK((merged.tx_offloads & ~(uint64_t)TX_KNOWN) == 0);
		}
	} else {
		CHECK(rc < 0 && err.code == rc);
		CHECK(strncmp(err.msg, path, strlen(path)) == 0 && err.msg[strlen(path)] == ':');
		CHECK(strlen(err.msg) < sizeof(err.msg) && strchr(err.msg, '\n') == NULL);
		CHECK(prof.nb == 0);
	}
	rc2 = gw_profile_load(path, &again, &err2);
	CHECK(rc2 == rc && strcmp(err.msg, err2.msg) == 0);
	CHECK(memcmp(&prof, &again, sizeof(prof)) == 0);
	close(fd);
	return 0;
}
