/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Registration of greway's mbuf dynamic field (gw_mbuf.h), and the copies
 * flooding and replication send (gw_mbuf_copy_shared).
 */
#include <rte_errno.h>

#include "gw_dp.h"
#include "gw_mbuf.h"

int gw_mbuf_meta_offset = -1;

int
gw_mbuf_meta_register(void)
{
	static const struct rte_mbuf_dynfield desc = {
		.name = "greway_meta",
		.size = sizeof(struct gw_mbuf_meta),
		.align = __alignof__(struct gw_mbuf_meta),
	};

	gw_mbuf_meta_offset = rte_mbuf_dynfield_register(&desc);
	return gw_mbuf_meta_offset < 0 ? -rte_errno : 0;
}

struct rte_mbuf *
gw_mbuf_copy_shared(struct rte_mbuf *m, bool chains, bool headers)
{
	struct rte_mbuf *hdr, *c;

	if (!chains)
		return rte_pktmbuf_copy(m, m->pool, 0, UINT32_MAX);
	c = rte_pktmbuf_clone(m, gw_indirect_pool);
	if (c == NULL || !headers)
		return c;
	/* the headers go into a header mbuf of their own: the data is shared */
	hdr = rte_pktmbuf_alloc(m->pool);
	if (hdr == NULL) {
		rte_pktmbuf_free(c);
		return NULL;
	}
	hdr->next = c;
	hdr->nb_segs = c->nb_segs + 1;
	hdr->pkt_len = c->pkt_len;
	hdr->data_len = 0;
	return hdr;
}
