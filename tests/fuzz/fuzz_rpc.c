/* SPDX-License-Identifier: BSD-3-Clause
 *
 * libFuzzer harness of the control RPC without its socket (lib/rpc): the
 * input is one request line, framed by gw_rpc_request_parse(); when that
 * accepts it, its params go through gw_cmd_from_json(), and an accepted
 * command through gw_cmd_to_json() and back. The invariants are the
 * contract of gw_rpc.h: failures return a JSON-RPC code with one non-empty
 * line naming what was wrong; an accepted request has a method and a params
 * object or none; every response is one line of JSON that parses back;
 * an accepted command survives the round trip; nothing leaks (ASan).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "gw_rpc.h"

static void
check_line_error(const struct gw_error *err)
{
	CHECK(err->msg[0] != '\0');
	CHECK(memchr(err->msg, '\0', sizeof(err->msg)) != NULL);
	CHECK(strchr(err->msg, '\n') == NULL && strchr(err->msg, '\r') == NULL);
}

/* A response: one line that parses back as an object. */
static void
check_response(char *s)
{
	json_t *back;

	CHECK(s != NULL);
	CHECK(strchr(s, '\n') == NULL);
	back = json_loads(s, 0, NULL);
	CHECK(json_is_object(back));
	json_decref(back);
	free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gw_rpc_request req;
	struct gw_cmd cmd, back;
	struct gw_error err;
	json_t *j;
	int rc;

	memset(&err, 0, sizeof(err));
	rc = gw_rpc_request_parse((const char *)data, size, &req, &err);
	if (rc != 0) {
		CHECK(rc == GW_RPC_PARSE_ERROR || rc == GW_RPC_INVALID_REQUEST);
		CHECK(err.code == rc);
		CHECK(req.root == NULL && req.method == NULL && req.params == NULL);
		check_line_error(&err);
		check_response(gw_rpc_response_error(req.id, rc, err.msg));
		gw_rpc_request_free(&req);
		return 0;
	}
	CHECK(req.root != NULL && req.method != NULL);
	CHECK(req.params == NULL || json_is_object(req.params));
	CHECK(req.notification == (req.id == NULL));

	memset(&err, 0, sizeof(err));
	rc = gw_cmd_from_json(req.method, req.params, &cmd, &err);
	if (rc != 0) {
		CHECK(rc == -ENOENT || rc == -EINVAL || rc == -ERANGE || rc == -ENAMETOOLONG);
		CHECK(err.code == rc);
		check_line_error(&err);
		check_response(gw_rpc_response_error(req.id, gw_rpc_code_of(rc), err.msg));
	} else {
		CHECK(err.code == 0 && err.msg[0] == '\0');
		j = gw_cmd_to_json(&cmd);
		CHECK(j != NULL);
		CHECK(strcmp(json_string_value(json_object_get(j, "method")), req.method) == 0);
		CHECK(gw_cmd_from_json(req.method, json_object_get(j, "params"), &back, &err) == 0);
		CHECK(back.op == cmd.op);
		check_response(gw_rpc_response_ok(req.id, json_object_get(j, "params")));
		json_decref(j);
	}
	/* deterministic, and a NULL error record is allowed */
	CHECK(gw_cmd_from_json(req.method, req.params, &back, NULL) == rc);
	gw_rpc_request_free(&req);
	return 0;
}
