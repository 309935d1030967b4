/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Drop reasons of the dataplane, expanded from gw_drop.def.
 *
 * A packet is never freed silently: each drop carries one of these reasons
 * and bumps its per-lcore counter. The GRE codec returns them too, so a parse
 * failure and its counter are the same value.
 */
#ifndef GW_DROP_H
#define GW_DROP_H

/** One value per line of gw_drop.def; GW_DROP_NONE (0) means "keep". */
enum gw_drop {
#define GW_DROP(e, name, text) GW_DROP_##e,
#include "gw_drop.def"
#undef GW_DROP
	GW_DROP_MAX /**< number of reasons */
};

/**
 * Counter name of a drop reason, as printed by stats ("gre_csum").
 *
 * @param d
 *   A reason below GW_DROP_MAX.
 * @return
 *   A static string; "?" for an out-of-range value.
 */
const char *gw_drop_name(enum gw_drop d);

/**
 * One-line description of a drop reason.
 *
 * @param d
 *   A reason below GW_DROP_MAX.
 * @return
 *   A static string; "?" for an out-of-range value.
 */
const char *gw_drop_text(enum gw_drop d);

#endif /* GW_DROP_H */
