/*
 * What the files of the change plan share and nobody else uses (plan.h is
 * the plan's public face). The plan is one module in several files, one
 * noun each:
 *
 *   plan.c          the result, the choices, the settle bound, and adding
 *   plan_remove.c   removing a relationship and what becomes of the scopes
 *   plan_check.c    the rules Kea skips on one HA entry, peer URLs, Kea versions
 *   plan_hooks.c    hooks-libraries: where they live, the HA hook in and out
 *   plan_subnet.c   a service's subnets: collected, compared, disabled, deleted
 *   plan_pool.c     address ranges and the load-balancing pool split and merge
 *   plan_hub.c      hub-and-spoke: who may be a hub, its names, subnet ties
 *   plan_secrets.c  passwords masked in what is shown, put back in what is sent
 *
 * A name exported between them carries its file's noun (plan_pool_split,
 * plan_hub_ok); everything else stays static in its file.
 */
#ifndef KEAHA_PLAN_INTERNAL_H
#define KEAHA_PLAN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "decode.h"
#include "plan.h"
#include "util.h"

#define PLAN_LIB_HA "libdhcp_ha.so"
#define PLAN_LIB_LEASE_CMDS "libdhcp_lease_cmds.so"

/* ---- small accessors, the same in every file -------------------------------- */

static inline bool plan_empty(const char *s)
{
	return !s || !*s;
}

static inline cJSON *plan_item(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

static inline const char *plan_str(const cJSON *o, const char *key)
{
	const cJSON *v = plan_item(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A deep copy; running out of memory is fatal, as everywhere in keaha. */
static inline cJSON *plan_dup(const cJSON *o)
{
	cJSON *c = cJSON_Duplicate(o, true);

	if (!c)
		util_fatal("out of memory");
	return c;
}

static inline const char *plan_subnet_key(enum kea_service s)
{
	return s == KEA_DHCP6 ? "subnet6" : "subnet4";
}

/* ---- plan.c ------------------------------------------------------------------ */

/* An empty result: no configuration, empty diffs and warnings. */
void plan_result_init(struct plan_result *r);

/* Sets the refusal, drops anything produced so far; returns false. */
bool plan_refuse(struct plan_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Formats why into a caller's buffer; returns false, so a check can end with it. */
bool plan_why(char *why, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The user-context.keaha map of a pool or subnet (created on demand), or NULL. */
cJSON *plan_keaha_ctx(cJSON *o, bool create);
/* Removes key from user-context.keaha, then the maps it leaves empty. */
void plan_keaha_ctx_drop(cJSON *o, const char *key);

/* ---- plan_check.c -------------------------------------------------------------- */

/* Whether a server's Kea version (0.0.0 when unknown) is at least major.minor.patch. */
bool plan_check_version(const struct plan_server *s, int major, int minor, int patch);

/* ---- plan_hooks.c -------------------------------------------------------------- */

/* The HA hook's entry in the service's hooks-libraries, or NULL. */
cJSON *plan_hooks_find_ha(const cJSON *args, enum kea_service service);
/* The high-availability list in an HA hook's parameters, or NULL. */
cJSON *plan_hooks_ha_list(const cJSON *hook);
/*
 * Puts the new high-availability entry in one server's configuration: into
 * the HA hook it runs (a hub), else after lease_cmds (added unless there)
 * in a new HA hook entry; one diff line per library added.
 */
void plan_hooks_add_ha(cJSON *args, const struct plan_add_choices *c, cJSON *entry,
		       struct sbuf *d);
/* Takes the relationship's entry out; the hooks go with the last one (see plan_hooks.c). */
void plan_hooks_remove_ha(cJSON *args, enum kea_service service, cJSON *hook, cJSON *entry,
			  const char *name, struct sbuf *d);

/* ---- plan_subnet.c ------------------------------------------------------------- */

/* The subnets of the service: top level and inside shared networks (borrowed). */
struct plan_subnets {
	cJSON **v;
	size_t n, cap;
};

void plan_subnet_collect(const cJSON *args, enum kea_service service, struct plan_subnets *s);
/* The subnet's prefix, "?" when it has none: for messages and diff lines. */
const char *plan_subnet_label(const cJSON *sn);
/* The same subnet on two servers: the same prefix, and the same id where both have one. */
bool plan_subnet_same(const cJSON *a, const cJSON *b);
/* Pools (and pd-pools) into user-context keaha.disabled-pools: no address served. */
void plan_subnet_disable(cJSON *sn, struct sbuf *d);
/* Every subnet of the service goes, top level and in shared networks. */
void plan_subnet_delete_all(cJSON *args, enum kea_service service, struct sbuf *d);

/* ---- plan_pool.c --------------------------------------------------------------- */

/* Load-balancing: every pool split in two halves, HA_<primary> and HA_<partner>, on both. */
bool plan_pool_split(const struct plan_add_choices *c, struct plan_result *r);
/* Undoes plan_pool_split in one subnet (cls: the two HA_<server> classes). */
void plan_pool_merge(cJSON *sn, const char *const cls[2], struct sbuf *d);

/* ---- plan_hub.c ---------------------------------------------------------------- */

/* Whether a server with relationships of this service may take one more; false with why. */
bool plan_hub_ok(const struct plan_add_choices *c, const struct plan_server *s,
		 const struct kea_config *k, enum ha_role role, char *why, size_t size);
/* A this-server-name new to the hub, for its new relationship. */
void plan_hub_name(const struct kea_config *k, const char *base, const char *other, char *out,
		   size_t size);
/* Ties the spoke's subnets on the hub to the new relationship (server hub: 0 or 1). */
bool plan_hub_tie_subnets(const struct plan_add_choices *c, struct plan_result *r, int hub);

/* The peer names of a relationship entry, copied before the entry goes. */
struct plan_hub_names {
	int n;
	char v[HA_MAX_PEERS][KEA_NAME_LEN];
};

void plan_hub_names_of(const cJSON *entry, struct plan_hub_names *nm);
/* On a hub losing one relationship: its subnets keep no pools, or go (delete on a standby). */
void plan_hub_detach(cJSON *args, const struct plan_remove_choices *c, bool secondary,
		     const struct plan_hub_names *nm, const char *hub, struct sbuf *d,
		     struct sbuf *w);

#endif
