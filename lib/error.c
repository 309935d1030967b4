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
	char *p;

	if (err == NULL)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	/* messages quote what users and peers typed: keep them one printable line */
	for (p = err->msg; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return code;
}
