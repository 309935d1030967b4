/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Helpers shared by the per-object parsers of lib/cmd (not exported).
 */
#ifndef GW_CMD_PRIV_H
#define GW_CMD_PRIV_H

#include <stdint.h>

#include "gw_cmd.h"

/* Copy a checked interface name into out (GW_NAME_MAX); what names it in errors. */
int cmd_name(const char *word, char *out, const char *what, struct gw_error *err);
/* Step *i to the value of argv[*i]; error if the word is last. */
int cmd_value(int argc, char *const argv[], int *i, const char **val, struct gw_error *err);
/* Parse an integer in [min, max]: -EINVAL when not a number, -ERANGE when outside. */
int cmd_uint_range(const char *word, const char *what, uint64_t min, uint64_t max, uint64_t *v,
		   struct gw_error *err);
/* Parse an address, naming what it is in the error. */
int cmd_ip(const char *word, const char *what, struct gw_ip *ip, struct gw_error *err);
/* A host's MAC: xx:xx:xx:xx:xx:xx, neither multicast nor zero; what names it in errors. */
int cmd_unicast_mac(const char *word, const char *what, uint8_t mac[6], struct gw_error *err);
/* tunnel add|change|del|show. */
int cmd_parse_tunnel(int argc, char *const argv[], struct gw_cmd *cmd, struct gw_error *err);

#endif /* GW_CMD_PRIV_H */
