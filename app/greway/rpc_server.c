/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The control socket: JSON-RPC 2.0, one object per line, on a Unix stream
 * socket served by the control thread. Whoever may connect may reconfigure
 * the gateway, so the socket is created mode 0660 (group: --socket-group)
 * in a directory of mode 0750 (made if missing), and greway refuses a path
 * someone else could have prepared: a symlink, a file that is not a socket
 * or is not ours, a directory not ours (nor root's) or that others may write
 * to without the sticky bit. Requests become commands
 * through lib/rpc (the same words as the startup file) and reach the tables
 * through gw_apply(), so the socket, the startup file and grewayctl cannot
 * disagree. Sockets are non-blocking: a reply the client cannot take yet
 * waits in its queue while the others are served, and a client that takes
 * nothing for OUT_STALL_S seconds is dropped.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <jansson.h>
#include <rte_cycles.h>

#include "gw_apply.h"
#include "gw_app.h"
#include "gw_log.h"
#include "gw_rpc.h"
#include "gw_simd.h"
#include "gw_stats.h"

#define CLIENTS_MAX 16
#define APPLY_ERROR (-32000) /* JSON-RPC server-defined range: the change was refused */

#define OUT_MAX (64u << 20) /* replies queued for one client, at most */
#define OUT_STALL_S 10      /* a client that takes none of its reply this long is dropped */
#define BATCH_MAX 1024      /* requests of one client answered in one poll, at most */
#define BATCH_OUT_MAX (1u << 20) /* and no more once its replies queued reach this */

struct client {
	int fd;
	size_t len;                    /* bytes of request in buf */
	char *out;                     /* reply bytes not yet sent, NULL when none */
	size_t out_len, out_off;       /* its length, and how much was sent */
	uint64_t out_since;            /* TSC of the last progress sending it */
	char buf[GW_RPC_LINE_MAX + 2];
};

static int listen_fd = -1;
static struct client clients[CLIENTS_MAX];

static int
refuse(const char *path, const char *why)
{
	fprintf(stderr, "greway: control socket %s: %s: refusing to use it\n", path, why);
	return -EPERM;
}

/* Ours, or root's (trusted by whoever runs us). */
static bool
trusted_owner(uid_t uid)
{
	return uid == geteuid() || uid == 0;
}

/*
 * The socket's directory: made 0750 (and given the group) if missing; if
 * there, it must be a real directory, ours or root's, that nobody else may
 * write to unless its sticky bit keeps them off our names (/tmp).
 */
static int
socket_dir(const char *path, gid_t gid)
{
	char buf[sizeof(((struct sockaddr_un *)0)->sun_path)];
	const char *dir;
	struct stat st;

	snprintf(buf, sizeof(buf), "%s", path);
	dir = dirname(buf);
	if (mkdir(dir, 0750) == 0) {
		if (gid != (gid_t)-1 && chown(dir, (uid_t)-1, gid) < 0)
			return refuse(path, strerror(errno));
		return 0;
	}
	if (errno != EEXIST) {
		fprintf(stderr, "greway: cannot create the directory of %s: %s\n", path,
			strerror(errno));
		return -errno;
	}
	if (lstat(dir, &st) < 0)
		return refuse(path, strerror(errno));
	if (S_ISLNK(st.st_mode))
		return refuse(path, "its directory is a symbolic link");
	if (!S_ISDIR(st.st_mode))
		return refuse(path, "its directory is not a directory");
	if (!trusted_owner(st.st_uid))
		return refuse(path, "its directory belongs to another user");
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX))
		return refuse(path, "its directory is writable by others");
	return 0;
}

/* What is at the path already: nothing, or a stale socket of ours to remove. */
static int
socket_stale(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : refuse(path, strerror(errno));
	if (S_ISLNK(st.st_mode))
		return refuse(path, "it is a symbolic link");
	if (!S_ISSOCK(st.st_mode))
		return refuse(path, "it exists and is not a socket");
	if (!trusted_owner(st.st_uid))
		return refuse(path, "it belongs to another user");
	unlink(path); /* a stale socket of an earlier run */
	return 0;
}

int
gw_rpc_server_open(const char *path, gid_t gid)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	mode_t umask_was;
	int fd, i, rc;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "greway: -s %s: path too long\n", path);
		return -ENAMETOOLONG;
	}
	for (i = 0; i < CLIENTS_MAX; i++)
		clients[i].fd = -1;
	rc = socket_dir(path, gid);
	if (rc == 0)
		rc = socket_stale(path);
	if (rc < 0)
		return rc;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* born 0660: no moment when others may connect */
	umask_was = umask(0117);
	rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(umask_was);
	if (rc < 0 || chmod(path, 0660) < 0 ||
	    (gid != (gid_t)-1 && chown(path, (uid_t)-1, gid) < 0) || listen(fd, CLIENTS_MAX) < 0) {
		rc = -errno;
		fprintf(stderr, "greway: control socket %s: %s\n", path, strerror(errno));
		close(fd);
		return rc;
	}
	listen_fd = fd;
	return 0;
}

void
gw_rpc_server_close(const char *path)
{
	int i;

	for (i = 0; i < CLIENTS_MAX; i++)
		if (clients[i].fd >= 0)
			close(clients[i].fd);
	if (listen_fd >= 0) {
		close(listen_fd);
		unlink(path);
	}
	listen_fd = -1;
}

/* Methods that are not commands of the language: they take no params. */
static json_t *
call_special(const struct gw_rpc_request *req, struct gw_error *err, int *code)
{
	json_t *result = NULL;
	char *text;

	if (req->params != NULL && (!json_is_object(req->params) || json_object_size(req->params))) {
		*code = GW_RPC_INVALID_PARAMS;
		gw_error_set(err, -EINVAL, "%s takes no params", req->method);
		return NULL;
	}
	if (strcmp(req->method, "version") == 0)
		return json_pack("{s:s, s:s}", "version", GW_VERSION, "simd", gw_simd.name);
	text = gw_save_config();
	if (text != NULL)
		result = json_pack("{s:s}", "config", text);
	free(text);
	if (result == NULL) {
		*code = GW_RPC_INTERNAL_ERROR;
		gw_error_set(err, -ENOMEM, "out of memory");
	}
	return result;
}

/* One request line in, one response line out (NULL for a notification). */
static char *
handle(const char *line, size_t len)
{
	struct gw_error err = { 0 };
	struct gw_rpc_request req;
	struct gw_cmd cmd;
	json_t *result = NULL;
	int rc, code = APPLY_ERROR;
	char *out;

	memset(&req, 0, sizeof(req));
	rc = gw_rpc_request_parse(line, len, &req, &err);
	if (rc != 0) {
		out = gw_rpc_response_error(req.id, rc, err.msg);
		gw_rpc_request_free(&req);
		return out;
	}
	if (strcmp(req.method, "version") == 0 || strcmp(req.method, "save") == 0) {
		result = call_special(&req, &err, &code);
	} else {
		rc = gw_cmd_from_json(req.method, req.params, &cmd, &err);
		if (rc < 0) {
			out = gw_rpc_response_error(req.id, gw_rpc_code_of(rc), err.msg);
			goto done;
		}
		if (gw_cmd_is_show(cmd.op))
			result = gw_show_json(&cmd, &err);
		else if (cmd.op == GW_CMD_STATS_CLEAR)
			result = (gw_stats_clear(), json_object());
		else if (gw_apply(&cmd, &err) == 0)
			result = json_object(); /* staged: the poll commits before it replies */
	}
	if (result == NULL) {
		out = gw_rpc_response_error(req.id, code, err.msg);
		goto done;
	}
	out = gw_rpc_response_ok(req.id, result);
	json_decref(result);
done:
	if (req.notification) {
		free(out);
		out = NULL;
	}
	gw_rpc_request_free(&req);
	return out;
}

static void
client_drop(struct client *c)
{
	close(c->fd);
	free(c->out);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

/* Write what the socket takes now; false when the client is gone or stalled. */
static bool
client_flush(struct client *c)
{
	ssize_t n;

	while (c->out_off < c->out_len) {
		n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
			 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			/* a client that reads nothing for this long is hung: let it go */
			return rte_get_timer_cycles() - c->out_since <
			       OUT_STALL_S * rte_get_timer_hz();
		if (n <= 0)
			return false;
		c->out_off += n;
		c->out_since = rte_get_timer_cycles();
	}
	free(c->out);
	c->out = NULL;
	c->out_len = c->out_off = 0;
	return true;
}

/*
 * Queue a reply; the poll sends it once the changes of its batch are
 * committed. A large reply (tunnel show of thousands) goes out over several
 * polls; meanwhile the client's further requests wait in its socket, so a
 * client that never reads stalls only itself.
 */
static bool
client_queue(struct client *c, char *reply)
{
	size_t len = strlen(reply);
	char *out;

	reply[len] = '\n'; /* the NUL becomes the line's end; the reply is not a string anymore */
	if (c->out == NULL) {
		c->out = reply;
		c->out_len = len + 1;
		c->out_off = 0;
		c->out_since = rte_get_timer_cycles();
	} else {
		if (c->out_len + len + 1 > OUT_MAX) {
			free(reply);
			return false;
		}
		out = realloc(c->out, c->out_len + len + 1);
		if (out == NULL) {
			free(reply);
			return false;
		}
		memcpy(out + c->out_len, reply, len + 1);
		c->out = out;
		c->out_len += len + 1;
		free(reply);
	}
	return true;
}

static void
client_read(struct client *c)
{
	unsigned int batch;
	char *nl, *reply;
	size_t used;
	ssize_t n;

	n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len, MSG_DONTWAIT);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		client_drop(c);
		return;
	}
	if (n > 0)
		c->len += n; /* else nothing new: answer what was read before */
	/*
	 * Answer the lines read, a batch at most: the replies wait for the
	 * commit that ends the poll, so a client that sends many requests
	 * without waiting (a pipeline, a script) pays one grace period for all.
	 */
	for (batch = 0; batch < BATCH_MAX && c->out_len < BATCH_OUT_MAX &&
	     (nl = memchr(c->buf, '\n', c->len)) != NULL; batch++) {
		used = nl - c->buf + 1;
		reply = handle(c->buf, used - 1);
		memmove(c->buf, c->buf + used, c->len - used);
		c->len -= used;
		if (reply != NULL && !client_queue(c, reply)) {
			client_drop(c);
			return;
		}
	}
	if (c->len == sizeof(c->buf) - 1 && memchr(c->buf, '\n', c->len) == NULL) {
		/* no newline within the longest request: answer once, then hang up */
		reply = gw_rpc_response_error(NULL, GW_RPC_INVALID_REQUEST,
					      "request line longer than 65536 bytes");
		if (reply != NULL && client_queue(c, reply))
			client_flush(c);
		client_drop(c);
	}
}

void
gw_rpc_server_wait(unsigned int us)
{
	struct timespec ts = { .tv_sec = us / 1000000, .tv_nsec = (us % 1000000) * 1000L };
	struct pollfd pfd[CLIENTS_MAX + 1];
	unsigned int i, n = 0;

	if (listen_fd >= 0) {
		pfd[n].fd = listen_fd;
		pfd[n++].events = POLLIN;
	}
	for (i = 0; i < CLIENTS_MAX; i++) {
		if (clients[i].fd < 0)
			continue;
		if (clients[i].out == NULL && memchr(clients[i].buf, '\n', clients[i].len) != NULL)
			return; /* requests read before and not answered yet: no waiting */
		pfd[n].fd = clients[i].fd;
		pfd[n++].events = clients[i].out != NULL ? POLLOUT : POLLIN;
	}
	ppoll(pfd, n, &ts, NULL); /* n == 0: a plain sleep */
}

unsigned int
gw_rpc_server_poll(void)
{
	struct pollfd pfd[CLIENTS_MAX + 1];
	struct client *idx[CLIENTS_MAX];
	unsigned int i, n = 0, done = 0;
	int fd;

	if (listen_fd < 0)
		return 0;
	for (;;) {
		fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			break;
		for (i = 0; i < CLIENTS_MAX && clients[i].fd >= 0; i++)
			;
		if (i == CLIENTS_MAX) {
			/* full: one error line saying so (best effort), then the close */
			static const char full[] =
				"{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32000,"
				"\"message\":\"too many clients (" RTE_STR(CLIENTS_MAX)
				" connected): try again later\"}}\n";

			if (send(fd, full, sizeof(full) - 1, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
				GW_LOG(DEBUG, MAIN, "control socket: a client beyond %d: %s",
				       CLIENTS_MAX, strerror(errno));
			close(fd);
			continue;
		}
		clients[i].fd = fd;
		clients[i].len = 0;
		done++;
	}
	for (i = 0; i < CLIENTS_MAX; i++) {
		if (clients[i].fd < 0)
			continue;
		pfd[n].fd = clients[i].fd;
		/* while a reply waits, read no more requests from that client */
		pfd[n].events = clients[i].out != NULL ? POLLOUT : POLLIN;
		pfd[n].revents = 0;
		idx[n++] = &clients[i];
	}
	if (n == 0 || poll(pfd, n, 0) < 0)
		return done;
	for (i = 0; i < n; i++) {
		struct client *c = idx[i];

		if (c->out != NULL) {
			if (!client_flush(c))
				client_drop(c);
			else if (c->out == NULL && memchr(c->buf, '\n', c->len) != NULL)
				pfd[i].revents |= POLLIN; /* requests read before: answer them */
			else
				continue;
		}
		if (c->fd >= 0 && (pfd[i].revents & (POLLIN | POLLHUP | POLLERR))) {
			client_read(c);
			done++;
		}
	}
	/* every change of this poll's requests reaches the workers before any reply leaves */
	gw_tables_commit();
	for (i = 0; i < n; i++)
		if (idx[i]->fd >= 0 && idx[i]->out != NULL && !client_flush(idx[i]))
			client_drop(idx[i]);
	return done;
}
