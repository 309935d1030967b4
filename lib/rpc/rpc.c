/* SPDX-License-Identifier: BSD-3-Clause
 *
 * JSON-RPC 2.0 framing: one request per line in, checked member by member
 * before anything reads it (size, JSON, UTF-8, depth, then the members of
 * the envelope), and one compact response per line out. Every rejection is
 * one line naming what was wrong, with the JSON-RPC error code to send.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gw_rpc.h"

/* Whether v nests deeper than max levels (v itself is level 1); stops at max + 1. */
static bool
too_deep(json_t *v, int max)
{
	const char *key;
	json_t *child;
	size_t i;

	if (!json_is_object(v) && !json_is_array(v))
		return false;
	if (max <= 0)
		return true;
	if (json_is_object(v)) {
		json_object_foreach(v, key, child)
			if (too_deep(child, max - 1))
				return true;
	} else {
		json_array_foreach(v, i, child)
			if (too_deep(child, max - 1))
				return true;
	}
	return false;
}

static int
invalid(struct gw_error *err, const char *what)
{
	return gw_error_set(err, GW_RPC_INVALID_REQUEST, "invalid request: %s", what);
}

int
gw_rpc_request_parse(const char *line, size_t len, struct gw_rpc_request *req,
		     struct gw_error *err)
{
	json_t *root, *v, *id;
	json_error_t jerr;
	const char *key;

	memset(req, 0, sizeof(*req));
	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len > GW_RPC_LINE_MAX)
		return gw_error_set(err, GW_RPC_INVALID_REQUEST,
				    "invalid request: longer than %d bytes", GW_RPC_LINE_MAX);
	root = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	if (root == NULL)
		return gw_error_set(err, GW_RPC_PARSE_ERROR, "parse error at column %d: %s",
				    jerr.column, jerr.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return invalid(err, "not a JSON object");
	}

	/* The id first, so that an error response can carry it. */
	id = json_object_get(root, "id");
	if (id != NULL && !json_is_string(id) && !json_is_integer(id) && !json_is_null(id)) {
		json_decref(root);
		return invalid(err, "member \"id\" must be a string, an integer or null");
	}
	req->id = json_incref(id);

	json_object_foreach(root, key, v) {
		if (strcmp(key, "jsonrpc") != 0 && strcmp(key, "method") != 0 &&
		    strcmp(key, "params") != 0 && strcmp(key, "id") != 0) {
			gw_error_set(err, GW_RPC_INVALID_REQUEST,
				     "invalid request: unknown member \"%s\" (jsonrpc, method, params, id)",
				     key);
			goto fail;
		}
	}
	v = json_object_get(root, "jsonrpc");
	if (v == NULL) {
		invalid(err, "missing member \"jsonrpc\"");
		goto fail;
	}
	if (!json_is_string(v) || strcmp(json_string_value(v), "2.0") != 0) {
		invalid(err, "member \"jsonrpc\" must be \"2.0\"");
		goto fail;
	}
	v = json_object_get(root, "method");
	if (v == NULL) {
		invalid(err, "missing member \"method\"");
		goto fail;
	}
	if (!json_is_string(v)) {
		invalid(err, "member \"method\" must be a string");
		goto fail;
	}
	req->method = json_string_value(v);
	v = json_object_get(root, "params");
	if (v != NULL && !json_is_object(v)) {
		invalid(err, "member \"params\" must be an object");
		goto fail;
	}
	req->params = v;
	if (too_deep(root, GW_RPC_DEPTH_MAX)) {
		gw_error_set(err, GW_RPC_INVALID_REQUEST,
			     "invalid request: nested deeper than %d levels", GW_RPC_DEPTH_MAX);
		goto fail;
	}
	req->root = root;
	req->notification = id == NULL;
	return 0;
fail:
	json_decref(root);
	req->method = NULL;
	req->params = NULL;
	return err != NULL ? err->code : GW_RPC_INVALID_REQUEST;
}

void
gw_rpc_request_free(struct gw_rpc_request *req)
{
	if (req == NULL)
		return;
	json_decref(req->id);
	json_decref(req->root);
	memset(req, 0, sizeof(*req));
}

/* Dump {"jsonrpc": "2.0", name: value, "id": id} on one line; steals value. */
static char *
response(json_t *id, const char *name, json_t *value)
{
	json_t *o = json_object();
	char *s = NULL;

	if (o == NULL || value == NULL)
		goto out;
	if (json_object_set_new(o, "jsonrpc", json_string("2.0")) < 0 ||
	    json_object_set(o, name, value) < 0 ||
	    json_object_set_new(o, "id", id != NULL ? json_incref(id) : json_null()) < 0)
		goto out;
	/* compact; strings are escaped, so no newline can appear inside */
	s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
out:
	json_decref(value);
	json_decref(o);
	return s;
}

char *
gw_rpc_response_ok(json_t *id, json_t *result)
{
	return response(id, "result", result != NULL ? json_incref(result) : json_null());
}

char *
gw_rpc_response_error(json_t *id, int code, const char *msg)
{
	json_t *m = json_string(msg != NULL ? msg : "");
	char *ascii, *p;

	if (m == NULL && msg != NULL) {
		/* not UTF-8 (a message cut inside a character): keep its ASCII */
		ascii = strdup(msg);
		if (ascii == NULL)
			return NULL;
		for (p = ascii; *p != '\0'; p++)
			if ((unsigned char)*p >= 0x80)
				*p = '?';
		m = json_string(ascii);
		free(ascii);
	}
	if (m == NULL)
		return NULL;
	return response(id, "error", json_pack("{s:i, s:o}", "code", code, "message", m));
}

int
gw_rpc_code_of(int rc)
{
	return rc == -ENOENT ? GW_RPC_METHOD_NOT_FOUND : GW_RPC_INVALID_PARAMS;
}
