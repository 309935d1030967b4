/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * "dev NAME": ports and tunnels share one name space, as interfaces do in
 * iproute2. This resolves a name to either.
 */
#ifndef GW_DEV_H
#define GW_DEV_H

#include <stdbool.h>
#include <stdint.h>

#include "gw_error.h"

/** A resolved device name. */
struct gw_dev {
	bool is_tunnel; /**< a tunnel, else a port */
	uint16_t idx;   /**< tunnel or port index */
};

/**
 * Resolve a device name.
 *
 * @return 0, or -ENODEV with err naming it.
 */
int gw_dev_lookup(const char *name, struct gw_dev *dev, struct gw_error *err);

/** Whether a port or tunnel already has this name. */
bool gw_dev_name_taken(const char *name);

/** Name of the port or tunnel a next hop leaves by; "" for local and drop. */
const char *gw_nh_dev_name(uint16_t idx);

#endif /* GW_DEV_H */
