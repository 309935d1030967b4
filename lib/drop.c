/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Names and descriptions of the drop reasons, from the one list in gw_drop.def.
 */
#include "gw_drop.h"

static const char *const drop_names[GW_DROP_MAX] = {
#define GW_DROP(e, name, text) [GW_DROP_##e] = #name,
#include "gw_drop.def"
#undef GW_DROP
};

static const char *const drop_texts[GW_DROP_MAX] = {
#define GW_DROP(e, name, text) [GW_DROP_##e] = text,
#include "gw_drop.def"
#undef GW_DROP
};

const char *
gw_drop_name(enum gw_drop d)
{
	return (unsigned int)d < GW_DROP_MAX ? drop_names[d] : "?";
}

const char *
gw_drop_text(enum gw_drop d)
{
	return (unsigned int)d < GW_DROP_MAX ? drop_texts[d] : "?";
}
