/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The error record shared by the parsers and the apply functions.
 */
#include <stdarg.h>
#include <stdio.h>

#include "gw_error.h"

int
gw_error_set(struct gw_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}
