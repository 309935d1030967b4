/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The control RPC without its socket: JSON-RPC 2.0 framing (one request per
 * line in, one response per line out) and the params of every method of the
 * command language, converted to and from struct gw_cmd.
 *
 * The params use iproute2's words as member names ("tunnel.add" takes name,
 * mode, local, remote, ikey, okey, ...), so a JSON request reads like the
 * grewayctl line it stands for; gw_cmd_from_json() checks them as strictly
 * as gw_cmd_parse() checks words (it reuses lib/cmd's helpers), and
 * gw_cmd_from_json(gw_cmd_to_json(c)) gives back c field for field. Free of
 * EAL; fuzzed by tests/fuzz/fuzz_rpc.c.
 */
#ifndef GW_RPC_H
#define GW_RPC_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "gw_cmd.h"
#include "gw_error.h"

#define GW_RPC_LINE_MAX (64 * 1024) /**< longest request line, newline excluded */
#define GW_RPC_DEPTH_MAX 32         /**< deepest nesting of a request (its object is 1) */

/** JSON-RPC 2.0 error codes. */
enum gw_rpc_code {
	GW_RPC_PARSE_ERROR = -32700,      /**< not JSON */
	GW_RPC_INVALID_REQUEST = -32600,  /**< JSON, but not a valid request */
	GW_RPC_METHOD_NOT_FOUND = -32601, /**< no such method */
	GW_RPC_INVALID_PARAMS = -32602,   /**< params rejected */
	GW_RPC_INTERNAL_ERROR = -32603,   /**< the server failed */
};

/** One request, as gw_rpc_request_parse() validated it. */
struct gw_rpc_request {
	json_t *root;       /**< the whole request (owned); NULL after a failure */
	const char *method; /**< "method", points into root */
	json_t *params;     /**< "params" object (borrowed from root), NULL when absent */
	json_t *id;         /**< "id" (own reference): string, integer or JSON null; NULL when absent */
	bool notification;  /**< no "id" member: no response is sent */
};

/**
 * Parse and validate one request line.
 *
 * The line is a JSON object with "jsonrpc": "2.0", "method" (a string),
 * optionally "params" (an object) and "id" (string, integer or null; without
 * it the request is a notification), and no other member. One trailing
 * "\n" or "\r\n" is allowed. Lines longer than GW_RPC_LINE_MAX, nesting
 * deeper than GW_RPC_DEPTH_MAX, invalid UTF-8 and duplicate members are
 * rejected.
 *
 * @param line
 *   The bytes of the line (need not be NUL-terminated).
 * @param len
 *   Their number.
 * @param req
 *   Filled on success. After a failure, req->id still holds the request's
 *   id when it was readable and valid (so the error response can carry it),
 *   NULL otherwise. Release with gw_rpc_request_free() in both cases.
 * @param err
 *   On failure: err->code is the JSON-RPC error code returned and err->msg
 *   one line naming the offending member.
 * @return
 *   0, or GW_RPC_PARSE_ERROR or GW_RPC_INVALID_REQUEST.
 */
int gw_rpc_request_parse(const char *line, size_t len, struct gw_rpc_request *req,
			 struct gw_error *err);

/**
 * Release what a request holds (NULL and a zeroed request are fine).
 *
 * @param req
 *   Request filled by gw_rpc_request_parse(); zeroed on return.
 */
void gw_rpc_request_free(struct gw_rpc_request *req);

/**
 * Format a success response.
 *
 * @param id
 *   The request's id (borrowed); NULL writes null.
 * @param result
 *   The result (borrowed); NULL writes null.
 * @return
 *   A malloc'd, NUL-terminated, compact one-line JSON object without a
 *   trailing newline (the caller frees it), or NULL when out of memory.
 */
char *gw_rpc_response_ok(json_t *id, json_t *result);

/**
 * Format an error response.
 *
 * @param id
 *   The request's id (borrowed); NULL writes null.
 * @param code
 *   JSON-RPC error code (enum gw_rpc_code).
 * @param msg
 *   One-line message.
 * @return
 *   A malloc'd one-line JSON object (the caller frees it), or NULL when out
 *   of memory.
 */
char *gw_rpc_response_error(json_t *id, int code, const char *msg);

/**
 * Convert a parsed command into its RPC method and params.
 *
 * @param cmd
 *   A command as gw_cmd_parse() or gw_cmd_from_json() produces it.
 * @return
 *   A new object {"method": "OBJECT.VERB", "params": {...}} (the caller
 *   owns the reference), or NULL when out of memory or cmd->op is unknown.
 *   Members are present exactly for the words given (the tunnel's "given"
 *   bits), a tunnel's options as gw_tunnel_conf_json() writes them:
 *   "remote": "any" for a wildcard remote; "ikey"/"okey" null for nokey;
 *   "ttl"/"tos" a number or "inherit"; flags true or false; "clamp-mss"
 *   "auto", "off" or a number.
 */
json_t *gw_cmd_to_json(const struct gw_cmd *cmd);

/**
 * Parse the params of a method into a command, strictly.
 *
 * Unknown members, members of the wrong type and values out of range are
 * rejected with a message naming the member; values are checked by the same
 * helpers as gw_cmd_parse() with the same limits.
 *
 * @param method
 *   Method name ("tunnel.add", ...).
 * @param params
 *   Its params object; NULL is the same as {}.
 * @param cmd
 *   Filled on success (zeroed first).
 * @param err
 *   On failure: one line naming the member.
 * @return
 *   0; -ENOENT for an unknown method (GW_RPC_METHOD_NOT_FOUND); -EINVAL,
 *   -ERANGE or -ENAMETOOLONG for bad params (GW_RPC_INVALID_PARAMS).
 */
int gw_cmd_from_json(const char *method, json_t *params, struct gw_cmd *cmd,
		     struct gw_error *err);

/**
 * The JSON-RPC error code for what gw_cmd_from_json() returned.
 *
 * @param rc
 *   Its negative return value.
 * @return
 *   GW_RPC_METHOD_NOT_FOUND for -ENOENT, GW_RPC_INVALID_PARAMS otherwise.
 */
int gw_rpc_code_of(int rc);

#endif /* GW_RPC_H */
