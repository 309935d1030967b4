/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Registration of greway's mbuf dynamic field (gw_mbuf.h).
 */
#include <rte_errno.h>

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
