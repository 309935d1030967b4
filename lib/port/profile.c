/* SPDX-License-Identifier: BSD-3-Clause
 *
 * PMD profiles (gw_profile.h): the INI file is read by DPDK's rte_cfgfile;
 * this file validates what it returns, strictly.
 *
 * rte_cfgfile reports no line numbers (it logs a few and returns NULL) and
 * silently skips a line that has no '=' and is no [section], so a typo would
 * pass unseen. Before loading, one pass over the file applies rte_cfgfile's own
 * line rules (same buffer size, comment character, stripping) only to number
 * the headings and key lines and to refuse the lines it would skip or choke
 * on; the values come from rte_cfgfile. Its entries are in file order (each
 * goes to the last section opened), so the n-th key line is the n-th entry.
 */
/* error lines are cut to the error record by design; names are from a short fixed list */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cfgfile.h>
#include <rte_ethdev.h>

#include "gw_inet.h"
#include "gw_profile.h"

#define COMMENT '#'
#define GLOBAL "GLOBAL" /* rte_cfgfile's name for what comes before any [section] */
/* rte_cfgfile_load_with_params' line buffer: a longer line fails the whole load */
#define CFG_LINE_BUF (CFG_NAME_LEN + CFG_VALUE_LEN + 4)

/* Drivers a section may be named after (rte_eth_dev_info.driver_name). */
static const char *const drivers[] = {
	"net_tap",   "net_pcap",    "net_null",        "net_ring",  "net_memif",
	"net_virtio", "net_virtio_user", "net_ixgbe", "net_ixgbe_vf", "net_i40e",
	"net_i40e_vf", "net_iavf",  "net_ice",         "net_ice_dcf", "mlx5_pci",
	"net_af_xdp",
};

struct name_bit {
	const char *name;
	uint64_t bit;
};

/* The offloads greway knows what to do with; anything else is refused. */
static const struct name_bit rx_offloads[] = {
	{ "ipv4_cksum", RTE_ETH_RX_OFFLOAD_IPV4_CKSUM },
	{ "rss_hash", RTE_ETH_RX_OFFLOAD_RSS_HASH },
};

static const struct name_bit tx_offloads[] = {
	{ "ipv4_cksum", RTE_ETH_TX_OFFLOAD_IPV4_CKSUM },
	{ "multi_segs", RTE_ETH_TX_OFFLOAD_MULTI_SEGS },
	{ "mbuf_fast_free", RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE },
	{ "gre_tnl_tso", RTE_ETH_TX_OFFLOAD_GRE_TNL_TSO },
};

static const struct name_bit rss_types[] = {
	{ "ip", RTE_ETH_RSS_IP },
	{ "ipv4", RTE_ETH_RSS_IPV4 },
	{ "frag_ipv4", RTE_ETH_RSS_FRAG_IPV4 },
	{ "nonfrag_ipv4_other", RTE_ETH_RSS_NONFRAG_IPV4_OTHER },
	{ "nonfrag_ipv4_tcp", RTE_ETH_RSS_NONFRAG_IPV4_TCP },
	{ "nonfrag_ipv4_udp", RTE_ETH_RSS_NONFRAG_IPV4_UDP },
	{ "ipv6", RTE_ETH_RSS_IPV6 },
	{ "frag_ipv6", RTE_ETH_RSS_FRAG_IPV6 },
	{ "nonfrag_ipv6_other", RTE_ETH_RSS_NONFRAG_IPV6_OTHER },
	{ "nonfrag_ipv6_tcp", RTE_ETH_RSS_NONFRAG_IPV6_TCP },
	{ "nonfrag_ipv6_udp", RTE_ETH_RSS_NONFRAG_IPV6_UDP },
	{ "ipv6_ex", RTE_ETH_RSS_IPV6_EX },
};

#define KEYS "rx_queues, tx_queues, rx_desc, tx_desc, rx_offloads, tx_offloads, " \
	"rss_types, rss_key, mtu, promiscuous"

bool
gw_profile_driver_known(const char *driver)
{
	size_t i;

	for (i = 0; i < RTE_DIM(drivers); i++)
		if (strcmp(driver, drivers[i]) == 0)
			return true;
	return false;
}

/* Line numbers of the headings and key lines, as rte_cfgfile will see them. */
struct scan {
	unsigned int nsec, nkey, cap;
	unsigned int sec_line[GW_PROFILE_SECTIONS_MAX + 1];
	unsigned int *key_line;
};

static size_t
strip(char *s, size_t len)
{
	size_t start = 0;

	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	while (start < len && isspace((unsigned char)s[start]))
		start++;
	memmove(s, s + start, len - start);
	s[len - start] = '\0';
	return len - start;
}

static int
scan_file(const char *path, FILE *f, struct scan *sc, struct gw_error *err)
{
	char buf[CFG_LINE_BUF], *pos;
	unsigned int lineno = 0;
	size_t len;

	while (fgets(buf, sizeof(buf), f) != NULL) {
		lineno++;
		len = strnlen(buf, sizeof(buf));
		if (len >= sizeof(buf) - 1 && buf[len - 1] != '\n')
			return gw_error_set(err, -EINVAL, "%s:%u: line longer than %zu characters",
					    path, lineno, sizeof(buf) - 2);
		pos = memchr(buf, COMMENT, len);
		if (pos != NULL && (pos == buf || pos[-1] != '\\'))
			len = pos - buf;
		len = strip(buf, len);
		if (len == 0)
			continue;
		if (buf[0] == '[') {
			pos = memchr(buf, ']', len);
			if (pos == NULL)
				return gw_error_set(err, -EINVAL, "%s:%u: \"%.40s\": no closing ]",
						    path, lineno, buf);
			if (pos[1] != '\0')
				return gw_error_set(err, -EINVAL,
						    "%s:%u: \"%.40s\": text after the ] of a "
						    "section heading", path, lineno, buf);
			if (sc->nsec == GW_PROFILE_SECTIONS_MAX)
				return gw_error_set(err, -E2BIG, "%s:%u: more than %d sections",
						    path, lineno, GW_PROFILE_SECTIONS_MAX);
			sc->sec_line[sc->nsec++] = lineno;
		} else if (memchr(buf, '=', len) != NULL) {
			if (sc->nkey == sc->cap) {
				unsigned int cap = sc->cap == 0 ? 32 : sc->cap * 2;
				unsigned int *n = realloc(sc->key_line, cap * sizeof(*n));

				if (n == NULL)
					return gw_error_set(err, -ENOMEM, "%s: out of memory", path);
				sc->key_line = n;
				sc->cap = cap;
			}
			sc->key_line[sc->nkey++] = lineno;
		} else {
			return gw_error_set(err, -EINVAL,
					    "%s:%u: \"%.40s\": neither a [section] nor key = value",
					    path, lineno, buf);
		}
	}
	if (ferror(f))
		return gw_error_set(err, -EIO, "%s: read error", path);
	return 0;
}

/* The value checks: 0, or -EINVAL with why (without the key) in why. */

static int
parse_uint(const char *v, unsigned long lo, unsigned long hi, uint64_t *out, char *why,
	   size_t size)
{
	if (gw_uint_parse(v, hi, out) < 0 || *out < lo) {
		snprintf(why, size, "expected %lu..%lu", lo, hi);
		return -EINVAL;
	}
	return 0;
}

static int
parse_names(const char *v, const struct name_bit *tab, size_t n, uint64_t *mask, char *why,
	    size_t size)
{
	char copy[CFG_VALUE_LEN], *tok, *save = NULL;
	size_t i, off;

	*mask = 0;
	snprintf(copy, sizeof(copy), "%s", v);
	if (strcmp(copy, "none") == 0)
		return 0;
	for (tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		strip(tok, strlen(tok));
		for (i = 0; i < n; i++)
			if (strcmp(tok, tab[i].name) == 0)
				break;
		if (i == n) {
			off = snprintf(why, size, "unknown name \"%.32s\" (none", tok);
			for (i = 0; i < n && off < size; i++)
				off += snprintf(why + off, size - off, ", %s", tab[i].name);
			if (off < size)
				snprintf(why + off, size - off, ")");
			return -EINVAL;
		}
		*mask |= tab[i].bit;
	}
	/* ",", " , " or a trailing comma: a name is missing */
	for (off = 0, i = 0; v[i] != '\0'; i++) {
		if (v[i] == ',') {
			if (off == 0)
				break;
			off = 0;
		} else if (!isspace((unsigned char)v[i])) {
			off = 1;
		}
	}
	if (v[i] != '\0' || off == 0) {
		snprintf(why, size, "empty name in the list");
		return -EINVAL;
	}
	return 0;
}

static int
parse_hex(const char *v, struct gw_profile_port *s, char *why, size_t size)
{
	size_t n = strlen(v), i;

	if (n == 0 || n % 2 != 0 || n / 2 > GW_PROFILE_RSS_KEY_MAX) {
		snprintf(why, size, "expected 1..%d bytes as an even number of hex digits",
			 GW_PROFILE_RSS_KEY_MAX);
		return -EINVAL;
	}
	for (i = 0; i < n; i += 2) {
		char byte[3] = { v[i], v[i + 1], '\0' };

		if (!isxdigit((unsigned char)v[i]) || !isxdigit((unsigned char)v[i + 1])) {
			snprintf(why, size, "\"%c%c\" is not a hex byte", v[i], v[i + 1]);
			return -EINVAL;
		}
		s->rss_key[i / 2] = (uint8_t)strtoul(byte, NULL, 16);
	}
	s->rss_key_len = n / 2;
	return 0;
}

/* One key = value into s. Returns 0, or -EINVAL with the reason in why. */
static int
parse_entry(const char *key, const char *v, struct gw_profile_port *s, char *why, size_t size)
{
	uint64_t x;
	int rc = 0;

	if (v[0] == '\0') {
		snprintf(why, size, "%s: empty value", key);
		return -EINVAL;
	}
	if (strcmp(key, "rx_queues") == 0) {
		if (strcmp(v, "per-worker") == 0)
			x = 0;
		else if ((rc = parse_uint(v, 1, GW_PROFILE_RXQ_MAX, &x, why, size)) < 0)
			snprintf(why, size, "per-worker or 1..%d", GW_PROFILE_RXQ_MAX);
		s->rx_queues = x;
		s->given |= GW_PROF_RX_QUEUES;
	} else if (strcmp(key, "tx_queues") == 0) {
		if (strcmp(v, "per-worker") != 0) {
			snprintf(why, size, "only per-worker: each worker owns one tx queue per "
				 "port (no locks)");
			rc = -EINVAL;
		}
		s->given |= GW_PROF_TX_QUEUES;
	} else if (strcmp(key, "rx_desc") == 0 || strcmp(key, "tx_desc") == 0) {
		rc = parse_uint(v, GW_PROFILE_DESC_MIN, GW_PROFILE_DESC_MAX, &x, why, size);
		if (key[0] == 'r') {
			s->rx_desc = x;
			s->given |= GW_PROF_RX_DESC;
		} else {
			s->tx_desc = x;
			s->given |= GW_PROF_TX_DESC;
		}
	} else if (strcmp(key, "rx_offloads") == 0) {
		rc = parse_names(v, rx_offloads, RTE_DIM(rx_offloads), &s->rx_offloads, why, size);
		s->given |= GW_PROF_RX_OFFLOADS;
	} else if (strcmp(key, "tx_offloads") == 0) {
		rc = parse_names(v, tx_offloads, RTE_DIM(tx_offloads), &s->tx_offloads, why, size);
		s->given |= GW_PROF_TX_OFFLOADS;
	} else if (strcmp(key, "rss_types") == 0) {
		rc = parse_names(v, rss_types, RTE_DIM(rss_types), &s->rss_hf, why, size);
		s->given |= GW_PROF_RSS_TYPES;
	} else if (strcmp(key, "rss_key") == 0) {
		rc = parse_hex(v, s, why, size);
		s->given |= GW_PROF_RSS_KEY;
	} else if (strcmp(key, "mtu") == 0) {
		rc = parse_uint(v, GW_PROFILE_MTU_MIN, GW_PROFILE_MTU_MAX, &x, why, size);
		s->mtu = x;
		s->given |= GW_PROF_MTU;
	} else if (strcmp(key, "promiscuous") == 0) {
		if (strcmp(v, "on") == 0 || strcmp(v, "off") == 0) {
			s->promiscuous = v[1] == 'n';
		} else {
			snprintf(why, size, "expected on or off");
			rc = -EINVAL;
		}
		s->given |= GW_PROF_PROMISC;
	} else {
		snprintf(why, size, "unknown key \"%.40s\" (%s)", key, KEYS);
		return -EINVAL;
	}
	if (rc < 0) {
		char reason[GW_ERROR_SIZE];

		snprintf(reason, sizeof(reason), "%s", why);
		snprintf(why, size, "%s \"%.40s\": %s", key, v, reason);
	}
	return rc;
}

/* "PATH:LINE" where the line is known, "PATH" else. */
static const char *
where(char *buf, size_t size, const char *path, unsigned int line)
{
	if (line != 0)
		snprintf(buf, size, "%s:%u", path, line);
	else
		snprintf(buf, size, "%s", path);
	return buf;
}

static int
check(const char *path, struct rte_cfgfile *cfg, const struct scan *sc, struct gw_profile *prof,
      struct gw_error *err)
{
	struct rte_cfgfile_entry *ents = NULL;
	char name[CFG_NAME_LEN], why[GW_ERROR_SIZE], at[GW_ERROR_SIZE / 2];
	int nsec = rte_cfgfile_num_sections(cfg, NULL, 0), i, j, k, n, total = 0, rc = 0;
	unsigned int key = 0;
	bool lines;

	/* what the scan counted and what rte_cfgfile made of the file must agree */
	for (i = 0; i < nsec; i++)
		total += rte_cfgfile_section_num_entries_by_index(cfg, name, i);
	lines = nsec == (int)sc->nsec + 1 && total == (int)sc->nkey;
	if (total > 0) {
		ents = malloc(sizeof(*ents) * total);
		if (ents == NULL)
			return gw_error_set(err, -ENOMEM, "%s: out of memory", path);
	}
	for (i = 0; i < nsec && rc == 0; i++) {
		struct gw_profile_port *s = NULL;
		unsigned int sline = lines && i > 0 ? sc->sec_line[i - 1] : 0;

		n = rte_cfgfile_section_entries_by_index(cfg, i, name, ents, total);
		if (i == 0) { /* GLOBAL: rte_cfgfile's home for keys before any [section] */
			if (n > 0)
				rc = gw_error_set(err, -EINVAL, "%s: %s before any [section]",
						  where(at, sizeof(at), path,
							lines ? sc->key_line[0] : 0),
						  ents[0].name);
			continue;
		}
		if (strcmp(name, "port") != 0 && !gw_profile_driver_known(name)) {
			rc = gw_error_set(err, -EINVAL,
					  "%s: unknown section [%.40s] (port, or a driver: "
					  "net_tap, net_pcap, net_null, net_ring, net_memif, "
					  "net_virtio, net_ixgbe, net_i40e, net_ice, mlx5_pci, "
					  "net_af_xdp, ...)", where(at, sizeof(at), path, sline), name);
			break;
		}
		for (j = 0; j < (int)prof->nb; j++)
			if (strcmp(prof->sec[j].driver, strcmp(name, "port") == 0 ? "" : name) == 0)
				break;
		if (j < (int)prof->nb) {
			rc = gw_error_set(err, -EINVAL, "%s: section [%s] given twice",
					  where(at, sizeof(at), path, sline), name);
			break;
		}
		s = &prof->sec[prof->nb++];
		if (strcmp(name, "port") != 0) /* a known driver name: shorter than driver[] */
			snprintf(s->driver, sizeof(s->driver), "%s", name);
		s->line = sline;
		for (j = 0; j < n; j++, key++) {
			unsigned int kline = lines ? sc->key_line[key] : 0;

			for (k = 0; k < j; k++)
				if (strcmp(ents[k].name, ents[j].name) == 0)
					break;
			if (k < j) {
				rc = gw_error_set(err, -EINVAL, "%s: %s given twice in [%s]",
						  where(at, sizeof(at), path, kline), ents[j].name,
						  name);
				break;
			}
			if (parse_entry(ents[j].name, ents[j].value, s, why, sizeof(why)) < 0) {
				if (lines)
					rc = gw_error_set(err, -EINVAL, "%s: %s",
							  where(at, sizeof(at), path, kline), why);
				else
					rc = gw_error_set(err, -EINVAL, "%s: [%s] %s", path, name,
							  why);
				break;
			}
		}
	}
	free(ents);
	return rc;
}

int
gw_profile_load(const char *path, struct gw_profile *prof, struct gw_error *err)
{
	static const struct rte_cfgfile_parameters params = { .comment_character = COMMENT };
	struct scan sc = { 0 };
	struct rte_cfgfile *cfg;
	FILE *f;
	int rc;

	memset(prof, 0, sizeof(*prof));
	f = fopen(path, "r");
	if (f == NULL)
		return gw_error_set(err, -errno, "%s: cannot open: %s", path, strerror(errno));
	rc = scan_file(path, f, &sc, err);
	fclose(f);
	if (rc < 0)
		goto out;
	cfg = rte_cfgfile_load_with_params(path, CFG_FLAG_GLOBAL_SECTION | CFG_FLAG_EMPTY_VALUES,
					   &params);
	if (cfg == NULL) {
		rc = gw_error_set(err, -EINVAL, "%s: rte_cfgfile cannot read it", path);
		goto out;
	}
	rc = check(path, cfg, &sc, prof, err);
	rte_cfgfile_close(cfg);
out:
	free(sc.key_line);
	if (rc < 0)
		memset(prof, 0, sizeof(*prof));
	return rc;
}

static void
merge(struct gw_profile_port *out, const struct gw_profile_port *s)
{
	if (s->given & GW_PROF_RX_QUEUES)
		out->rx_queues = s->rx_queues;
	if (s->given & GW_PROF_RX_DESC)
		out->rx_desc = s->rx_desc;
	if (s->given & GW_PROF_TX_DESC)
		out->tx_desc = s->tx_desc;
	if (s->given & GW_PROF_RX_OFFLOADS)
		out->rx_offloads = s->rx_offloads;
	if (s->given & GW_PROF_TX_OFFLOADS)
		out->tx_offloads = s->tx_offloads;
	if (s->given & GW_PROF_RSS_TYPES)
		out->rss_hf = s->rss_hf;
	if (s->given & GW_PROF_RSS_KEY) {
		memcpy(out->rss_key, s->rss_key, sizeof(out->rss_key));
		out->rss_key_len = s->rss_key_len;
	}
	if (s->given & GW_PROF_MTU)
		out->mtu = s->mtu;
	if (s->given & GW_PROF_PROMISC)
		out->promiscuous = s->promiscuous;
	out->given |= s->given;
}

unsigned int
gw_profile_resolve(const struct gw_profile *prof, const char *driver,
		   struct gw_profile_port *out)
{
	unsigned int i, n = 0;

	memset(out, 0, sizeof(*out));
	snprintf(out->driver, sizeof(out->driver), "%s", driver);
	for (i = 0; i < prof->nb; i++) /* [port] first, wherever it is in the file */
		if (prof->sec[i].driver[0] == '\0') {
			merge(out, &prof->sec[i]);
			n++;
		}
	for (i = 0; i < prof->nb; i++)
		if (strcmp(prof->sec[i].driver, driver) == 0) {
			merge(out, &prof->sec[i]);
			n++;
		}
	return n;
}

static void
names(const struct name_bit *tab, size_t n, uint64_t mask, char *buf, size_t size)
{
	size_t i, off = 0;

	buf[0] = '\0';
	if (mask == 0) {
		snprintf(buf, size, "none");
		return;
	}
	for (i = 0; i < n && off < size; i++) {
		/* composite names (rss "ip") only when nothing finer describes the bits */
		if ((mask & tab[i].bit) != tab[i].bit || __builtin_popcountll(tab[i].bit) > 1)
			continue;
		off += snprintf(buf + off, size - off, "%s%s", off > 0 ? "," : "", tab[i].name);
	}
}

void
gw_profile_offload_names(bool tx, uint64_t mask, char *buf, size_t size)
{
	if (tx)
		names(tx_offloads, RTE_DIM(tx_offloads), mask, buf, size);
	else
		names(rx_offloads, RTE_DIM(rx_offloads), mask, buf, size);
}

void
gw_profile_rss_names(uint64_t rss_hf, char *buf, size_t size)
{
	names(rss_types, RTE_DIM(rss_types), rss_hf, buf, size);
}

void
gw_profile_describe(const struct gw_profile_port *s, char *buf, size_t size)
{
	char names_buf[192];
	size_t off = 0;
	unsigned int i;

#define ADD(...)                                                                          \
	do {                                                                              \
		if (off < size)                                                           \
			off += snprintf(buf + off, size - off, __VA_ARGS__);              \
	} while (0)
	buf[0] = '\0';
	if (s->given == 0)
		ADD("(nothing: defaults)");
	if (s->given & GW_PROF_RX_QUEUES) {
		if (s->rx_queues == 0)
			ADD(" rx_queues=per-worker");
		else
			ADD(" rx_queues=%u", s->rx_queues);
	}
	if (s->given & GW_PROF_TX_QUEUES)
		ADD(" tx_queues=per-worker");
	if (s->given & GW_PROF_RX_DESC)
		ADD(" rx_desc=%u", s->rx_desc);
	if (s->given & GW_PROF_TX_DESC)
		ADD(" tx_desc=%u", s->tx_desc);
	if (s->given & GW_PROF_RX_OFFLOADS) {
		gw_profile_offload_names(false, s->rx_offloads, names_buf, sizeof(names_buf));
		ADD(" rx_offloads=%s", names_buf);
	}
	if (s->given & GW_PROF_TX_OFFLOADS) {
		gw_profile_offload_names(true, s->tx_offloads, names_buf, sizeof(names_buf));
		ADD(" tx_offloads=%s", names_buf);
	}
	if (s->given & GW_PROF_RSS_TYPES) {
		gw_profile_rss_names(s->rss_hf, names_buf, sizeof(names_buf));
		ADD(" rss_types=%s", names_buf);
	}
	if (s->given & GW_PROF_RSS_KEY) {
		ADD(" rss_key=");
		for (i = 0; i < s->rss_key_len; i++)
			ADD("%02x", s->rss_key[i]);
	}
	if (s->given & GW_PROF_MTU)
		ADD(" mtu=%u", s->mtu);
	if (s->given & GW_PROF_PROMISC)
		ADD(" promiscuous=%s", s->promiscuous ? "on" : "off");
#undef ADD
	if (buf[0] == ' ')
		memmove(buf, buf + 1, strlen(buf));
}
