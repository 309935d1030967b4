/* SPDX-License-Identifier: BSD-3-Clause
 *
 * grewayctl's parts: main.c (argv, socket, exit status), print.c (a JSON-RPC
 * result as iproute2-like text), help.c (usage and each object's words).
 */
#ifndef GREWAYCTL_H
#define GREWAYCTL_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#define CTL_SOCKET_DEFAULT "/run/greway/greway.sock"
#define CTL_TIMEOUT_DEFAULT 30 /* seconds to wait for greway's answer */

/* Exit status: iproute2's 0 and 1, and 2 when greway could not be asked at all. */
enum {
	CTL_EXIT_OK = 0,
	CTL_EXIT_REFUSED = 1,
	CTL_EXIT_UNREACHABLE = 2,
};

/* The full grammar and the options. */
void ctl_usage(FILE *f);

/* The objects ctl_help() knows, for the error that names an unknown one. */
#define CTL_HELP_OBJECTS "link, addr, route, neigh, tunnel, bridge, stats, log, save, version"

/* One object's commands and what each word means; -1 for an unknown object. */
int ctl_help(const char *object);

/* Whether the method answers with something to print (show, version, save). */
bool ctl_method_prints(const char *method);

/* The result of a method as text; changes ({}) print nothing. */
void ctl_print(const char *method, json_t *result);

#endif /* GREWAYCTL_H */
