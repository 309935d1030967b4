/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Unit tests of the RPC without its socket (lib/rpc, gw_rpc.h): request
 * framing as one table of {line, expected JSON-RPC code, exact message},
 * invalid lines first, plus the limits built at run time (line size,
 * nesting depth); responses are one line and parse back; params: the round
 * trip gw_cmd_parse(L) -> gw_cmd_to_json -> text -> gw_cmd_from_json gives
 * back the same request field for field over a table of lines covering
 * every object and option, a few exact encodings, and the strict rejections
 * of gw_cmd_from_json() with their exact messages.
 */
#include <errno.h>
#include <sys/socket.h>

#include "gw_test.h"

#include "gw_cmd.h"
#include "gw_rpc.h"

/*
 * gw_rpc_request_parse
 */

struct req_case {
	const char *name;
	const char *line;
	int rc;            /* 0 or the JSON-RPC code */
	const char *msg;   /* exact error when rc != 0 */
	const char *method;
	const char *id;    /* when rc == 0: compact dump of the id, NULL for a notification */
	bool params;       /* when rc == 0: params present */
};

#define REQ(m) "{\"jsonrpc\":\"2.0\",\"method\":\"" m "\""
#define MEMBERS "(jsonrpc, method, params, id)"

static const struct req_case req_cases[] = {
	/* Not JSON. */
	{ "empty line", "", GW_RPC_PARSE_ERROR,
	  "parse error at column 0: unexpected token near end of file" },
	{ "not JSON", "hello", GW_RPC_PARSE_ERROR,
	  "parse error at column 5: invalid token near 'hello'" },
	{ "truncated", REQ("link.show"), GW_RPC_PARSE_ERROR,
	  "parse error at column 37: '}' expected near end of file" },
	{ "two objects", "{} {}", GW_RPC_PARSE_ERROR,
	  "parse error at column 4: end of file expected near '{'" },
	{ "invalid UTF-8 byte", REQ("\xff") "}", GW_RPC_PARSE_ERROR,
	  "parse error at column 27: unable to decode byte 0xff near '\"'" },
	{ "overlong UTF-8", REQ("\xc0\xaf") "}", GW_RPC_PARSE_ERROR,
	  "parse error at column 27: unable to decode byte 0xc0 near '\"'" },
	{ "duplicate member", REQ("a") ",\"method\":\"b\"}", GW_RPC_PARSE_ERROR,
	  "parse error at column 38: duplicate object key near '\"method\"'" },
	{ "escaped NUL in a string", REQ("a\\u0000b") "}", GW_RPC_PARSE_ERROR,
	  "parse error at column 36: \\u0000 is not allowed without JSON_ALLOW_NUL near "
	  "'\"a\\u0000b\"'" },
	/* JSON, but not a request. */
	{ "array instead of object", "[" REQ("link.show") "}]", GW_RPC_INVALID_REQUEST,
	  "invalid request: not a JSON object" },
	{ "a number", "1", GW_RPC_INVALID_REQUEST, "invalid request: not a JSON object" },
	{ "a string", "\"link.show\"", GW_RPC_INVALID_REQUEST,
	  "invalid request: not a JSON object" },
	{ "empty object", "{}", GW_RPC_INVALID_REQUEST,
	  "invalid request: missing member \"jsonrpc\"" },
	{ "missing jsonrpc", "{\"method\":\"link.show\",\"id\":1}", GW_RPC_INVALID_REQUEST,
	  "invalid request: missing member \"jsonrpc\"" },
	{ "jsonrpc 1.0", "{\"jsonrpc\":\"1.0\",\"method\":\"link.show\"}", GW_RPC_INVALID_REQUEST,
	  "invalid request: member \"jsonrpc\" must be \"2.0\"" },
	{ "jsonrpc a number", "{\"jsonrpc\":2.0,\"method\":\"link.show\"}", GW_RPC_INVALID_REQUEST,
	  "invalid request: member \"jsonrpc\" must be \"2.0\"" },
	{ "missing method", "{\"jsonrpc\":\"2.0\",\"id\":1}", GW_RPC_INVALID_REQUEST,
	  "invalid request: missing member \"method\"" },
	{ "method a number", "{\"jsonrpc\":\"2.0\",\"method\":7}", GW_RPC_INVALID_REQUEST,
	  "invalid request: member \"method\" must be a string" },
	{ "method null", "{\"jsonrpc\":\"2.0\",\"method\":null}", GW_RPC_INVALID_REQUEST,
	  "invalid request: member \"method\" must be a string" },
	{ "params an array", REQ("link.show") ",\"params\":[\"port0\"]}", GW_RPC_INVALID_REQUEST,
	  "invalid request: member \"params\" must be an object" },
	{ "params null", REQ("link.show") ",\"params\":null}", GW_RPC_INVALID_REQUEST,
	  "invalid request: member \"params\" must be an object" },
	{ "unknown member", REQ("link.show") ",\"verbose\":true}", GW_RPC_INVALID_REQUEST,
	  "invalid request: unknown member \"verbose\" " MEMBERS },
	{ "id an object", REQ("link.show") ",\"id\":{\"n\":1}}", GW_RPC_INVALID_REQUEST,
	  "invalid request: member \"id\" must be a string, an integer or null" },
	{ "id an array", REQ("link.show") ",\"id\":[1]}", GW_RPC_INVALID_REQUEST,
	  "invalid request: member \"id\" must be a string, an integer or null" },
	{ "id a fraction", REQ("link.show") ",\"id\":1.5}", GW_RPC_INVALID_REQUEST,
	  "invalid request: member \"id\" must be a string, an integer or null" },
	{ "id a boolean", REQ("link.show") ",\"id\":true}", GW_RPC_INVALID_REQUEST,
	  "invalid request: member \"id\" must be a string, an integer or null" },
	/* Valid. */
	{ "notification", REQ("stats.clear") "}", 0, NULL, "stats.clear", NULL, false },
	{ "integer id", REQ("link.show") ",\"id\":7}", 0, NULL, "link.show", "7", false },
	{ "string id", REQ("link.show") ",\"id\":\"a-1\"}", 0, NULL, "link.show", "\"a-1\"",
	  false },
	{ "null id", REQ("link.show") ",\"id\":null}", 0, NULL, "link.show", "null", false },
	{ "params and id", REQ("tunnel.show") ",\"params\":{\"name\":\"gre1\"},\"id\":-3}", 0,
	  NULL, "tunnel.show", "-3", true },
	{ "empty params", "{\"id\":1,\"params\":{},\"method\":\"addr.show\",\"jsonrpc\":\"2.0\"}",
	  0, NULL, "addr.show", "1", true },
	{ "trailing LF", REQ("link.show") ",\"id\":1}\n", 0, NULL, "link.show", "1", false },
	{ "trailing CRLF", REQ("link.show") ",\"id\":1}\r\n", 0, NULL, "link.show", "1", false },
	{ "blanks around", "  " REQ("link.show") " , \"id\" : 1 }  ", 0, NULL, "link.show", "1",
	  false },
	{ "unknown method is framing-valid", REQ("frob") ",\"id\":2}", 0, NULL, "frob", "2",
	  false },
	{ "UTF-8 method", REQ("caf\xc3\xa9") "}", 0, NULL, "caf\xc3\xa9", NULL, false },
};

static void
check_req(const char *line, size_t len, int rc, const char *msg, const char *method,
	  const char *id, bool params)
{
	struct gw_rpc_request req;
	struct gw_error err = { 0 };
	char *s;

	assert_int_equal(gw_rpc_request_parse(line, len, &req, &err), rc);
	if (rc != 0) {
		assert_int_equal(err.code, rc);
		assert_string_equal(err.msg, msg);
		assert_null(req.root);
		gw_rpc_request_free(&req);
		return;
	}
	assert_int_equal(err.code, 0);
	assert_non_null(req.root);
	assert_string_equal(req.method, method);
	assert_int_equal(req.params != NULL, params);
	assert_int_equal(req.notification, id == NULL);
	if (id == NULL) {
		assert_null(req.id);
	} else {
		s = json_dumps(req.id, JSON_ENCODE_ANY | JSON_COMPACT);
		assert_non_null(s);
		assert_string_equal(s, id);
		free(s);
	}
	gw_rpc_request_free(&req);
	assert_null(req.root);
}

static void
test_req_row(void **state)
{
	const struct req_case *c = *state;

	check_req(c->line, strlen(c->line), c->rc, c->msg, c->method, c->id, c->params);
}

/* After an invalid request, a valid id is kept for the error response. */
static void
test_req_keeps_id(void **state)
{
	static const char line[] = "{\"jsonrpc\":\"1.0\",\"method\":\"x\",\"id\":42}";
	struct gw_rpc_request req;
	struct gw_error err;

	(void)state;
	assert_int_equal(gw_rpc_request_parse(line, strlen(line), &req, &err),
			 GW_RPC_INVALID_REQUEST);
	assert_true(json_is_integer(req.id));
	assert_int_equal(json_integer_value(req.id), 42);
	gw_rpc_request_free(&req);
	assert_int_equal(gw_rpc_request_parse(line, strlen(line), &req, NULL),
			 GW_RPC_INVALID_REQUEST);
	gw_rpc_request_free(&req);
}

/* The length is what counts: a NUL byte inside the line is not its end. */
static void
test_req_nul_byte(void **state)
{
	static const char line[] = "{\"jsonrpc\":\"2.0\",\"method\":\"x\"}\0garbage";
	struct gw_rpc_request req;
	struct gw_error err;

	(void)state;
	assert_int_equal(gw_rpc_request_parse(line, sizeof(line) - 1, &req, &err),
			 GW_RPC_PARSE_ERROR);
	gw_rpc_request_free(&req);
}

/* A request of exactly len bytes: params {"pad": "xxx..."} (len >= 64). */
static char *
sized_request(size_t len)
{
	static const char head[] = REQ("link.show") ",\"params\":{\"pad\":\"";
	static const char tail[] = "\"}}";
	char *s = malloc(len + 1);

	assert_non_null(s);
	memcpy(s, head, strlen(head));
	memset(s + strlen(head), 'x', len - strlen(head) - strlen(tail));
	memcpy(s + len - strlen(tail), tail, strlen(tail) + 1);
	return s;
}

static void
test_req_size(void **state)
{
	size_t len = *(const size_t *)*state;
	char *s = sized_request(len);

	if (len <= GW_RPC_LINE_MAX)
		check_req(s, len, 0, NULL, "link.show", NULL, true);
	else
		check_req(s, len, GW_RPC_INVALID_REQUEST,
			  "invalid request: longer than 65536 bytes", NULL, NULL, false);
	free(s);
}

/* The request object is level 1, params level 2, then depth - 2 nested arrays. */
static void
test_req_depth(void **state)
{
	int depth = *(const int *)*state, i, n = depth - 2;
	char line[512];
	size_t p;

	p = (size_t)snprintf(line, sizeof(line), "%s", REQ("link.show") ",\"params\":{\"a\":");
	for (i = 0; i < n; i++)
		line[p++] = '[';
	for (i = 0; i < n; i++)
		line[p++] = ']';
	line[p] = '\0';
	strcat(line, "}}");
	if (n == 0) /* params: {"a": 0} */
		snprintf(line, sizeof(line), "%s", REQ("link.show") ",\"params\":{\"a\":0}}");
	if (depth <= GW_RPC_DEPTH_MAX)
		check_req(line, strlen(line), 0, NULL, "link.show", NULL, true);
	else
		check_req(line, strlen(line), GW_RPC_INVALID_REQUEST,
			  "invalid request: nested deeper than 32 levels", NULL, NULL, false);
}

/*
 * Responses
 */

struct resp_case {
	const char *name;
	const char *id;     /* JSON text of the id, NULL for none */
	const char *result; /* JSON text of the result, NULL for none; unused for errors */
	int code;           /* 0: success response */
	const char *msg;
	const char *exp;    /* exact line */
};

static const struct resp_case resp_cases[] = {
	{ "ok, integer id", "7", "{\"a\":[1,2]}", 0, NULL,
	  "{\"jsonrpc\":\"2.0\",\"result\":{\"a\":[1,2]},\"id\":7}" },
	{ "ok, string id", "\"x\"", "true", 0, NULL,
	  "{\"jsonrpc\":\"2.0\",\"result\":true,\"id\":\"x\"}" },
	{ "ok, no id, no result", NULL, NULL, 0, NULL,
	  "{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":null}" },
	{ "ok, nested result with newlines in strings", "1", "{\"s\":\"a\\nb\",\"o\":{\"k\":[]}}",
	  0, NULL, "{\"jsonrpc\":\"2.0\",\"result\":{\"s\":\"a\\nb\",\"o\":{\"k\":[]}},\"id\":1}" },
	{ "error, integer id", "3", NULL, GW_RPC_INVALID_PARAMS, "invalid mtu \"1\": expected 68..65535",
	  "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32602,\"message\":"
	  "\"invalid mtu \\\"1\\\": expected 68..65535\"},\"id\":3}" },
	{ "error, null id", "null", NULL, GW_RPC_PARSE_ERROR, "parse error",
	  "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,\"message\":\"parse error\"},\"id\":null}" },
	{ "error, no id, newline in message", NULL, NULL, GW_RPC_METHOD_NOT_FOUND, "a\nb",
	  "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32601,\"message\":\"a\\nb\"},\"id\":null}" },
	{ "error, non-ASCII message", "1", NULL, GW_RPC_INVALID_PARAMS, "caf\xc3\xa9",
	  "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32602,\"message\":\"caf\\u00E9\"},\"id\":1}" },
	{ "error, message cut inside a character", "1", NULL, GW_RPC_INVALID_PARAMS, "caf\xc3",
	  "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32602,\"message\":\"caf?\"},\"id\":1}" },
};

static json_t *
load_any(const char *text)
{
	json_t *v;

	if (text == NULL)
		return NULL;
	v = json_loads(text, JSON_DECODE_ANY, NULL);
	assert_non_null(v);
	return v;
}

static void
test_resp_row(void **state)
{
	const struct resp_case *c = *state;
	json_t *id = load_any(c->id), *result = load_any(c->result), *back;
	struct gw_rpc_request req;
	struct gw_error err;
	char *s;

	s = c->code == 0 ? gw_rpc_response_ok(id, result) : gw_rpc_response_error(id, c->code, c->msg);
	assert_non_null(s);
	assert_string_equal(s, c->exp);
	assert_null(strchr(s, '\n'));
	/* parses back, and is not taken for a request */
	back = json_loads(s, 0, NULL);
	assert_non_null(back);
	assert_int_equal(gw_rpc_request_parse(s, strlen(s), &req, &err), GW_RPC_INVALID_REQUEST);
	gw_rpc_request_free(&req);
	/* the caller's references are borrowed, not stolen */
	if (json_is_object(id) || json_is_string(id) || json_is_integer(id))
		assert_int_equal(id->refcount, 1);
	if (json_is_object(result))
		assert_int_equal(result->refcount, 1);
	json_decref(back);
	json_decref(id);
	json_decref(result);
	free(s);
}

/*
 * Params: round trip over the command language
 */

static const char *const rt_lines[] = {
	"link show",
	"link show port0",
	"link set port0 up",
	"link set port0 down",
	"link set port0 name wan",
	"link set wan address 02:00:00:00:00:01 mtu 9000 up",
	"link set port1 mtu 68",
	"addr show",
	"addr add 192.0.2.1/24 dev port0",
	"addr add 2001:db8::1/64 dev wan",
	"addr del 10.0.0.1 dev gre1",
	"route show",
	"route add 10.1.0.0/16 dev gre1",
	"route add 10.1.2.3/16 via 10.0.0.2",
	"route add default via 192.0.2.254 dev port0",
	"route add 2001:db8:1::/48 via 2001:db8::2 dev port1",
	"route del 10.1.0.0/16",
	"route del ::/0 dev gre6",
	"neigh show",
	"neigh add 192.0.2.2 lladdr 02:00:00:00:00:02 dev port0",
	"neigh add 2001:db8::2 lladdr 0a:bb:cc:dd:ee:ff dev port1",
	"neigh del 192.0.2.2 dev port0",
	"neigh del 192.0.2.2 lladdr 02:00:00:00:00:02 dev port0",
	"tunnel show",
	"tunnel show gre1",
	"tunnel del gre1",
	"tunnel add gre1 mode gre local 192.0.2.1 remote 198.51.100.1",
	"tunnel add tap1 mode gretap local 192.0.2.1 remote any",
	"tunnel add gre6 mode ip6gre local 2001:db8::1 remote 2001:db8::2 key 5",
	"tunnel add tap6 mode ip6gretap local 2001:db8::1 remote any ikey 0 okey 4294967295",
	"tunnel add gre2 mode gre local 192.0.2.1 remote 198.51.100.2 key 1.2.3.4 csum seq",
	"tunnel add gre3 mode gre local 192.0.2.1 remote 198.51.100.3 icsum oseq ttl 1 tos 28",
	"tunnel add gre4 mode gre local 192.0.2.1 remote 198.51.100.4 ocsum iseq ttl inherit "
	"tos inherit",
	"tunnel add gre5 mode gre local 192.0.2.1 remote 198.51.100.5 ttl 0 tos 0 nopmtudisc",
	"tunnel add gre7 mode gre local 192.0.2.1 remote 198.51.100.7 ttl 255 tos 0xff pmtudisc "
	"mtu 1400 dev port0",
	"tunnel add gre8 mode gre local 192.0.2.1 remote 198.51.100.8 hoplimit 9 dsfield b8",
	"tunnel change gre1 remote 198.51.100.9",
	"tunnel change gre1 nokey",
	"tunnel change gre1 nocsum noseq",
	"tunnel change gre1 okey 7 ttl 3 mtu 65535",
	"tunnel change gre1 mode ip6gre local 2001:db8::9",
	"tunnel change gre1 dev wan pmtudisc",
	"tunnel add gre9 mode gre local 192.0.2.1 remote 198.51.100.9 clamp-mss auto",
	"tunnel add gre9 mode gre local 192.0.2.1 remote 198.51.100.9 mtu 1400 clamp-mss 1200",
	"tunnel add gre9 mode gre local 192.0.2.1 remote 198.51.100.9 clamp-mss 65495",
	"tunnel change gre1 clamp-mss off",
	"tunnel change gre1 clamp-mss 88",
	"tunnel add gre9 mode gre local 192.0.2.1 remote 198.51.100.9 ignore-df",
	"tunnel add gre9 mode gre local 192.0.2.1 remote 198.51.100.9 nopmtudisc noignore-df",
	"tunnel change gre1 ignore-df",
	"tunnel change gre1 noignore-df mtu 1400",
	"stats show",
	"stats show gre1",
	"stats clear",
	"log set ctrl debug",
	"log set all err",
	"log show",
	"link set port1 master br0",
	"link set port1 nomaster",
	"link set gt1 down master br0 mtu 1400 name gt2",
	"link add br0 type bridge",
	"link add br0 type bridge ageing_time 1",
	"link add br0 type bridge fdb_max_learned 65536",
	"link add br0 type bridge ageing_time 1000000 fdb_max_learned 1",
	"link del br0",
	"bridge fdb add 02:00:00:00:00:01 dev gt1",
	"bridge fdb add 0a:bb:cc:dd:ee:ff dev port1 master static",
	"bridge fdb del 02:00:00:00:00:01 dev gt1 master",
	"bridge fdb show",
	"bridge fdb show br br0",
	"bridge link show",
};

static void
assert_ip_equal(const struct gw_ip *a, const struct gw_ip *b)
{
	assert_int_equal(a->family, b->family);
	if (a->family != 0)
		assert_true(gw_ip_equal(a, b));
}

static void
assert_prefix_equal(const struct gw_prefix *a, const struct gw_prefix *b)
{
	assert_ip_equal(&a->addr, &b->addr);
	assert_int_equal(a->len, b->len);
}

/* Field for field (padding bytes are not part of the request). */
static void
assert_cmd_equal(const struct gw_cmd *a, const struct gw_cmd *b)
{
	const struct gw_tunnel_conf *ta = &a->tunnel, *tb = &b->tunnel;

	assert_int_equal(a->op, b->op);
	switch (a->op) {
	case GW_CMD_LINK_SET:
		assert_string_equal(a->link.name, b->link.name);
		assert_string_equal(a->link.newname, b->link.newname);
		assert_memory_equal(a->link.mac, b->link.mac, 6);
		assert_int_equal(a->link.mtu, b->link.mtu);
		assert_int_equal(a->link.up, b->link.up);
		assert_string_equal(a->link.master, b->link.master);
		assert_int_equal(a->link.given, b->link.given);
		break;
	case GW_CMD_LINK_ADD:
		assert_string_equal(a->bridge.name, b->bridge.name);
		assert_int_equal(a->bridge.ageing_time, b->bridge.ageing_time);
		assert_int_equal(a->bridge.max_learned, b->bridge.max_learned);
		assert_int_equal(a->bridge.given, b->bridge.given);
		break;
	case GW_CMD_FDB_ADD:
	case GW_CMD_FDB_DEL:
	case GW_CMD_FDB_SHOW:
		assert_memory_equal(a->fdb.mac, b->fdb.mac, 6);
		assert_string_equal(a->fdb.dev, b->fdb.dev);
		assert_string_equal(a->fdb.br, b->fdb.br);
		break;
	case GW_CMD_ADDR_ADD:
	case GW_CMD_ADDR_DEL:
		assert_prefix_equal(&a->addr.prefix, &b->addr.prefix);
		assert_string_equal(a->addr.dev, b->addr.dev);
		break;
	case GW_CMD_ROUTE_ADD:
	case GW_CMD_ROUTE_DEL:
		assert_prefix_equal(&a->route.dst, &b->route.dst);
		assert_ip_equal(&a->route.via, &b->route.via);
		assert_string_equal(a->route.dev, b->route.dev);
		break;
	case GW_CMD_NEIGH_ADD:
	case GW_CMD_NEIGH_DEL:
		assert_ip_equal(&a->neigh.addr, &b->neigh.addr);
		assert_memory_equal(a->neigh.mac, b->neigh.mac, 6);
		assert_string_equal(a->neigh.dev, b->neigh.dev);
		break;
	case GW_CMD_TUNNEL_ADD:
	case GW_CMD_TUNNEL_CHANGE:
		assert_string_equal(ta->name, tb->name);
		assert_int_equal(ta->mode, tb->mode);
		assert_ip_equal(&ta->local, &tb->local);
		assert_ip_equal(&ta->remote, &tb->remote);
		assert_int_equal(ta->ikey, tb->ikey);
		assert_int_equal(ta->okey, tb->okey);
		assert_int_equal(ta->opts, tb->opts);
		assert_int_equal(ta->ttl, tb->ttl);
		assert_int_equal(ta->tos, tb->tos);
		assert_int_equal(ta->mtu, tb->mtu);
		assert_int_equal(ta->clamp_mss, tb->clamp_mss);
		assert_string_equal(ta->dev, tb->dev);
		assert_int_equal(ta->given, tb->given);
		break;
	default:
		assert_string_equal(a->name, b->name);
		break;
	}
}

static void
test_roundtrip_row(void **state)
{
	const char *line = *state;
	char buf[512], *argv[GW_CMD_ARGS_MAX], *text;
	struct gw_cmd cmd, back;
	struct gw_error err = { 0 };
	json_t *j, *wire;
	int argc;

	snprintf(buf, sizeof(buf), "%s", line);
	argc = gw_cmd_split(buf, argv, GW_CMD_ARGS_MAX);
	assert_true(argc > 0);
	assert_int_equal(gw_cmd_parse(argc, argv, &cmd, &err), 0);
	j = gw_cmd_to_json(&cmd);
	assert_non_null(j);
	/* through the wire, as a request line would carry it */
	text = json_dumps(j, JSON_COMPACT);
	assert_non_null(text);
	wire = json_loads(text, 0, NULL);
	assert_non_null(wire);
	memset(&back, 0xa5, sizeof(back));
	if (gw_cmd_from_json(json_string_value(json_object_get(wire, "method")),
			     json_object_get(wire, "params"), &back, &err) != 0)
		fail_msg("%s -> %s: %s", line, text, err.msg);
	assert_cmd_equal(&cmd, &back);
	free(text);
	json_decref(wire);
	json_decref(j);
}

/* Exact encodings: member names and value shapes are the contract. */
struct enc_case {
	const char *line;
	const char *json;
};

static const struct enc_case enc_cases[] = {
	{ "link set port0 name wan address 02:00:00:00:00:01 mtu 1500 down",
	  "{\"method\":\"link.set\",\"params\":{\"dev\":\"port0\",\"name\":\"wan\","
	  "\"address\":\"02:00:00:00:00:01\",\"mtu\":1500,\"up\":false}}" },
	{ "addr add 2001:db8::1/64 dev port0",
	  "{\"method\":\"addr.add\",\"params\":{\"prefix\":\"2001:db8::1/64\",\"dev\":\"port0\"}}" },
	{ "route add default via 192.0.2.254",
	  "{\"method\":\"route.add\",\"params\":{\"dst\":\"0.0.0.0/0\",\"via\":\"192.0.2.254\"}}" },
	{ "neigh add 192.0.2.2 lladdr 02:00:00:00:00:02 dev port0",
	  "{\"method\":\"neigh.add\",\"params\":{\"dst\":\"192.0.2.2\","
	  "\"lladdr\":\"02:00:00:00:00:02\",\"dev\":\"port0\"}}" },
	{ "tunnel add gre1 mode gre local 192.0.2.1 remote any key 0 csum iseq ttl inherit tos 28 "
	  "nopmtudisc mtu 1400 dev port0",
	  "{\"method\":\"tunnel.add\",\"params\":{\"name\":\"gre1\",\"mode\":\"gre\","
	  "\"local\":\"192.0.2.1\",\"remote\":\"any\",\"ikey\":0,\"okey\":0,\"icsum\":true,"
	  "\"ocsum\":true,\"iseq\":true,\"ttl\":\"inherit\",\"tos\":40,\"pmtudisc\":false,"
	  "\"mtu\":1400,\"dev\":\"port0\"}}" },
	{ "tunnel change gre1 nokey noseq",
	  "{\"method\":\"tunnel.change\",\"params\":{\"name\":\"gre1\",\"ikey\":null,"
	  "\"okey\":null,\"iseq\":false,\"oseq\":false}}" },
	{ "tunnel add gre1 mode gre local 192.0.2.1 remote any mtu 1400 clamp-mss 1200",
	  "{\"method\":\"tunnel.add\",\"params\":{\"name\":\"gre1\",\"mode\":\"gre\","
	  "\"local\":\"192.0.2.1\",\"remote\":\"any\",\"mtu\":1400,\"clamp-mss\":1200}}" },
	{ "tunnel change gre1 clamp-mss off",
	  "{\"method\":\"tunnel.change\",\"params\":{\"name\":\"gre1\",\"clamp-mss\":\"off\"}}" },
	{ "tunnel change gre1 clamp-mss auto",
	  "{\"method\":\"tunnel.change\",\"params\":{\"name\":\"gre1\",\"clamp-mss\":\"auto\"}}" },
	{ "tunnel add gre1 mode gre local 192.0.2.1 remote any nopmtudisc ignore-df mtu 1400",
	  "{\"method\":\"tunnel.add\",\"params\":{\"name\":\"gre1\",\"mode\":\"gre\","
	  "\"local\":\"192.0.2.1\",\"remote\":\"any\",\"pmtudisc\":false,\"ignore-df\":true,"
	  "\"mtu\":1400}}" },
	{ "tunnel change gre1 noignore-df",
	  "{\"method\":\"tunnel.change\",\"params\":{\"name\":\"gre1\",\"ignore-df\":false}}" },
	{ "tunnel del gre1", "{\"method\":\"tunnel.del\",\"params\":{\"name\":\"gre1\"}}" },
	{ "link set port1 master br0",
	  "{\"method\":\"link.set\",\"params\":{\"dev\":\"port1\",\"master\":\"br0\"}}" },
	{ "link set port1 up nomaster",
	  "{\"method\":\"link.set\",\"params\":{\"dev\":\"port1\",\"up\":true,\"nomaster\":true}}" },
	{ "link add br0 type bridge",
	  "{\"method\":\"link.add\",\"params\":{\"name\":\"br0\",\"type\":\"bridge\"}}" },
	{ "link add br0 type bridge fdb_max_learned 100 ageing_time 30",
	  "{\"method\":\"link.add\",\"params\":{\"name\":\"br0\",\"type\":\"bridge\","
	  "\"ageing_time\":30,\"fdb_max_learned\":100}}" },
	{ "link del br0", "{\"method\":\"link.del\",\"params\":{\"name\":\"br0\"}}" },
	{ "bridge fdb add 0A:00:00:00:00:01 dev gt1 master static",
	  "{\"method\":\"bridge.fdb.add\",\"params\":{\"mac\":\"0a:00:00:00:00:01\","
	  "\"dev\":\"gt1\"}}" },
	{ "bridge fdb del 02:00:00:00:00:01 dev gt1",
	  "{\"method\":\"bridge.fdb.del\",\"params\":{\"mac\":\"02:00:00:00:00:01\","
	  "\"dev\":\"gt1\"}}" },
	{ "bridge fdb show", "{\"method\":\"bridge.fdb.show\",\"params\":{}}" },
	{ "bridge fdb show br br0",
	  "{\"method\":\"bridge.fdb.show\",\"params\":{\"br\":\"br0\"}}" },
	{ "bridge link show", "{\"method\":\"bridge.link.show\",\"params\":{}}" },
	{ "stats clear", "{\"method\":\"stats.clear\",\"params\":{}}" },
};

static void
test_enc_row(void **state)
{
	const struct enc_case *c = *state;
	char buf[512], *argv[GW_CMD_ARGS_MAX], *text;
	struct gw_cmd cmd;
	json_t *j;
	int argc;

	snprintf(buf, sizeof(buf), "%s", c->line);
	argc = gw_cmd_split(buf, argv, GW_CMD_ARGS_MAX);
	assert_int_equal(gw_cmd_parse(argc, argv, &cmd, NULL), 0);
	j = gw_cmd_to_json(&cmd);
	assert_non_null(j);
	text = json_dumps(j, JSON_COMPACT);
	assert_string_equal(text, c->json);
	free(text);
	json_decref(j);
}

/*
 * Params: strict rejections
 */

struct params_case {
	const char *method;
	const char *params; /* JSON text, NULL for absent */
	int rc;
	const char *msg;
};

#define TPARAMS "\"name\":\"gre1\",\"mode\":\"gre\",\"local\":\"192.0.2.1\",\"remote\":\"any\""
#define TMEMBERS "(name, mode, local, remote, ikey, okey, icsum, ocsum, iseq, oseq, ttl, tos, " \
	"flowlabel, encaplimit, pmtudisc, ignore-df, mtu, clamp-mss, dev, keepalive, learn, learn-max, learn-ageing)"

static const struct params_case params_cases[] = {
	{ "frob", NULL, -ENOENT, "unknown method \"frob\"" },
	{ "tunnel.ADD", "{}", -ENOENT, "unknown method \"tunnel.ADD\"" },
	{ "tunnel", "{}", -ENOENT, "unknown method \"tunnel\"" },
	{ "link.show", "[]", -EINVAL, "params of link.show must be an object" },
	/* unknown members */
	{ "tunnel.add", "{" TPARAMS ",\"key\":5}", -EINVAL,
	  "unknown member \"key\" in tunnel.add " TMEMBERS },
	{ "link.set", "{\"dev\":\"port0\",\"state\":\"up\"}", -EINVAL,
	  "unknown member \"state\" in link.set (dev, name, address, mtu, up, master, nomaster)" },
	{ "route.add", "{\"dst\":\"10.0.0.0/8\",\"dev\":\"gre1\",\"metric\":5}", -EINVAL,
	  "unknown member \"metric\" in route.add (dst, via, dev)" },
	{ "addr.show", "{\"dev\":\"port0\"}", -EINVAL,
	  "unknown member \"dev\": addr.show takes no params" },
	{ "stats.clear", "{\"name\":\"gre1\"}", -EINVAL,
	  "unknown member \"name\": stats.clear takes no params" },
	{ "tunnel.show", "{\"nam\":\"gre1\"}", -EINVAL,
	  "unknown member \"nam\" in tunnel.show (name)" },
	/* missing members */
	{ "tunnel.add", "{\"name\":\"gre1\"}", -EINVAL, "tunnel.add needs member \"mode\"" },
	{ "tunnel.add", "{\"mode\":\"gre\"}", -EINVAL, "tunnel.add needs member \"name\"" },
	{ "tunnel.add", "{\"name\":\"gre1\",\"mode\":\"gre\",\"remote\":\"any\"}", -EINVAL,
	  "tunnel.add needs member \"local\"" },
	{ "tunnel.add", "{\"name\":\"gre1\",\"mode\":\"gre\",\"local\":\"192.0.2.1\"}", -EINVAL,
	  "tunnel.add needs member \"remote\"" },
	{ "tunnel.del", NULL, -EINVAL, "tunnel.del needs member \"name\"" },
	{ "tunnel.change", "{\"name\":\"gre1\"}", -EINVAL, "tunnel.change gre1: nothing to change" },
	{ "link.set", "{\"dev\":\"port0\"}", -EINVAL,
	  "link.set port0: nothing to change (name, address, mtu, up, master, nomaster)" },
	{ "link.set", "{\"up\":true}", -EINVAL, "link.set needs member \"dev\"" },
	{ "addr.add", "{\"dev\":\"port0\"}", -EINVAL, "addr.add needs member \"prefix\"" },
	{ "addr.add", "{\"prefix\":\"192.0.2.1/24\"}", -EINVAL, "addr.add needs member \"dev\"" },
	{ "route.add", "{\"dst\":\"10.0.0.0/8\"}", -EINVAL,
	  "route.add needs member \"dev\" or \"via\"" },
	{ "route.del", "{}", -EINVAL, "route.del needs member \"dst\"" },
	{ "neigh.add", "{\"dst\":\"192.0.2.2\",\"dev\":\"port0\"}", -EINVAL,
	  "neigh.add needs member \"lladdr\"" },
	{ "neigh.del", "{\"dst\":\"192.0.2.2\"}", -EINVAL, "neigh.del needs member \"dev\"" },
	/* wrong types */
	{ "tunnel.add", "{" TPARAMS ",\"mtu\":\"1400\"}", -EINVAL,
	  "member \"mtu\" of tunnel.add must be an integer" },
	{ "tunnel.add", "{" TPARAMS ",\"mtu\":1400.0}", -EINVAL,
	  "member \"mtu\" of tunnel.add must be an integer" },
	{ "tunnel.add", "{" TPARAMS ",\"ikey\":\"5\"}", -EINVAL,
	  "member \"ikey\" of tunnel.add must be an integer or null" },
	{ "tunnel.add", "{" TPARAMS ",\"icsum\":1}", -EINVAL,
	  "member \"icsum\" of tunnel.add must be true or false" },
	{ "tunnel.add", "{" TPARAMS ",\"pmtudisc\":\"yes\"}", -EINVAL,
	  "member \"pmtudisc\" of tunnel.add must be true or false" },
	{ "tunnel.add", "{" TPARAMS ",\"ttl\":true}", -EINVAL,
	  "member \"ttl\" of tunnel.add must be an integer or \"inherit\"" },
	{ "tunnel.add", "{" TPARAMS ",\"ignore-df\":\"yes\"}", -EINVAL,
	  "member \"ignore-df\" of tunnel.add must be true or false" },
	{ "tunnel.add", "{" TPARAMS ",\"ignore-df\":1}", -EINVAL,
	  "member \"ignore-df\" of tunnel.add must be true or false" },
	{ "tunnel.add", "{" TPARAMS ",\"ignore-df\":null}", -EINVAL,
	  "member \"ignore-df\" of tunnel.add must be true or false" },
	{ "tunnel.change", "{\"name\":\"gre1\",\"ignore-df\":\"true\"}", -EINVAL,
	  "member \"ignore-df\" of tunnel.change must be true or false" },
	{ "tunnel.change", "{\"name\":\"gre1\",\"ignore-df\":[true]}", -EINVAL,
	  "member \"ignore-df\" of tunnel.change must be true or false" },
	{ "tunnel.change", "{\"name\":\"gre1\",\"ignore_df\":true}", -EINVAL,
	  "unknown member \"ignore_df\" in tunnel.change " TMEMBERS },
	{ "tunnel.change", "{\"name\":\"gre1\",\"noignore-df\":true}", -EINVAL,
	  "unknown member \"noignore-df\" in tunnel.change " TMEMBERS },
	{ "tunnel.add", "{" TPARAMS ",\"clamp-mss\":true}", -EINVAL,
	  "member \"clamp-mss\" of tunnel.add must be an integer, \"auto\" or \"off\"" },
	{ "tunnel.add", "{" TPARAMS ",\"clamp-mss\":null}", -EINVAL,
	  "member \"clamp-mss\" of tunnel.add must be an integer, \"auto\" or \"off\"" },
	{ "tunnel.add", "{" TPARAMS ",\"clamp-mss\":1200.0}", -EINVAL,
	  "member \"clamp-mss\" of tunnel.add must be an integer, \"auto\" or \"off\"" },
	{ "tunnel.change", "{\"name\":\"gre1\",\"clamp-mss\":\"1200\"}", -EINVAL,
	  "member \"clamp-mss\" of tunnel.change must be an integer, \"auto\" or \"off\"" },
	{ "tunnel.change", "{\"name\":\"gre1\",\"clamp-mss\":[1200]}", -EINVAL,
	  "member \"clamp-mss\" of tunnel.change must be an integer, \"auto\" or \"off\"" },
	{ "tunnel.add", "{\"name\":7}", -EINVAL, "member \"name\" of tunnel.add must be a string" },
	{ "tunnel.add", "{\"name\":\"gre1\",\"mode\":null}", -EINVAL,
	  "member \"mode\" of tunnel.add must be a string" },
	{ "link.set", "{\"dev\":\"port0\",\"up\":\"true\"}", -EINVAL,
	  "member \"up\" of link.set must be true or false" },
	{ "route.add", "{\"dst\":[\"10.0.0.0/8\"],\"dev\":\"gre1\"}", -EINVAL,
	  "member \"dst\" of route.add must be a string" },
	/* out of range and bad values: lib/cmd's limits and messages */
	{ "tunnel.add", "{" TPARAMS ",\"mtu\":67}", -ERANGE, "invalid mtu \"67\": expected 68..65535" },
	{ "tunnel.add", "{" TPARAMS ",\"mtu\":65536}", -ERANGE,
	  "invalid mtu \"65536\": expected 68..65535" },
	{ "tunnel.add", "{" TPARAMS ",\"mtu\":-1}", -EINVAL, "invalid mtu \"-1\": expected 68..65535" },
	{ "tunnel.add", "{" TPARAMS ",\"clamp-mss\":87}", -ERANGE,
	  "invalid clamp-mss \"87\": expected auto, off or 88..65495" },
	{ "tunnel.add", "{" TPARAMS ",\"clamp-mss\":0}", -ERANGE,
	  "invalid clamp-mss \"0\": expected auto, off or 88..65495" },
	{ "tunnel.add", "{" TPARAMS ",\"clamp-mss\":65496}", -ERANGE,
	  "invalid clamp-mss \"65496\": expected auto, off or 88..65495" },
	{ "tunnel.add", "{" TPARAMS ",\"clamp-mss\":-1200}", -EINVAL,
	  "invalid clamp-mss \"-1200\": expected auto, off or 88..65495" },
	{ "tunnel.add", "{" TPARAMS ",\"clamp-mss\":\"on\"}", -EINVAL,
	  "invalid clamp-mss \"on\": expected auto, off or 88..65495" },
	{ "tunnel.add", "{" TPARAMS ",\"clamp-mss\":\"AUTO\"}", -EINVAL,
	  "invalid clamp-mss \"AUTO\": expected auto, off or 88..65495" },
	{ "tunnel.add", "{" TPARAMS ",\"clamp-mss\":\"\"}", -EINVAL,
	  "invalid clamp-mss \"\": expected auto, off or 88..65495" },
	{ "link.set", "{\"dev\":\"port0\",\"mtu\":0}", -ERANGE, "invalid mtu \"0\": expected 68..65535" },
	{ "tunnel.add", "{" TPARAMS ",\"okey\":4294967296}", -ERANGE,
	  "invalid okey \"4294967296\": expected 0..4294967295" },
	{ "tunnel.add", "{" TPARAMS ",\"ikey\":-1}", -EINVAL,
	  "invalid ikey \"-1\": expected 0..4294967295" },
	{ "tunnel.add", "{" TPARAMS ",\"ttl\":256}", -ERANGE, "invalid ttl \"256\": expected 0..255" },
	{ "tunnel.add", "{" TPARAMS ",\"tos\":300}", -ERANGE, "invalid tos \"300\": expected 0..255" },
	{ "tunnel.add", "{" TPARAMS ",\"ttl\":\"inherited\"}", -EINVAL,
	  "invalid ttl \"inherited\": expected 0..255 or inherit" },
	{ "tunnel.add", "{" TPARAMS ",\"mode\":\"ipip\"}", -EINVAL,
	  "invalid mode \"ipip\": expected gre, gretap, ip6gre or ip6gretap" },
	{ "tunnel.add", "{\"name\":\"gre1\",\"mode\":\"gre\",\"local\":\"192.0.2.300\","
	  "\"remote\":\"any\"}", -EINVAL,
	  "invalid local \"192.0.2.300\": expected an IPv4 or IPv6 address" },
	{ "tunnel.add", "{\"name\":\"gre1\",\"mode\":\"gre\",\"local\":\"192.0.2.1\","
	  "\"remote\":\"anywhere\"}", -EINVAL,
	  "invalid remote \"anywhere\": expected an IPv4 or IPv6 address" },
	{ "tunnel.add", "{\"name\":\"gre1\",\"mode\":\"gre\",\"local\":\"2001:db8::1\","
	  "\"remote\":\"any\"}", -EINVAL, "local address is not IPv4 as mode gre needs" },
	{ "tunnel.add", "{\"name\":\"gre1\",\"mode\":\"ip6gre\",\"local\":\"2001:db8::1\","
	  "\"remote\":\"192.0.2.2\"}", -EINVAL, "remote address is not IPv6 as mode ip6gre needs" },
	{ "tunnel.add", "{\"name\":\"gre1.is.much.too.long\"}", -ENAMETOOLONG,
	  "tunnel name \"gre1.is.much.too.long\" is longer than 15 characters" },
	{ "tunnel.add", "{\"name\":\"\"}", -EINVAL, "empty tunnel name" },
	{ "tunnel.add", "{" TPARAMS ",\"dev\":\"a/b\"}", -EINVAL,
	  "device name \"a/b\" may only use letters, digits, '_', '-' and '.'" },
	{ "link.set", "{\"dev\":\"port0\",\"address\":\"02:00:00:00:00\"}", -EINVAL,
	  "invalid address \"02:00:00:00:00\": expected xx:xx:xx:xx:xx:xx" },
	{ "addr.add", "{\"prefix\":\"192.0.2.1/33\",\"dev\":\"port0\"}", -ERANGE,
	  "invalid prefix \"192.0.2.1/33\": expected ADDR/LEN" },
	{ "addr.add", "{\"prefix\":\"default\",\"dev\":\"port0\"}", -EINVAL,
	  "invalid prefix \"default\": expected ADDR/LEN" },
	{ "route.add", "{\"dst\":\"10.0.0.0/8\",\"via\":\"2001:db8::1\"}", -EINVAL,
	  "gateway \"2001:db8::1\" is not of the prefix's family" },
	{ "route.add", "{\"dst\":\"10.0.0.0/8\",\"via\":\"gw1\"}", -EINVAL,
	  "invalid gateway \"gw1\": expected an IPv4 or IPv6 address" },
	{ "neigh.add", "{\"dst\":\"192.0.2.2\",\"lladdr\":\"01:00:5e:00:00:01\",\"dev\":\"port0\"}",
	  -EINVAL, "invalid lladdr \"01:00:5e:00:00:01\": not a unicast MAC" },
	{ "neigh.add", "{\"dst\":\"192.0.2.2\",\"lladdr\":\"00:00:00:00:00:00\",\"dev\":\"port0\"}",
	  -EINVAL, "invalid lladdr \"00:00:00:00:00:00\": not a unicast MAC" },
	{ "neigh.add", "{\"dst\":\"host\",\"lladdr\":\"02:00:00:00:00:01\",\"dev\":\"port0\"}",
	  -EINVAL, "invalid neighbour address \"host\": expected an IPv4 or IPv6 address" },
	{ "log.set", "{\"module\":\"cfg\"}", -EINVAL, "log.set needs member \"level\"" },
	{ "log.set", "{\"level\":\"debug\"}", -EINVAL, "log.set needs member \"module\"" },
	{ "log.set", "{\"module\":\"cfg\",\"level\":7}", -EINVAL,
	  "member \"level\" of log.set must be a string" },
	{ "log.set", "{\"module\":\"cfg\",\"level\":\"verbose\"}", -EINVAL,
	  "invalid log level \"verbose\" (emerg, alert, crit, err, warning, notice, info, debug)" },
	{ "log.set", "{\"module\":\"cfg\",\"level\":\"debug\",\"x\":1}", -EINVAL,
	  "unknown member \"x\" in log.set (module, level)" },
	{ "log.show", "{\"module\":\"cfg\"}", -EINVAL,
	  "unknown member \"module\": log.show takes no params" },
	/* link.set master/nomaster */
	{ "link.set", "{\"dev\":\"port1\",\"master\":\"br0\",\"nomaster\":true}", -EINVAL,
	  "members \"master\" and \"nomaster\" of link.set exclude each other" },
	{ "link.set", "{\"dev\":\"port1\",\"nomaster\":false}", -EINVAL,
	  "member \"nomaster\" of link.set must be true (leave out to keep the master)" },
	{ "link.set", "{\"dev\":\"port1\",\"nomaster\":\"yes\"}", -EINVAL,
	  "member \"nomaster\" of link.set must be true or false" },
	{ "link.set", "{\"dev\":\"port1\",\"nomaster\":null}", -EINVAL,
	  "member \"nomaster\" of link.set must be true or false" },
	{ "link.set", "{\"dev\":\"port1\",\"master\":null}", -EINVAL,
	  "member \"master\" of link.set must be a string" },
	{ "link.set", "{\"dev\":\"port1\",\"master\":\"\"}", -EINVAL, "empty bridge name" },
	{ "link.set", "{\"dev\":\"port1\",\"master\":\"a/b\"}", -EINVAL,
	  "bridge name \"a/b\" may only use letters, digits, '_', '-' and '.'" },
	{ "link.set", "{\"dev\":\"port1\",\"master\":\"0123456789abcdef\"}", -ENAMETOOLONG,
	  "bridge name \"0123456789abcdef\" is longer than 15 characters" },
	{ "link.set", "{\"dev\":\"port1\",\"nomaster\":true}", 0, NULL },
	/* link.add, link.del */
	{ "link.add", "{\"type\":\"bridge\"}", -EINVAL, "link.add needs member \"name\"" },
	{ "link.add", "{\"name\":\"br0\"}", -EINVAL, "link.add needs member \"type\"" },
	{ "link.add", "{\"name\":\"br0\",\"type\":\"vxlan\"}", -EINVAL,
	  "link.add: type \"vxlan\" is not supported (bridge)" },
	{ "link.add", "{\"name\":\"br0\",\"type\":\"\"}", -EINVAL,
	  "link.add: type \"\" is not supported (bridge)" },
	{ "link.add", "{\"name\":\"br0\",\"type\":[\"bridge\"]}", -EINVAL,
	  "member \"type\" of link.add must be a string" },
	{ "link.add", "{\"name\":\"br0\",\"type\":\"bridge\",\"ageing_time\":0}", -ERANGE,
	  "invalid ageing_time \"0\": expected 1..1000000" },
	{ "link.add", "{\"name\":\"br0\",\"type\":\"bridge\",\"ageing_time\":1000001}", -ERANGE,
	  "invalid ageing_time \"1000001\": expected 1..1000000" },
	{ "link.add", "{\"name\":\"br0\",\"type\":\"bridge\",\"ageing_time\":-5}", -EINVAL,
	  "invalid ageing_time \"-5\": expected 1..1000000" },
	{ "link.add", "{\"name\":\"br0\",\"type\":\"bridge\",\"ageing_time\":\"300\"}", -EINVAL,
	  "member \"ageing_time\" of link.add must be an integer" },
	{ "link.add", "{\"name\":\"br0\",\"type\":\"bridge\",\"ageing_time\":300.0}", -EINVAL,
	  "member \"ageing_time\" of link.add must be an integer" },
	{ "link.add", "{\"name\":\"br0\",\"type\":\"bridge\",\"fdb_max_learned\":0}", -ERANGE,
	  "invalid fdb_max_learned \"0\": expected 1..65536" },
	{ "link.add", "{\"name\":\"br0\",\"type\":\"bridge\",\"fdb_max_learned\":65537}", -ERANGE,
	  "invalid fdb_max_learned \"65537\": expected 1..65536" },
	{ "link.add", "{\"name\":\"br0\",\"type\":\"bridge\",\"fdb_max_learned\":null}", -EINVAL,
	  "member \"fdb_max_learned\" of link.add must be an integer" },
	{ "link.add", "{\"name\":\"br0\",\"type\":\"bridge\",\"stp_state\":1}", -EINVAL,
	  "unknown member \"stp_state\" in link.add (name, type, ageing_time, fdb_max_learned)" },
	{ "link.add", "{\"name\":\"br0\",\"type\":\"bridge\",\"ageing-time\":1}", -EINVAL,
	  "unknown member \"ageing-time\" in link.add (name, type, ageing_time, fdb_max_learned)" },
	{ "link.add", "{\"name\":\"br/0\",\"type\":\"bridge\"}", -EINVAL,
	  "bridge name \"br/0\" may only use letters, digits, '_', '-' and '.'" },
	{ "link.add", "{\"name\":\"br0\",\"type\":\"bridge\",\"ageing_time\":1,"
	  "\"fdb_max_learned\":65536}", 0, NULL },
	{ "link.del", "{}", -EINVAL, "link.del needs member \"name\"" },
	{ "link.del", "{\"name\":\"br0\",\"type\":\"bridge\"}", -EINVAL,
	  "unknown member \"type\" in link.del (name)" },
	{ "link.del", "{\"name\":5}", -EINVAL, "member \"name\" of link.del must be a string" },
	{ "link.del", "{\"name\":\"br0\"}", 0, NULL },
	/* bridge.fdb.* and bridge.link.show */
	{ "bridge.fdb.add", "{\"dev\":\"gt1\"}", -EINVAL, "bridge.fdb.add needs member \"mac\"" },
	{ "bridge.fdb.add", "{\"mac\":\"02:00:00:00:00:01\"}", -EINVAL,
	  "bridge.fdb.add needs member \"dev\"" },
	{ "bridge.fdb.del", "{\"mac\":\"02:00:00:00:00:01\"}", -EINVAL,
	  "bridge.fdb.del needs member \"dev\"" },
	{ "bridge.fdb.add", "{\"mac\":\"01:00:5e:00:00:01\",\"dev\":\"gt1\"}", -EINVAL,
	  "invalid mac \"01:00:5e:00:00:01\": not a unicast MAC" },
	{ "bridge.fdb.add", "{\"mac\":\"00:00:00:00:00:00\",\"dev\":\"gt1\"}", -EINVAL,
	  "invalid mac \"00:00:00:00:00:00\": not a unicast MAC" },
	{ "bridge.fdb.del", "{\"mac\":\"ff:ff:ff:ff:ff:ff\",\"dev\":\"gt1\"}", -EINVAL,
	  "invalid mac \"ff:ff:ff:ff:ff:ff\": not a unicast MAC" },
	{ "bridge.fdb.add", "{\"mac\":\"02:00:00:00:00\",\"dev\":\"gt1\"}", -EINVAL,
	  "invalid mac \"02:00:00:00:00\": expected xx:xx:xx:xx:xx:xx" },
	{ "bridge.fdb.add", "{\"mac\":2,\"dev\":\"gt1\"}", -EINVAL,
	  "member \"mac\" of bridge.fdb.add must be a string" },
	{ "bridge.fdb.add", "{\"mac\":\"02:00:00:00:00:01\",\"dev\":\"gt1\",\"static\":false}",
	  -EINVAL, "member \"static\" of bridge.fdb.add must be true (added entries are static)" },
	{ "bridge.fdb.add", "{\"mac\":\"02:00:00:00:00:01\",\"dev\":\"gt1\",\"static\":1}", -EINVAL,
	  "member \"static\" of bridge.fdb.add must be true or false" },
	{ "bridge.fdb.add", "{\"mac\":\"02:00:00:00:00:01\",\"dev\":\"gt1\",\"self\":true}",
	  -EINVAL, "unknown member \"self\" in bridge.fdb.add (mac, dev, static, dst)" },
	{ "bridge.fdb.add", "{\"mac\":\"02:00:00:00:00:01\",\"dev\":\"gt1\",\"master\":true}",
	  -EINVAL, "unknown member \"master\" in bridge.fdb.add (mac, dev, static, dst)" },
	{ "bridge.fdb.del", "{\"mac\":\"02:00:00:00:00:01\",\"dev\":\"gt1\",\"static\":true}",
	  -EINVAL, "unknown member \"static\" in bridge.fdb.del (mac, dev, dst)" },
	{ "bridge.fdb.add", "{\"mac\":\"02:00:00:00:00:01\",\"dev\":\"a/b\"}", -EINVAL,
	  "device name \"a/b\" may only use letters, digits, '_', '-' and '.'" },
	{ "bridge.fdb.show", "{\"br\":\"\"}", -EINVAL, "empty bridge name" },
	{ "bridge.fdb.show", "{\"br\":true}", -EINVAL,
	  "member \"br\" of bridge.fdb.show must be a string" },
	{ "bridge.fdb.show", "{\"dev\":\"gt1\"}", -EINVAL,
	  "unknown member \"dev\" in bridge.fdb.show (br)" },
	{ "bridge.link.show", "{\"br\":\"br0\"}", -EINVAL,
	  "unknown member \"br\": bridge.link.show takes no params" },
	{ "bridge.fdb", "{}", -ENOENT, "unknown method \"bridge.fdb\"" },
	{ "bridge", NULL, -ENOENT, "unknown method \"bridge\"" },
	{ "bridge.fdb.add", "{\"mac\":\"02:00:00:00:00:01\",\"dev\":\"gt1\",\"static\":true}", 0,
	  NULL },
	{ "bridge.fdb.add", "{\"mac\":\"02:00:00:00:00:01\",\"dev\":\"gt1\"}", 0, NULL },
	{ "bridge.fdb.show", NULL, 0, NULL },
	{ "bridge.link.show", "{}", 0, NULL },
	/* accepted */
	{ "log.set", "{\"module\":\"all\",\"level\":\"debug\"}", 0, NULL },
	{ "addr.show", NULL, 0, NULL },
	{ "stats.show", "{}", 0, NULL },
	{ "tunnel.add", "{" TPARAMS ",\"ttl\":0,\"tos\":\"inherit\",\"ikey\":null}", 0, NULL },
};

static void
test_params_row(void **state)
{
	const struct params_case *c = *state;
	json_t *params = load_any(c->params);
	struct gw_error err = { 0 };
	struct gw_cmd cmd;
	int rc;

	rc = gw_cmd_from_json(c->method, params, &cmd, &err);
	assert_int_equal(rc, c->rc);
	if (rc != 0) {
		assert_int_equal(err.code, rc);
		assert_string_equal(err.msg, c->msg);
		assert_int_equal(gw_rpc_code_of(rc),
				 rc == -ENOENT ? GW_RPC_METHOD_NOT_FOUND : GW_RPC_INVALID_PARAMS);
	}
	/* deterministic, and a NULL error record is allowed */
	assert_int_equal(gw_cmd_from_json(c->method, params, &cmd, NULL), c->rc);
	json_decref(params);
}

/* given bits are set exactly for the members present. */
static void
test_params_given(void **state)
{
	json_t *p = json_loads("{\"name\":\"gre1\",\"okey\":9,\"icsum\":false,\"ttl\":0}", 0, NULL);
	struct gw_cmd cmd;

	(void)state;
	assert_int_equal(gw_cmd_from_json("tunnel.change", p, &cmd, NULL), 0);
	assert_int_equal(cmd.op, GW_CMD_TUNNEL_CHANGE);
	assert_string_equal(cmd.tunnel.name, "gre1");
	assert_int_equal(cmd.tunnel.given,
			 GW_TUN_GIVEN_OKEY | GW_TUN_GIVEN_ICSUM | GW_TUN_GIVEN_TTL);
	assert_int_equal(cmd.tunnel.opts, GW_TUN_OKEY | GW_TUN_TTL_INHERIT);
	assert_int_equal(cmd.tunnel.okey, 9);
	assert_int_equal(cmd.tunnel.ttl, 0);
	json_decref(p);
}

/* Every op of gw_cmd_op.def converts: rt_lines has a line of each. */
static void
test_roundtrip_every_op(void **state)
{
	char buf[512], *argv[GW_CMD_ARGS_MAX];
	bool seen[GW_CMD_BRIDGE_LINK_SHOW + 1] = { false };
	struct gw_cmd cmd;
	json_t *j;
	size_t i;

	(void)state;
	for (i = 0; i < GW_NELEM(rt_lines); i++) {
		snprintf(buf, sizeof(buf), "%s", rt_lines[i]);
		assert_int_equal(gw_cmd_parse(gw_cmd_split(buf, argv, GW_CMD_ARGS_MAX), argv, &cmd,
					      NULL), 0);
		assert_true(cmd.op <= GW_CMD_BRIDGE_LINK_SHOW);
		seen[cmd.op] = true;
	}
	for (i = 0; i < GW_NELEM(seen); i++)
		if (!seen[i])
			fail_msg("op %zu has no round-trip line", i);
	/* past the last op: no method */
	memset(&cmd, 0, sizeof(cmd));
	cmd.op = (enum gw_cmd_op)(GW_CMD_BRIDGE_LINK_SHOW + 1);
	j = gw_cmd_to_json(&cmd);
	assert_null(j);
}

static void
add_tests(struct gw_tests *t)
{
	static const size_t sizes[] = { GW_RPC_LINE_MAX, GW_RPC_LINE_MAX + 1, 1 << 20 };
	static const int depths[] = { 2, 3, GW_RPC_DEPTH_MAX, GW_RPC_DEPTH_MAX + 1, 100 };
	size_t i;

	for (i = 0; i < GW_NELEM(req_cases); i++)
		gw_tests_add(t, test_req_row, &req_cases[i], "request: %s", req_cases[i].name);
	gw_tests_add(t, test_req_keeps_id, NULL, "request: invalid one keeps its id");
	gw_tests_add(t, test_req_nul_byte, NULL, "request: NUL byte inside the line");
	for (i = 0; i < GW_NELEM(sizes); i++)
		gw_tests_add(t, test_req_size, &sizes[i], "request: %zu bytes", sizes[i]);
	for (i = 0; i < GW_NELEM(depths); i++)
		gw_tests_add(t, test_req_depth, &depths[i], "request: nested %d deep", depths[i]);
	for (i = 0; i < GW_NELEM(resp_cases); i++)
		gw_tests_add(t, test_resp_row, &resp_cases[i], "response: %s", resp_cases[i].name);
	for (i = 0; i < GW_NELEM(rt_lines); i++)
		gw_tests_add(t, test_roundtrip_row, rt_lines[i], "round trip: %s", rt_lines[i]);
	gw_tests_add(t, test_roundtrip_every_op, NULL, "round trip: a line of every op");
	for (i = 0; i < GW_NELEM(enc_cases); i++)
		gw_tests_add(t, test_enc_row, &enc_cases[i], "encoding: %s", enc_cases[i].line);
	for (i = 0; i < GW_NELEM(params_cases); i++)
		gw_tests_add(t, test_params_row, &params_cases[i], "params %zu: %s %s", i,
			     params_cases[i].method,
			     params_cases[i].params != NULL ? params_cases[i].params : "(none)");
	gw_tests_add(t, test_params_given, NULL, "params: given bits exactly as present");
}

int
main(int argc, char **argv)
{
	return gw_tests_main(argc, argv, "rpc", add_tests, NULL, 0);
}
