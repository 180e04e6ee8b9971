/*
 * Hub-and-spoke (Kea 3 README section 4): one server in several
 * relationships of a service, each with a this-server-name of its own, and
 * each of its subnets tied to one of them by user-context "ha-server-name"
 * (Kea drops the clients of an untied subnet once a hub has several). Who
 * may become a hub, the hub's name in its new relationship, tying the
 * spoke's subnets on adding, and what the hub keeps on removal.
 */
#include "plan.h"

#include <stdio.h>
#include <stdlib.h>

#include "plan_internal.h"

/* This server's own role in one of its relationships. */
static enum ha_role own_role(const struct ha_rel_config *rel)
{
	for (int p = 0; p < rel->npeers; p++)
		if (util_streq(rel->peer[p].name, rel->this_server_name))
			return rel->peer[p].role;
	return HA_ROLE_UNKNOWN;
}

/* "2.5.4", or "an unknown version" when version-get did not say. */
static void version_text(const struct plan_server *s, char *out, size_t size)
{
	if (s->kea_major <= 0)
		snprintf(out, size, "an unknown version");
	else
		snprintf(out, size, "%d.%d.%d", s->kea_major, s->kea_minor, s->kea_patch);
}

/*
 * Kea 2.5.5 or later (the first with several relationships per server),
 * hot-standby only, and the same role in every relationship (a standby
 * somewhere never becomes a primary elsewhere).
 */
bool plan_hub_ok(const struct plan_add_choices *c, const struct plan_server *s,
		 const struct kea_config *k, enum ha_role role, char *why, size_t size)
{
	const char *svc = kea_service_label(c->service);
	char version[48];

	if (!plan_check_version(s, 2, 5, 5)) {
		version_text(s, version, sizeof(version));
		return plan_why(why, size, "%s already has a %s HA relationship: one per service and "
				"server (several, hub-and-spoke, need Kea 2.5.5 or later; it runs %s)",
				s->name, svc, version);
	}
	if (c->mode != HA_MODE_HOT_STANDBY)
		return plan_why(why, size, "%s already has a %s HA relationship: a hub takes more in "
				"hot-standby only", s->name, svc);
	if (k->nrels < 1 || k->nrels >= HA_MAX_RELS)
		return plan_why(why, size, "%s has an HA hook with %d relationships: not a hub keaha "
				"can extend", s->name, k->nrels);
	for (int j = 0; j < k->nrels; j++) {
		enum ha_role own = own_role(&k->rel[j]);
		if (k->rel[j].mode != HA_MODE_HOT_STANDBY)
			return plan_why(why, size, "%s is in a %s relationship (%s): a hub's "
					"relationships are all hot-standby", s->name,
					ha_mode_name(k->rel[j].mode), k->rel[j].this_server_name);
		if (own != role)
			return plan_why(why, size, "%s is %s in relationship %s: it cannot be %s in "
					"another", s->name, ha_role_name(own),
					k->rel[j].this_server_name, ha_role_name(role));
	}
	return true;
}

static bool name_taken(const struct kea_config *k, const char *name, const char *other)
{
	if (util_streq(name, other))
		return true;
	for (int j = 0; j < k->nrels; j++)
		for (int p = 0; p < k->rel[j].npeers; p++)
			if (util_streq(k->rel[j].peer[p].name, name))
				return true;
	return false;
}

/*
 * Kea maps every peer name of every relationship to that relationship, so
 * the hub's name must be new to it: keaha's name for the server, else NAME-N.
 */
void plan_hub_name(const struct kea_config *k, const char *base, const char *other, char *out,
		   size_t size)
{
	snprintf(out, size, "%s", base);
	for (int n = k->nrels + 1; name_taken(k, out, other) && n < k->nrels + 100; n++)
		snprintf(out, size, "%s-%d", base, n);
}

/* ---- subnet ties ---------------------------------------------------------------- */

/* The user-context "ha-server-name" of a subnet: which relationship of a hub serves it. */
static const char *tie_of(const cJSON *sn)
{
	return plan_str(plan_item(sn, "user-context"), "ha-server-name");
}

static void tie(cJSON *sn, const char *name, const char *hub, struct sbuf *d)
{
	cJSON *uc = plan_item(sn, "user-context");

	if (!cJSON_IsObject(uc)) {
		cJSON_DeleteItemFromObjectCaseSensitive(sn, "user-context");
		uc = cJSON_AddObjectToObject(sn, "user-context");
	}
	cJSON_DeleteItemFromObjectCaseSensitive(uc, "ha-server-name");
	cJSON_AddStringToObject(uc, "ha-server-name", name);
	sbuf_printf(d, "~ subnet %s: served by %s's relationship %s (user-context ha-server-name)\n",
		    plan_subnet_label(sn), hub, name);
}

/*
 * Marks in mine[] the hub's subnets the spoke has: each must be on the hub
 * (same subnet and id), untied or tied to this relationship already.
 */
static bool spoke_subnets_on_hub(const struct plan_add_choices *c, struct plan_result *r,
				 int hub, const struct plan_subnets *hs,
				 const struct plan_subnets *ss, bool *mine)
{
	const char *hub_name = hub == 0 ? c->primary.name : c->partner.name;
	const char *spoke_name = hub == 0 ? c->partner.name : c->primary.name;

	for (size_t i = 0; i < ss->n; i++) {
		size_t j = 0;
		while (j < hs->n && !plan_subnet_same(ss->v[i], hs->v[j]))
			j++;
		if (j == hs->n)
			return plan_refuse(r, "subnet %s of %s is not on %s: a hub needs its spokes' "
					   "subnets (same subnet and id); add it there first",
					   plan_subnet_label(ss->v[i]), spoke_name, hub_name);
		if (tie_of(hs->v[j]) && !util_streq(tie_of(hs->v[j]), r->self[hub]))
			return plan_refuse(r, "subnet %s on %s already belongs to its relationship %s",
					   plan_subnet_label(hs->v[j]), hub_name, tie_of(hs->v[j]));
		mine[j] = true;
	}
	return true;
}

/*
 * Every subnet of the spoke is tied to the new relationship on the hub;
 * with one relationship so far, the hub's untied subnets are tied to that
 * one, since from now on Kea drops the clients of an untied subnet.
 */
bool plan_hub_tie_subnets(const struct plan_add_choices *c, struct plan_result *r, int hub)
{
	const char *hub_name = hub == 0 ? c->primary.name : c->partner.name;
	const cJSON *list = plan_hooks_ha_list(plan_hooks_find_ha(r->config[hub], c->service));
	const char *first = cJSON_GetArraySize(list) == 2 ?
			    plan_str(list->child, "this-server-name") : NULL;
	struct plan_subnets hs, ss;
	bool ok, *mine;

	plan_subnet_collect(r->config[hub], c->service, &hs);
	plan_subnet_collect(r->config[1 - hub], c->service, &ss);
	mine = xcalloc(hs.n + 1, sizeof(*mine));
	ok = spoke_subnets_on_hub(c, r, hub, &hs, &ss, mine);
	for (size_t j = 0; ok && j < hs.n; j++) {
		if (mine[j])
			tie(hs.v[j], r->self[hub], hub_name, &r->diff[hub]);
		else if (!tie_of(hs.v[j]) && first)
			tie(hs.v[j], first, hub_name, &r->diff[hub]);
		else if (!tie_of(hs.v[j]))
			sbuf_printf(&r->warnings, "subnet %s on %s is tied to none of its relationships: "
				    "Kea drops its clients' packets\n", plan_subnet_label(hs.v[j]),
				    hub_name);
	}
	free(mine);
	free(hs.v);
	free(ss.v);
	return ok;
}

/* ---- removing a spoke --------------------------------------------------------------- */

void plan_hub_names_of(const cJSON *entry, struct plan_hub_names *nm)
{
	const cJSON *p;

	nm->n = 0;
	cJSON_ArrayForEach(p, plan_item(entry, "peers"))
		if (nm->n < HA_MAX_PEERS && plan_str(p, "name"))
			strlcpy_(nm->v[nm->n++], plan_str(p, "name"), sizeof(nm->v[0]));
}

static bool tied_to(const cJSON *sn, const struct plan_hub_names *nm)
{
	for (int i = 0; i < nm->n; i++)
		if (util_streq(tie_of(sn), nm->v[i]))
			return true;
	return false;
}

/* Deletes the subnets of one list tied to the removed relationship. */
static void drop_tied(cJSON *list, const struct plan_hub_names *nm, struct sbuf *d)
{
	cJSON *sn = list ? list->child : NULL;

	while (sn) {
		cJSON *next = sn->next;
		if (tied_to(sn, nm)) {
			sbuf_printf(d, "- subnet %s (served by the removed relationship)\n",
				    plan_subnet_label(sn));
			cJSON_Delete(cJSON_DetachItemViaPointer(list, sn));
		}
		sn = next;
	}
}

/* A subnet tied to the removed relationship: pools and tie kept aside in user-context keaha. */
static void untie(cJSON *sn, const char *hub, struct sbuf *d, struct sbuf *w)
{
	cJSON *k;

	plan_subnet_disable(sn, d);
	k = plan_keaha_ctx(sn, true);
	cJSON_DeleteItemFromObjectCaseSensitive(k, "ha-server-name");
	cJSON_AddStringToObject(k, "ha-server-name", tie_of(sn));
	cJSON_DeleteItemFromObjectCaseSensitive(plan_item(sn, "user-context"), "ha-server-name");
	sbuf_printf(d, "~ subnet %s: no longer tied to a relationship (kept in user-context "
		    "keaha.ha-server-name)\n", plan_subnet_label(sn));
	sbuf_printf(w, "subnet %s stays on hub %s without pools: a hub cannot serve it without "
		    "the relationship\n", plan_subnet_label(sn), hub);
}

/*
 * A hub keeps its other relationships, and a subnet tied to the removed one
 * cannot stay served: tied to no relationship Kea drops its clients, and
 * with one relationship left it would be served (and its leases sent)
 * under the wrong one. So on the hub those subnets keep no pools: pools and
 * tie go to user-context keaha (disabled-pools, ha-server-name), to be
 * undone by hand; with delete on a standby hub they are deleted.
 */
void plan_hub_detach(cJSON *args, const struct plan_remove_choices *c, bool secondary,
		     const struct plan_hub_names *nm, const char *hub, struct sbuf *d,
		     struct sbuf *w)
{
	cJSON *dhcp = plan_item(args, kea_service_config_key(c->service)), *net;
	struct plan_subnets s;

	if (secondary && c->scopes == PLAN_SCOPES_DELETE) {
		drop_tied(plan_item(dhcp, plan_subnet_key(c->service)), nm, d);
		cJSON_ArrayForEach(net, plan_item(dhcp, "shared-networks"))
			drop_tied(plan_item(net, plan_subnet_key(c->service)), nm, d);
		return;
	}
	plan_subnet_collect(args, c->service, &s);
	for (size_t i = 0; i < s.n; i++)
		if (tied_to(s.v[i], nm))
			untie(s.v[i], hub, d, w);
	free(s.v);
}
