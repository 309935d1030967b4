/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Error record filled by parsers and apply functions.
 *
 * Functions return 0 or -errno and, on failure, leave one line here that
 * names the offending word, so a user sees exactly what was wrong. The
 * startup runner prefixes it with FILE:LINE, grewayctl prints it as is.
 */
#ifndef GW_ERROR_H
#define GW_ERROR_H

#include <stddef.h>

#define GW_ERROR_SIZE 256 /**< longest message, including the NUL */

/** One error: a message and the errno-style code that went with it. */
struct gw_error {
	int code;                 /**< negative errno, 0 when no error */
	char msg[GW_ERROR_SIZE];  /**< one line, no trailing newline */
};

/**
 * Record an error.
 *
 * @param err
 *   Where to record it; NULL is allowed (the message is discarded).
 * @param code
 *   Negative errno to record and return.
 * @param fmt
 *   printf-style message naming the offending word.
 * @return
 *   code, so callers can write `return gw_error_set(err, -EINVAL, ...)`.
 */
int gw_error_set(struct gw_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* GW_ERROR_H */
