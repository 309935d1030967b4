/* SPDX-License-Identifier: BSD-3-Clause
 *
 * What every harness shares: an invariant that aborts with its text (so
 * libFuzzer keeps the input) and big-endian reads for reference decoders.
 */
#ifndef FUZZ_CHECK_H
#define FUZZ_CHECK_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond)                                                                     \
	do {                                                                            \
		if (!(cond)) {                                                          \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__,      \
				__LINE__, #cond);                                       \
			abort();                                                        \
		}                                                                       \
	} while (0)

static inline uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

#endif /* FUZZ_CHECK_H */
