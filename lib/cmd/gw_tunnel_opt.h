/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The options of a tunnel as data: the rows of gw_tunnel_opt.def, and what
 * every consumer does with them, written once per kind. The command parser
 * (lib/cmd), save (gw_cmd_format), the RPC params (lib/rpc), tunnel show
 * and telemetry (app/greway), tunnel change (lib/table) and grewayctl's help
 * and text printer all walk these rows, so a new option is one row of the
 * .def file plus its use in the dataplane. The list is the model's
 * (lib/model); reading and writing its words is the command language's, so
 * this lives in lib/cmd. Free of EAL (libgw_base).
 */
#ifndef GW_TUNNEL_OPT_H
#define GW_TUNNEL_OPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "gw_error.h"
#include "gw_tunnel_conf.h"

/** How an option is read, written and merged. */
enum gw_tunnel_opt_kind {
	GW_TUN_KIND_MODE,   /**< gre|gretap|ip6gre|ip6gretap */
	GW_TUN_KIND_ADDR,   /**< an address */
	GW_TUN_KIND_REMOTE, /**< an address, or any (family 0) */
	GW_TUN_KIND_KEY,    /**< a 32-bit key (or dotted quad) with a presence bit */
	GW_TUN_KIND_FLAG,   /**< a bit: on with word, off with off_word */
	GW_TUN_KIND_NOFLAG, /**< a bit set when the option is off (pmtudisc) */
	GW_TUN_KIND_TTL,    /**< a byte lo..hi, or inherit (bit); 0 is inherit */
	GW_TUN_KIND_TOS,    /**< a number in hex up to hi (decimal in JSON), or inherit (bit) */
	GW_TUN_KIND_UINT,   /**< a number lo..hi; 0 (unset) is left out of save */
	GW_TUN_KIND_MSS,    /**< auto, off or a number lo..hi */
	GW_TUN_KIND_DEV,    /**< an interface name; empty is unset */
	GW_TUN_KIND_ONOFF,  /**< a bit: word on|off (JSON true|false) */
	GW_TUN_KIND_KEEPALIVE, /**< two numbers, PERIOD RETRIES, or off (JSON "P R" or "off") */
	GW_TUN_KIND_LIMIT,  /**< a number lo..hi (bit set), or none (bit clear, the default) */
};

#define GW_TUN_OPT_F_REQUIRED (1u << 0) /**< tunnel add needs it (grammar: not optional) */
#define GW_TUN_OPT_F_UNNAMED  (1u << 1) /**< not named in the unknown-word error */
/**
 * Only for modes that carry IP packets: a tap mode (frames, carried as they
 * are) shows and saves no value for it, and its apply function refuses one
 * other than the default.
 */
#define GW_TUN_OPT_F_L3       (1u << 2)
/** Only a multipoint tunnel (remote any) has it: refused elsewhere unless default. */
#define GW_TUN_OPT_F_MULTIPOINT (1u << 3)
/** Only a tunnel over IPv6 (ip6gre, ip6gretap) has it: refused elsewhere unless default. */
#define GW_TUN_OPT_F_IP6 (1u << 4)

/** One row of gw_tunnel_opt.def. */
struct gw_tunnel_opt {
	enum gw_tunnel_opt_kind kind; /**< the code that handles it */
	uint16_t offset;              /**< of its field in struct gw_tunnel_conf */
	uint16_t size;                /**< of its field */
	uint16_t bit;                 /**< its GW_TUN_* bit, or 0 */
	uint32_t lo, hi;              /**< bounds of a number */
	uint32_t def;                 /**< value when tunnel add does not give it */
	unsigned int flags;           /**< GW_TUN_OPT_F_* */
	const char *word;             /**< command word */
	const char *off_word;         /**< word turning a flag off, or NULL */
	const char *json;             /**< JSON member name */
	const char *tel;              /**< telemetry dict key */
	const char *usage;            /**< grammar; NULL derived, "" none */
	const char *help_head;        /**< help line's first column, or NULL */
	const char *help;             /**< help text ('\n': next line), or NULL */
};

/** The rows, indexed by enum gw_tunnel_opt_id. */
extern const struct gw_tunnel_opt gw_tunnel_opts[GW_TUN_OPT_MAX];

/** What an alias does to its rows. */
enum gw_tunnel_alias_act {
	GW_TUN_ALIAS_VALUE, /**< reads a value, as the first of its rows does, into all */
	GW_TUN_ALIAS_ON,    /**< turns its rows on */
	GW_TUN_ALIAS_OFF,   /**< turns its rows off */
};

/** One alias of gw_tunnel_opt.def: a word setting several rows, or another name. */
struct gw_tunnel_alias {
	const char *word;             /**< command word */
	enum gw_tunnel_alias_act act; /**< what it does */
	uint32_t rows;                /**< GW_TUN_GIVEN_* of the rows it sets */
	enum gw_tunnel_opt_id anchor; /**< named before this row */
	const char *usage;            /**< grammar in the tunnel add line, or "" */
	const char *change_usage;     /**< grammar in the tunnel change line, or "" */
	const char *options;          /**< grammar in help tunnel's OPTIONS, or "" */
	const char *help_head;        /**< help line's first column, or NULL */
	const char *help;             /**< help text, or NULL */
};

/** The aliases, in the order of gw_tunnel_opt.def. */
extern const struct gw_tunnel_alias gw_tunnel_aliases[];
/** Number of aliases. */
extern const unsigned int gw_tunnel_nb_aliases;

/**
 * Whether a word of tunnel add/change is an option, and how many values follow it.
 *
 * @return 1 (a value follows), 2 (two do, unless the first is "off"), 0 (a
 *   word alone), -ENOENT (not an option word).
 */
int gw_tunnel_opt_takes_value(const char *word);

/**
 * Apply one option word (and its value) to a tunnel: sets the value, the
 * GW_TUN_* bits and the GW_TUN_GIVEN_* bits of every row it names.
 *
 * @param word
 *   A word for which gw_tunnel_opt_takes_value() is not negative.
 * @param val
 *   Its value when it takes one, else NULL.
 * @return 0, or -errno with err naming the word and the value.
 */
int gw_tunnel_opt_parse(const char *word, const char *val, struct gw_tunnel_conf *t,
			struct gw_error *err);

/**
 * The option words an unknown-word error names: "mode, local, ..., dev".
 *
 * @return the length written (truncated to size).
 */
size_t gw_tunnel_opt_words(char *buf, size_t size);

/**
 * The JSON member names of the options: "mode, local, ..., dev".
 *
 * @return the length written (truncated to size).
 */
size_t gw_tunnel_opt_json_members(char *buf, size_t size);

/** Set what tunnel add did not give to the rows' defaults (ttl 64, ...). */
void gw_tunnel_conf_defaults(struct gw_tunnel_conf *t);

/**
 * A tap mode (frames) refuses the rows only IP tunnels have (GW_TUN_OPT_F_L3),
 * and a point-to-point tunnel those only multipoint ones have
 * (GW_TUN_OPT_F_MULTIPOINT), with a value other than their default: the
 * parser, the RPC and tunnel change ask it.
 *
 * @return 0, or -EINVAL with err naming the word.
 */
int gw_tunnel_conf_check_mode(const struct gw_tunnel_conf *t, struct gw_error *err);

/**
 * The options of a tunnel as the words of tunnel add (" mode gre local ... dev
 * port0"), every row in order, each with a leading space, NUL-terminated.
 *
 * @return the length, or -ENOSPC when it does not fit in size.
 */
int gw_tunnel_conf_format(const struct gw_tunnel_conf *t, char *buf, size_t size);

/** Type of a value of gw_tunnel_opt_value(). */
enum gw_tunnel_val_type {
	GW_TUN_VAL_NONE, /**< absent: no key, no dev */
	GW_TUN_VAL_BOOL, /**< u is 0 or 1 */
	GW_TUN_VAL_UINT, /**< u */
	GW_TUN_VAL_STR,  /**< s */
};

/** The value of one option, as tunnel show and telemetry give it. */
struct gw_tunnel_val {
	enum gw_tunnel_val_type type; /**< which of u and s */
	uint64_t u;                   /**< number or boolean */
	const char *s;                /**< string: static, or buf */
	char buf[48];                 /**< room for an address */
};

/**
 * The value of one option of a tunnel: what tunnel show and telemetry print.
 *
 * @return v->type.
 */
enum gw_tunnel_val_type gw_tunnel_opt_value(enum gw_tunnel_opt_id id,
					    const struct gw_tunnel_conf *t,
					    struct gw_tunnel_val *v);

/**
 * The JSON value of one option.
 *
 * @param params
 *   true: as RPC params (an absent key is null: nokey); false: as tunnel show
 *   (NULL for an absent key or dev: the member is left out).
 * @return a new reference, or NULL.
 */
json_t *gw_tunnel_opt_json(enum gw_tunnel_opt_id id, const struct gw_tunnel_conf *t,
			   bool params);

/**
 * Add the options of a tunnel to a JSON object: the given ones as RPC params
 * (all == false), or every one as tunnel show names them (all == true).
 *
 * @return 0, or -ENOMEM.
 */
int gw_tunnel_conf_json(const struct gw_tunnel_conf *t, json_t *o, bool all);

/**
 * Read the options of a tunnel from RPC params, strictly: each member has
 * one type, values go through the command line's checks and messages.
 * Members not options (name) and unknown members are the caller's.
 *
 * @param method
 *   Named in type errors ("member \"mtu\" of tunnel.add must be an integer").
 * @return 0, or -errno with err set.
 */
int gw_tunnel_conf_from_json(json_t *params, const char *method, struct gw_tunnel_conf *t,
			     struct gw_error *err);

/**
 * tunnel change: the options delta gave (delta->given) replace those of c.
 */
void gw_tunnel_conf_merge(struct gw_tunnel_conf *c, const struct gw_tunnel_conf *delta);

/**
 * One option of a tunnel show result as text: " ikey 5", " ikey none",
 * " pmtudisc", " icsum yes", " tos 0x28", " gre" (mode: the value alone), or
 * nothing when the member is absent.
 *
 * @param v
 *   The member gw_tunnel_opt_json() wrote (NULL when absent).
 */
void gw_tunnel_opt_print(FILE *f, enum gw_tunnel_opt_id id, const json_t *v);

/** Which grammar gw_tunnel_opt_grammar() writes. */
enum gw_tunnel_grammar {
	GW_TUN_GRAMMAR_ADD,     /**< the tunnel add line of the usage */
	GW_TUN_GRAMMAR_CHANGE,  /**< the words tunnel change adds */
	GW_TUN_GRAMMAR_OPTIONS, /**< OPTIONS of help tunnel */
};

/**
 * The grammar of the options, wrapped at 80 columns: the first line starts
 * with first, the others with indent; ends with a newline.
 */
void gw_tunnel_opt_grammar(FILE *f, enum gw_tunnel_grammar g, const char *first,
			   const char *indent);

/** One help line per option and alias ("  ikey K      receive only ..."), in row order. */
void gw_tunnel_opt_help(FILE *f);

#endif /* GW_TUNNEL_OPT_H */
