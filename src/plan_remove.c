/*
 * Removing a relationship from both servers' configurations: found by
 * keaha's name or a this-server-name on one server and by its peers on the
 * other; the HA entry (and hooks keaha added) taken out (plan_hooks.c); a
 * load-balancing split merged back on the primary and, with keep or
 * disable, on the secondary; then the secondary's scopes kept, disabled
 * (pools moved to user-context keaha.disabled-pools, reversible) or
 * deleted. A hub keeps its other relationships (plan_hub.c).
 */
#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan_internal.h"

/* A relationship as found on one server. */
struct found {
	cJSON *hook;     /* the HA hooks-libraries entry */
	cJSON *entry;    /* its high-availability[] element */
};

static bool entry_named(const cJSON *e, const char *name)
{
	return util_streq(plan_str(plan_item(plan_item(e, "user-context"), "keaha"), "name"), name) ||
	       util_streq(plan_str(e, "this-server-name"), name);
}

/* Same relationship: the same set of peer names. */
static bool same_peers(const cJSON *a, const cJSON *b)
{
	const cJSON *p, *q;

	if (cJSON_GetArraySize(plan_item(a, "peers")) != cJSON_GetArraySize(plan_item(b, "peers")))
		return false;
	cJSON_ArrayForEach(p, plan_item(a, "peers")) {
		bool found = false;
		cJSON_ArrayForEach(q, plan_item(b, "peers"))
			found |= util_streq(plan_str(p, "name"), plan_str(q, "name"));
		if (!found)
			return false;
	}
	return true;
}

/* Finds the entry by name, or (with like) the entry with like's peers. */
static bool find_rel(cJSON *args, enum kea_service service, const char *name, const cJSON *like,
		     struct found *f)
{
	cJSON *hook = plan_hooks_find_ha(args, service), *e;

	cJSON_ArrayForEach(e, plan_hooks_ha_list(hook)) {
		if (like ? same_peers(e, like) : entry_named(e, name)) {
			f->hook = hook;
			f->entry = e;
			return true;
		}
	}
	return false;
}

/* Finds the relationship on both servers: f[i] on config[i]. */
static bool find_both(const struct plan_remove_choices *c, struct plan_result *r,
		      struct found f[2])
{
	int a = find_rel(r->config[0], c->service, c->name, NULL, &f[0]) ? 0 : 1;

	if (a == 1 && !find_rel(r->config[1], c->service, c->name, NULL, &f[1]))
		return plan_refuse(r, "no %s relationship named %s on either server",
				   kea_service_label(c->service), c->name);
	if (!find_rel(r->config[1 - a], c->service, NULL, f[a].entry, &f[1 - a]))
		return plan_refuse(r, "relationship %s is configured on one server only", c->name);
	return true;
}

/* The peer name with one of the two roles given. */
static const char *peer_with_role(const cJSON *e, enum ha_role r1, enum ha_role r2)
{
	const cJSON *p;

	cJSON_ArrayForEach(p, plan_item(e, "peers")) {
		enum ha_role r = ha_role_parse(plan_str(p, "role"));
		if (r == r1 || r == r2)
			return plan_str(p, "name");
	}
	return NULL;
}

/* Pool merge on one server, then what the scopes choice says for the secondary. */
static void remove_scopes(cJSON *args, const struct plan_remove_choices *c, bool lb,
			  bool secondary, const char *const cls[2], struct sbuf *d)
{
	struct plan_subnets s;

	if (secondary && c->scopes == PLAN_SCOPES_DELETE) {
		plan_subnet_delete_all(args, c->service, d);
		return;
	}
	plan_subnet_collect(args, c->service, &s);
	for (size_t i = 0; i < s.n; i++) {
		if (lb)
			plan_pool_merge(s.v[i], cls, d);
		if (secondary && c->scopes == PLAN_SCOPES_DISABLE)
			plan_subnet_disable(s.v[i], d);
	}
	free(s.v);
}

/*
 * What removal needs to know of the relationship, copied from the entry
 * before it is freed: its label, mode, and the secondary's name and both
 * peers' HA_<server> classes.
 */
struct removal {
	char label[KEA_NAME_LEN];
	char sec[KEA_NAME_LEN];
	char cls[2][KEA_NAME_LEN + 4];
	bool lb;
};

static bool removal_of(const struct plan_remove_choices *c, const cJSON *entry,
		       struct plan_result *r, struct removal *rm)
{
	const char *prim = peer_with_role(entry, HA_ROLE_PRIMARY, HA_ROLE_PRIMARY);
	const char *s = peer_with_role(entry, HA_ROLE_SECONDARY, HA_ROLE_STANDBY);
	const char *n = plan_str(plan_item(plan_item(entry, "user-context"), "keaha"), "name");

	rm->lb = ha_mode_parse(plan_str(entry, "mode")) == HA_MODE_LOAD_BALANCING;
	if (!prim || !s)
		return plan_refuse(r, "relationship %s has no primary and secondary/standby", c->name);
	snprintf(rm->cls[0], sizeof(rm->cls[0]), "HA_%s", prim);
	snprintf(rm->cls[1], sizeof(rm->cls[1]), "HA_%s", s);
	strlcpy_(rm->sec, s, sizeof(rm->sec));
	strlcpy_(rm->label, n ? n : c->name, sizeof(rm->label));
	return true;
}

/* Takes the relationship out of server i's configuration, then its scopes as chosen. */
static void remove_from(const struct plan_remove_choices *c, const struct removal *rm,
			const struct found *f, int i, struct plan_result *out)
{
	const char *const clsp[2] = {rm->cls[0], rm->cls[1]};
	const char *self = plan_str(f->entry, "this-server-name");
	bool secondary = util_streq(self, rm->sec);
	bool hub = cJSON_GetArraySize(plan_hooks_ha_list(f->hook)) > 1;
	struct plan_hub_names nm;

	plan_hub_names_of(f->entry, &nm);
	strlcpy_(out->self[i], self ? self : "", sizeof(out->self[i]));
	plan_hooks_remove_ha(out->config[i], c->service, f->hook, f->entry, rm->label,
			     &out->diff[i]);
	if (hub)
		plan_hub_detach(out->config[i], c, secondary, &nm, out->self[i], &out->diff[i],
				&out->warnings);
	else
		remove_scopes(out->config[i], c, rm->lb, secondary, clsp, &out->diff[i]);
}

bool plan_remove(const struct plan_remove_choices *c, struct plan_result *out)
{
	struct found f[2];
	struct removal rm;

	plan_result_init(out);
	if (c->scopes == PLAN_SCOPES_UNSET)
		return plan_refuse(out, "choose what happens to the secondary's scopes: keep, disable "
				   "or delete");
	if (plan_empty(c->name) || !c->config[0] || !c->config[1])
		return plan_refuse(out, "removal needs a relationship name and both configurations");
	for (int i = 0; i < 2; i++)
		out->config[i] = plan_dup(c->config[i]);
	if (!find_both(c, out, f) || !removal_of(c, f[0].entry, out, &rm))
		return false;
	for (int i = 0; i < 2; i++)
		remove_from(c, &rm, &f[i], i, out);
	if (c->scopes == PLAN_SCOPES_KEEP && !plan_has_ha(out->config[0], c->service) &&
	    !plan_has_ha(out->config[1], c->service))
		sbuf_printf(&out->warnings, "%s and %s will both hand out the same pools "
			    "independently: two clients can get one address\n", rm.cls[0] + 3, rm.sec);
	out->ok = true;
	return true;
}
