/* SPDX-License-Identifier: BSD-3-Clause
 *
 * grewayctl: iproute2's words in, one JSON-RPC request to greway's control
 * socket out, the reply printed (print.c) or, with -j, its result as JSON.
 * The words are parsed by lib/cmd, the same parser the daemon runs its
 * startup file through, so a line that works in one works in the other;
 * save and version have no words to parse and are sent as they are.
 * Exit status: 0 done, 1 refused (one line naming the word), 2 greway not
 * reachable or not answering (the line names the socket).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "grewayctl.h"
#include "gw_cmd.h"
#include "gw_rpc.h"

#define REPLY_MAX (256u << 20) /* a reply longer than this is not greway's */

/* What went wrong talking to greway; errno says more for CALL_UNREACHABLE. */
enum call_fail {
	CALL_UNREACHABLE, /* no socket, no permission, connection refused */
	CALL_TIMEOUT,     /* connected, but no whole answer in time */
	CALL_CLOSED,      /* greway closed the connection without answering */
	CALL_NOMEM,
};

/* Print one line on stderr and return the exit status to go with it. */
static int __attribute__((format(printf, 2, 3)))
fail(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return status;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Bound every blocking call on fd by what is left until deadline. */
static void
set_timeouts(int fd, double deadline)
{
	double left = deadline - now();
	struct timeval tv;

	if (left < 0.001)
		left = 0.001; /* 0 would mean "wait forever" */
	tv.tv_sec = (time_t)left;
	tv.tv_usec = (suseconds_t)((left - tv.tv_sec) * 1e6);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* Read up to the first newline before deadline; NULL with *why set otherwise. */
static char *
read_line(int fd, double deadline, enum call_fail *why)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap), *b;
	ssize_t n;

	while (buf != NULL) {
		if (len + 1 == cap) {
			b = cap * 2 <= REPLY_MAX ? realloc(buf, cap * 2) : NULL;
			if (b == NULL)
				break;
			buf = b;
			cap *= 2;
		}
		set_timeouts(fd, deadline);
		n = recv(fd, buf + len, cap - 1 - len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			*why = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) ? CALL_TIMEOUT :
										    CALL_CLOSED;
			free(buf);
			return NULL;
		}
		len += n;
		if (memchr(buf + len - n, '\n', n) != NULL) {
			buf[len] = '\0';
			return buf;
		}
	}
	*why = CALL_NOMEM;
	free(buf);
	return NULL;
}

/*
 * Send one line, read one line back within timeout_s seconds. NULL with
 * *why set when greway could not be asked; a hung greway cannot hang us.
 */
static char *
call(const char *path, const char *line, unsigned int timeout_s, enum call_fail *why)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	double deadline = now() + timeout_s;
	size_t sent = 0, want = strlen(line);
	char *reply;
	ssize_t n;
	int fd, saved;

	*why = CALL_UNREACHABLE;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	set_timeouts(fd, deadline); /* a full listen backlog blocks connect() too */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		saved = errno;
		if (saved == EAGAIN || saved == EWOULDBLOCK)
			*why = CALL_TIMEOUT;
		close(fd);
		errno = saved;
		return NULL;
	}
	while (sent < want) {
		set_timeouts(fd, deadline);
		n = send(fd, line + sent, want - sent, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EPIPE)
			break; /* greway closed first: what it said before (too many clients) is read */
		if (n < 0) {
			*why = errno == EAGAIN || errno == EWOULDBLOCK ? CALL_TIMEOUT : CALL_CLOSED;
			close(fd);
			return NULL;
		}
		sent += n;
	}
	reply = read_line(fd, deadline, why);
	close(fd);
	return reply;
}

/* Write all of text to fd. */
static int
write_all(int fd, const char *text, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, text, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		text += n;
		len -= n;
	}
	return 0;
}

/*
 * save FILE: write a temporary file next to FILE and rename it over FILE, so
 * a reader (greway -c at boot) sees the old file or the new one, never half.
 */
static int
save_file(const char *path, const char *config)
{
	size_t len = strlen(config);
	mode_t mask;
	char *tmp;
	int fd, rc = -1, saved;

	if (asprintf(&tmp, "%s.XXXXXX", path) < 0)
		return -1;
	fd = mkstemp(tmp);
	if (fd < 0) {
		saved = errno;
		free(tmp);
		errno = saved;
		return -1;
	}
	mask = umask(0); /* mkstemp makes 0600; give the mode a new file would get */
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) == 0 && write_all(fd, config, len) == 0 &&
	    (len == 0 || config[len - 1] == '\n' || write_all(fd, "\n", 1) == 0) &&
	    fsync(fd) == 0)
		rc = 0;
	saved = errno;
	if (close(fd) < 0 && rc == 0) {
		saved = errno;
		rc = -1;
	}
	if (rc == 0 && rename(tmp, path) < 0) {
		saved = errno;
		rc = -1;
	}
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	errno = saved;
	return rc;
}

/* One line on stderr, whatever the daemon's message holds. */
static void
print_error(const char *msg)
{
	const char *p;

	fputs("Error: ", stderr);
	for (p = msg; *p != '\0'; p++)
		fputc(*p == '\n' || *p == '\r' ? ' ' : *p, stderr);
	fputc('\n', stderr);
}

/* The request for argv, or NULL after printing why (exit 1). */
static json_t *
build_request(int argc, char **argv, const char **file)
{
	struct gw_error err = { 0 };
	struct gw_cmd cmd;
	json_t *mp, *req;

	if (strcmp(argv[0], "version") == 0 || strcmp(argv[0], "save") == 0) {
		int words = strcmp(argv[0], "save") == 0 ? 2 : 1; /* save [FILE] */

		if (argc > words) {
			fail(CTL_EXIT_REFUSED, "Error: unexpected \"%s\" after %s", argv[words],
			     argv[0]);
			return NULL;
		}
		*file = argc == 2 ? argv[1] : NULL;
		return json_pack("{s:s, s:i, s:s}", "jsonrpc", "2.0", "id", 1, "method", argv[0]);
	}
	if (gw_cmd_parse(argc, argv, &cmd, &err) < 0) {
		print_error(err.msg);
		return NULL;
	}
	mp = gw_cmd_to_json(&cmd);
	if (mp == NULL) {
		print_error("out of memory");
		return NULL;
	}
	req = json_pack("{s:s, s:i, s:O, s:O}", "jsonrpc", "2.0", "id", 1, "method",
			json_object_get(mp, "method"), "params", json_object_get(mp, "params"));
	json_decref(mp);
	return req;
}

/* Exit 2 with one line naming the socket and what happened there. */
static int
unreachable(const char *path, enum call_fail why, unsigned int timeout_s)
{
	const char *what = "sent an answer too long to read";

	if (why == CALL_UNREACHABLE)
		return fail(CTL_EXIT_UNREACHABLE, "grewayctl: cannot reach greway at %s: %s", path,
			    strerror(errno));
	if (why == CALL_TIMEOUT)
		return fail(CTL_EXIT_UNREACHABLE,
			    "grewayctl: greway at %s did not answer within %u s", path, timeout_s);
	if (why == CALL_CLOSED)
		what = "closed the connection without answering";
	return fail(CTL_EXIT_UNREACHABLE, "grewayctl: greway at %s %s", path, what);
}

/* Ask greway and print its answer; returns the exit status. */
static int
run(const char *path, unsigned int timeout_s, bool as_json, json_t *req, const char *file)
{
	const char *method = json_string_value(json_object_get(req, "method"));
	json_t *reply, *e, *result;
	enum call_fail why;
	char *line, *text;
	int rc = CTL_EXIT_OK;

	text = json_dumps(req, JSON_COMPACT);
	if (text == NULL || asprintf(&line, "%s\n", text) < 0) {
		free(text);
		return fail(CTL_EXIT_REFUSED, "Error: out of memory");
	}
	free(text);
	text = call(path, line, timeout_s, &why);
	free(line);
	if (text == NULL)
		return unreachable(path, why, timeout_s);
	reply = json_loads(text, JSON_DISABLE_EOF_CHECK, NULL);
	free(text);
	e = json_object_get(reply, "error");
	result = json_object_get(reply, "result");
	if (e == NULL && result == NULL) {
		json_decref(reply);
		return fail(CTL_EXIT_UNREACHABLE,
			    "grewayctl: greway at %s sent an answer that is not JSON-RPC", path);
	}
	if (e != NULL) {
		const char *msg = json_string_value(json_object_get(e, "message"));

		print_error(msg != NULL ? msg : "greway refused the command without saying why");
		rc = CTL_EXIT_REFUSED;
	} else if (file != NULL) {
		const char *config = json_string_value(json_object_get(result, "config"));

		if (config == NULL)
			rc = fail(CTL_EXIT_REFUSED, "Error: greway's save answer has no config");
		else if (save_file(file, config) < 0)
			rc = fail(CTL_EXIT_REFUSED, "Error: cannot write \"%s\": %s", file,
				  strerror(errno));
	} else if (!ctl_method_prints(method)) {
		/* a change: nothing to say, as ip */
	} else if (as_json) {
		text = json_dumps(result, JSON_COMPACT | JSON_ENCODE_ANY);
		if (text != NULL)
			printf("%s\n", text);
		free(text);
	} else {
		ctl_print(method, result);
	}
	json_decref(reply);
	if (fflush(stdout) != 0 && rc == CTL_EXIT_OK)
		rc = fail(CTL_EXIT_REFUSED, "Error: cannot write the output: %s", strerror(errno));
	return rc;
}

/* -t SECONDS: 1..3600, digits only. */
static int
parse_timeout(const char *word, unsigned int *timeout_s)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(word, &end, 10);
	if (word[0] < '0' || word[0] > '9' || *end != '\0' || errno != 0 || v < 1 || v > 3600)
		return -1;
	*timeout_s = v;
	return 0;
}

/* getopt refused an option: say which, on one line. */
static int
bad_option(const char *word)
{
	if (optopt != 0 && strchr("st", optopt) != NULL)
		return fail(CTL_EXIT_REFUSED, "Error: option \"-%c\" needs a value", optopt);
	if (optopt != 0)
		return fail(CTL_EXIT_REFUSED, "Error: unknown option \"-%c\" (%s)", optopt,
			    "grewayctl help lists them");
	return fail(CTL_EXIT_REFUSED, "Error: unknown option \"%s\" (%s)", word,
		    "grewayctl help lists them");
}

static const struct option long_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int
main(int argc, char **argv)
{
	const char *path = CTL_SOCKET_DEFAULT, *file = NULL;
	unsigned int timeout_s = CTL_TIMEOUT_DEFAULT;
	bool as_json = false;
	json_t *req;
	int c, rc;

	opterr = 0; /* our own one-line errors */
	while ((c = getopt_long(argc, argv, "+s:jt:h", long_options, NULL)) != -1) {
		switch (c) {
		case 's':
			path = optarg;
			break;
		case 'j':
			as_json = true;
			break;
		case 't':
			if (parse_timeout(optarg, &timeout_s) < 0)
				return fail(CTL_EXIT_REFUSED, "Error: invalid timeout \"%s\": %s",
					    optarg, "expected 1..3600 seconds");
			break;
		case 'h':
			ctl_usage(stdout);
			return CTL_EXIT_OK;
		default:
			return bad_option(argv[optind - 1]);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		return fail(CTL_EXIT_REFUSED, "Error: no command given (%s)",
			    "grewayctl help lists them");
	/* help, help OBJECT, and OBJECT help as ip link help */
	if (strcmp(argv[0], "help") == 0 || (argc == 2 && strcmp(argv[1], "help") == 0)) {
		const char *object = NULL;

		if (strcmp(argv[0], "help") != 0)
			object = argv[0];
		else if (argc == 2)
			object = argv[1];
		if (argc > 2)
			return fail(CTL_EXIT_REFUSED, "Error: unexpected \"%s\" after help %s",
				    argv[2], argv[1]);
		if (object == NULL) {
			ctl_usage(stdout);
			return CTL_EXIT_OK;
		}
		if (ctl_help(object) < 0)
			return fail(CTL_EXIT_REFUSED, "Error: no help for \"%s\" (%s)", object,
				    CTL_HELP_OBJECTS);
		return CTL_EXIT_OK;
	}
	req = build_request(argc, argv, &file);
	if (req == NULL)
		return CTL_EXIT_REFUSED;
	rc = run(path, timeout_s, as_json, req, file);
	json_decref(req);
	return rc;
}
