/* SPDX-License-Identifier: BSD-3-Clause
 *
 * grewayctl: iproute2's words in, one JSON-RPC request to greway's control
 * socket out, the reply printed. The words are parsed by lib/cmd, the same
 * parser the daemon runs its startup file through, so a line that works in
 * one works in the other. Exit status: 0 done, 1 refused (one line naming the
 * word), 2 greway not reachable.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <jansson.h>

#include "gw_cmd.h"
#include "gw_rpc.h"

#define DEFAULT_SOCKET "/run/greway/greway.sock"

static void
usage(FILE *f)
{
	fprintf(f,
		"Usage: grewayctl [-s SOCKET] [-j] OBJECT COMMAND [ARGS]\n"
		"       grewayctl [-s SOCKET] version\n"
		"\n"
		"  link set NAME [name NEW] [address MAC] [mtu N] [up|down]\n"
		"  addr add PREFIX dev NAME\n"
		"  route add PREFIX (dev NAME | via ADDR [dev NAME])\n"
		"  neigh add ADDR lladdr MAC dev NAME\n"
		"  tunnel add NAME mode gre local ADDR remote ADDR [key K | ikey K okey K]\n"
		"         [csum | icsum ocsum] [seq | iseq oseq] [ttl N|inherit] [tos N|inherit]\n"
		"         [pmtudisc|nopmtudisc] [mtu N] [dev PORT]\n"
		"  stats show\n"
		"\n"
		"  -s SOCKET  greway's control socket (default %s)\n"
		"  -j         print the reply as JSON\n"
		"\n"
		"Exit status: 0 done, 1 refused (the message names the word), 2 greway not reachable.\n",
		DEFAULT_SOCKET);
}

/* Send one line, read one line back; NULL with errno set when greway is not there. */
static char *
call(const char *path, const char *line)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = 0, cap = 4096;
	char *buf;
	ssize_t n;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    send(fd, line, strlen(line), MSG_NOSIGNAL) != (ssize_t)strlen(line)) {
		close(fd);
		return NULL;
	}
	buf = malloc(cap);
	while (buf != NULL) {
		if (len + 1 == cap) {
			char *b = realloc(buf, cap * 2);

			if (b == NULL) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = b;
			cap *= 2;
		}
		n = recv(fd, buf + len, cap - 1 - len, 0);
		if (n <= 0) {
			if (n == 0)
				errno = ECONNRESET;
			free(buf);
			buf = NULL;
			break;
		}
		len += n;
		if (memchr(buf, '\n', len) != NULL)
			break;
	}
	close(fd);
	if (buf != NULL)
		buf[len] = '\0';
	return buf;
}

/* One object's counters on a line, in the order greway sent them. */
static void
print_counters(const char *kind, const json_t *o)
{
	const char *key;
	json_t *v;

	printf("%s %s", kind, json_string_value(json_object_get(o, "name")));
	json_object_foreach((json_t *)o, key, v)
		if (json_is_integer(v))
			printf(" %s %" JSON_INTEGER_FORMAT, key, json_integer_value(v));
	printf("\n");
}

/* Counters as greway prints them on SIGUSR1: one object per line. */
static void
print_stats(const json_t *r)
{
	const char *name;
	json_t *o, *v;
	size_t i;

	json_array_foreach(json_object_get(r, "ports"), i, o)
		print_counters("port", o);
	json_array_foreach(json_object_get(r, "tunnels"), i, o)
		print_counters("tunnel", o);
	json_object_foreach(json_object_get(r, "drops"), name, v)
		printf("drop %s %" JSON_INTEGER_FORMAT "\n", name, json_integer_value(v));
}

int
main(int argc, char **argv)
{
	const char *path = DEFAULT_SOCKET;
	struct gw_error err = { 0 };
	json_t *req, *mp, *reply, *e, *result;
	bool as_json = false;
	struct gw_cmd cmd;
	char *line, *out;
	int c, rc;

	while ((c = getopt(argc, argv, "+s:jh")) != -1) {
		switch (c) {
		case 's':
			path = optarg;
			break;
		case 'j':
			as_json = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 1 && strcmp(argv[0], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (argc == 1 && strcmp(argv[0], "version") == 0) {
		req = json_pack("{s:s, s:i, s:s}", "jsonrpc", "2.0", "id", 1, "method", "version");
	} else {
		if (gw_cmd_parse(argc, argv, &cmd, &err) < 0) {
			fprintf(stderr, "Error: %s\n", err.msg);
			return 1;
		}
		mp = gw_cmd_to_json(&cmd);
		if (mp == NULL) {
			fprintf(stderr, "Error: out of memory\n");
			return 1;
		}
		req = json_pack("{s:s, s:i, s:O, s:O}", "jsonrpc", "2.0", "id", 1, "method",
				json_object_get(mp, "method"), "params",
				json_object_get(mp, "params"));
		json_decref(mp);
	}
	line = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	if (line == NULL)
		return 1;
	out = malloc(strlen(line) + 2);
	sprintf(out, "%s\n", line);
	free(line);
	line = call(path, out);
	free(out);
	if (line == NULL) {
		fprintf(stderr, "grewayctl: cannot reach greway at %s: %s\n", path, strerror(errno));
		return 2;
	}
	reply = json_loads(line, JSON_DISABLE_EOF_CHECK, NULL);
	free(line);
	if (reply == NULL) {
		fprintf(stderr, "grewayctl: greway at %s sent a reply that is not JSON\n", path);
		return 2;
	}
	e = json_object_get(reply, "error");
	result = json_object_get(reply, "result");
	rc = 0;
	if (e != NULL) {
		fprintf(stderr, "Error: %s\n", json_string_value(json_object_get(e, "message")));
		rc = 1;
	} else if (as_json) {
		line = json_dumps(result, JSON_COMPACT);
		printf("%s\n", line);
		free(line);
	} else if (json_object_get(result, "version") != NULL) {
		printf("greway %s\n", json_string_value(json_object_get(result, "version")));
	} else if (json_object_get(result, "drops") != NULL) {
		print_stats(result);
	}
	json_decref(reply);
	return rc;
}
