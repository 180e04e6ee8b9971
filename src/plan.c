/*
 * Change plan for creating and removing HA relationships (see plan.h; the
 * files of the plan are listed in plan_internal.h). This file holds the
 * result, the choices and the settle bound, and adding a relationship.
 *
 * Adding works on copies of both servers' config-get arguments: the lease
 * commands hook (unless present) and the HA hook go at the end of
 * hooks-libraries, exactly as in the runtime creation that worked
 * (fixtures config-set.*.add-ha); for load-balancing every pool of the
 * service is split in two halves classed HA_<primary> and HA_<partner>
 * (plan_pool.c); a server already in relationships of the service becomes a
 * hub (plan_hub.c). Removal (plan_remove.c) undoes all of it.
 *
 * Rules not enforced by Kea are checked here and in plan_check.c; a refusal
 * is one sentence in plan_result.refusal and no configuration is produced.
 */
#include "plan.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "plan_internal.h"


/*
 * Default timings are Kea's own (heartbeat 10 s, max-response 60 s, ack
 * 10 s, 10 unacked clients): ISC's tested production values, which do not
 * declare a busy but alive partner down. Faster values (the lab's 1000 /
 * 4000 / 2000 / 0) are a choice the user makes knowingly. auto-failover on:
 * without it partner-down needs a human.
 */
void plan_add_choices_init(struct plan_add_choices *c)
{
	memset(c, 0, sizeof(*c));
	c->mode = HA_MODE_LOAD_BALANCING;
	c->service = KEA_DHCP4;
	c->heartbeat_delay = 10000;
	c->max_response_delay = 60000;
	c->max_ack_delay = 10000;
	c->max_unacked_clients = 10;
	c->auto_failover = true;
}

/*
 * After the second config-set the new server waits, syncs leases (each page
 * bounded by sync-timeout), reports ready, and both turn normal on their
 * next heartbeats; a partner that decided partner-down first needs up to a
 * max-response-delay. Kea's defaults (10 s, 60 s, 60 s) took 20-40 s on the
 * lab and get 190 s here; the lab's 1 s / 4 s and the default sync-timeout 80 s.
 */
double plan_settle_seconds(long heartbeat_ms, long max_response_ms, long sync_timeout_ms)
{
	double hb = (heartbeat_ms > 0 ? heartbeat_ms : 10000) / 1000.0;
	double mrd = (max_response_ms > 0 ? max_response_ms : 60000) / 1000.0;
	double sync = (sync_timeout_ms > 0 ? sync_timeout_ms : 60000) / 1000.0;
	double t = 10.0 + 6.0 * hb + mrd + sync;

	return t < PLAN_SETTLE_MIN ? PLAN_SETTLE_MIN : t > PLAN_SETTLE_MAX ? PLAN_SETTLE_MAX : t;
}

void plan_result_free(struct plan_result *r)
{
	for (int i = 0; i < 2; i++) {
		cJSON_Delete(r->config[i]);
		r->config[i] = NULL;
		sbuf_free(&r->diff[i]);
	}
	sbuf_free(&r->warnings);
}

void plan_result_init(struct plan_result *r)
{
	memset(r, 0, sizeof(*r));
	for (int i = 0; i < 2; i++)
		sbuf_init(&r->diff[i]);
	sbuf_init(&r->warnings);
}

bool plan_refuse(struct plan_result *r, const char *fmt, ...)
{
	va_list ap;

	/* The message may quote the configs: format it before freeing them. */
	va_start(ap, fmt);
	vsnprintf(r->refusal, sizeof(r->refusal), fmt, ap);
	va_end(ap);
	plan_result_free(r);
	r->ok = false;
	return false;
}

bool plan_why(char *why, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, size, fmt, ap);
	va_end(ap);
	return false;
}

cJSON *plan_keaha_ctx(cJSON *o, bool create)
{
	cJSON *uc = plan_item(o, "user-context"), *k;

	if (!uc && create)
		uc = cJSON_AddObjectToObject(o, "user-context");
	k = plan_item(uc, "keaha");
	if (!k && create && cJSON_IsObject(uc))
		k = cJSON_AddObjectToObject(uc, "keaha");
	return k;
}

void plan_keaha_ctx_drop(cJSON *o, const char *key)
{
	cJSON *uc = plan_item(o, "user-context"), *k = plan_item(uc, "keaha");

	cJSON_DeleteItemFromObjectCaseSensitive(k, key);
	if (k && !k->child)
		cJSON_DeleteItemFromObjectCaseSensitive(uc, "keaha");
	if (uc && !uc->child)
		cJSON_DeleteItemFromObjectCaseSensitive(o, "user-context");
}

/* ---- the new high-availability entry ----------------------------------------- */

static cJSON *peer_entry(const struct plan_add_choices *c, const struct plan_server *s,
			 enum ha_role role)
{
	cJSON *p = cJSON_CreateObject();

	cJSON_AddStringToObject(p, "name", s->name);
	cJSON_AddStringToObject(p, "url", s->url);
	cJSON_AddStringToObject(p, "role", ha_role_name(role));
	cJSON_AddBoolToObject(p, "auto-failover", c->auto_failover);
	if (!plan_empty(c->basic_auth_user)) {
		cJSON_AddStringToObject(p, "basic-auth-user", c->basic_auth_user);
		cJSON_AddStringToObject(p, "basic-auth-password",
					c->basic_auth_password ? c->basic_auth_password : "");
	}
	return p;
}

/* The high-availability[] entry for one server, keys in Kea's documented order. */
static cJSON *ha_entry(const struct plan_add_choices *c, const char *self)
{
	cJSON *e = cJSON_CreateObject(), *peers, *uc;

	cJSON_AddStringToObject(e, "this-server-name", self);
	cJSON_AddStringToObject(e, "mode", ha_mode_name(c->mode));
	cJSON_AddNumberToObject(e, "heartbeat-delay", (double)c->heartbeat_delay);
	cJSON_AddNumberToObject(e, "max-response-delay", (double)c->max_response_delay);
	cJSON_AddNumberToObject(e, "max-ack-delay", (double)c->max_ack_delay);
	cJSON_AddNumberToObject(e, "max-unacked-clients", (double)c->max_unacked_clients);
	if (!plan_empty(c->trust_anchor))
		cJSON_AddStringToObject(e, "trust-anchor", c->trust_anchor);
	if (!plan_empty(c->cert_file))
		cJSON_AddStringToObject(e, "cert-file", c->cert_file);
	if (!plan_empty(c->key_file))
		cJSON_AddStringToObject(e, "key-file", c->key_file);
	uc = cJSON_AddObjectToObject(e, "user-context");
	cJSON_AddStringToObject(cJSON_AddObjectToObject(uc, "keaha"), "name", c->name);
	peers = cJSON_AddArrayToObject(e, "peers");
	cJSON_AddItemToArray(peers, peer_entry(c, &c->primary, HA_ROLE_PRIMARY));
	cJSON_AddItemToArray(peers, peer_entry(c, &c->partner,
					       c->mode == HA_MODE_LOAD_BALANCING ? HA_ROLE_SECONDARY
										 : HA_ROLE_STANDBY));
	return e;
}

/*
 * Kea 3 (and 2.7+) HA opens, by default, a dedicated listener on the port of
 * its own peer URL, which answers 403 to management commands. A direct
 * daemon's HA shares its control socket instead; behind a Kea 3 agent HA
 * runs without multi-threading so the agent's port stays the agent's.
 */
static void add_http_mode(cJSON *e, const struct plan_server *s)
{
	cJSON *mt;

	if (!s->direct && s->kea_major < 3)
		return;
	mt = cJSON_AddObjectToObject(e, "multi-threading");
	cJSON_AddBoolToObject(mt, "enable-multi-threading", s->direct);
	if (s->direct)
		cJSON_AddBoolToObject(mt, "http-dedicated-listener", false);
	/* peers last, as Kea documents the entry */
	cJSON_AddItemToObject(e, "peers", cJSON_DetachItemFromObjectCaseSensitive(e, "peers"));
}

static void diff_ha(struct sbuf *d, const cJSON *e)
{
	const cJSON *p, *mt = plan_item(e, "multi-threading");

	sbuf_printf(d, "+ high-availability: relationship %s, %s, this-server-name %s, "
		    "heartbeat-delay %d, max-response-delay %d, max-ack-delay %d, "
		    "max-unacked-clients %d\n",
		    plan_str(plan_item(plan_item(e, "user-context"), "keaha"), "name"), plan_str(e, "mode"),
		    plan_str(e, "this-server-name"), plan_item(e, "heartbeat-delay")->valueint,
		    plan_item(e, "max-response-delay")->valueint, plan_item(e, "max-ack-delay")->valueint,
		    plan_item(e, "max-unacked-clients")->valueint);
	cJSON_ArrayForEach(p, plan_item(e, "peers"))
		sbuf_printf(d, "+   peer %s %s %s auto-failover %s%s%s\n", plan_str(p, "name"),
			    plan_str(p, "role"), plan_str(p, "url"),
			    cJSON_IsTrue(plan_item(p, "auto-failover")) ? "true" : "false",
			    plan_str(p, "basic-auth-user") ? ", basic-auth-user " : "",
			    plan_str(p, "basic-auth-user") ? plan_str(p, "basic-auth-user") : "");
	if (plan_str(e, "trust-anchor"))
		sbuf_printf(d, "+   TLS trust-anchor %s cert-file %s key-file %s\n",
			    plan_str(e, "trust-anchor"), plan_str(e, "cert-file"), plan_str(e, "key-file"));
	if (cJSON_IsTrue(plan_item(mt, "enable-multi-threading")))
		sbuf_printf(d, "+   HA through the daemon's own control socket (multi-threading, no "
			    "dedicated listener)\n");
	else if (mt)
		sbuf_printf(d, "+   HA through the Control Agents (no HA multi-threading)\n");
	if (plan_str(plan_item(e, "peers")->child, "basic-auth-password"))
		sbuf_printf(d, "+   basic-auth-password %s\n", PLAN_MASK);
}

/* ---- the rules on the choices and on both servers ------------------------------- */

static bool name_used(const struct plan_add_choices *c, const struct kea_config *k,
		      const bool *have, int nk)
{
	for (size_t i = 0; i < c->nknown; i++)
		if (util_streq(c->known_names[i], c->name))
			return true;
	for (int i = 0; i < nk; i++)
		for (int j = 0; have[i] && j < k[i].nrels; j++)
			if (util_streq(k[i].rel[j].keaha_name, c->name))
				return true;
	return false;
}

/* Whether this server is secondary/standby (its own peer's role) in any relationship. */
static bool is_secondary(const struct kea_config *k)
{
	for (int j = 0; j < k->nrels; j++)
		for (int p = 0; p < k->rel[j].npeers; p++)
			if (util_streq(k->rel[j].peer[p].name, k->rel[j].this_server_name) &&
			    (k->rel[j].peer[p].role == HA_ROLE_SECONDARY ||
			     k->rel[j].peer[p].role == HA_ROLE_STANDBY))
				return true;
	return false;
}

static bool check_choices(const struct plan_add_choices *c, struct plan_result *r)
{
	if (plan_empty(c->name))
		return plan_refuse(r, "the relationship needs a name");
	if (c->mode != HA_MODE_LOAD_BALANCING && c->mode != HA_MODE_HOT_STANDBY)
		return plan_refuse(r, "mode must be load-balancing or hot-standby (backup servers are not "
				   "supported)");
	if (plan_empty(c->primary.name) || plan_empty(c->partner.name))
		return plan_refuse(r, "both servers need a name");
	if (strcmp(c->primary.name, c->partner.name) == 0)
		return plan_refuse(r, "the primary and its partner are the same server (%s)",
				   c->primary.name);
	return true;
}

/*
 * Decodes server i's configuration of the service into k[i] and applies the
 * per-server rules: a server already in relationships of this service must
 * make a hub (plan_hub_ok), and only one of the two may (*hub).
 */
static bool check_server(const struct plan_add_choices *c, int i, struct kea_config *k,
			 struct plan_result *r, int *hub)
{
	const struct plan_server *s = i == 0 ? &c->primary : &c->partner;
	enum ha_role role = i == 0 ? HA_ROLE_PRIMARY : c->mode == HA_MODE_LOAD_BALANCING ?
			    HA_ROLE_SECONDARY : HA_ROLE_STANDBY;
	char err[DECODE_ERR_LEN], why[PLAN_REASON_LEN];

	strlcpy_(r->self[i], s->name, sizeof(r->self[i]));
	if (!decode_config(s->config, c->service, &k[i], err, sizeof(err)))
		return plan_refuse(r, "%s does not run %s (its configuration has no %s map)", s->name,
				   kea_service_label(c->service), kea_service_config_key(c->service));
	if (!k[i].has_ha_hook && k[i].nrels == 0)
		return true;
	if (*hub >= 0)
		return plan_refuse(r, "both %s and %s already have %s relationships: only one of them "
				   "can be a hub", c->primary.name, c->partner.name,
				   kea_service_label(c->service));
	if (!plan_hub_ok(c, s, &k[i], role, why, sizeof(why)))
		return plan_refuse(r, "%s", why);
	*hub = i;
	return true;
}

/*
 * Both configs ([0] primary, [1] partner) and their other service's ([2],
 * [3]): the per-server rules, the product's "a secondary never becomes
 * primary" across services, a name not used yet. self[i] gets each
 * server's this-server-name for the new relationship.
 */
static bool check_servers(const struct plan_add_choices *c, struct plan_result *r, int *hub)
{
	const struct plan_server *s[2] = {&c->primary, &c->partner};
	struct kea_config *k = xcalloc(4, sizeof(*k));
	enum kea_service other = c->service == KEA_DHCP4 ? KEA_DHCP6 : KEA_DHCP4;
	char err[DECODE_ERR_LEN];
	bool have[4] = {false, false, false, false}, ok = true;

	*hub = -1;
	for (int i = 0; ok && i < 2; i++) {
		ok = check_server(c, i, k, r, hub);
		have[i] = ok;
		have[2 + i] = ok && s[i]->other &&
			      decode_config(s[i]->other, other, &k[2 + i], err, sizeof(err));
	}
	if (ok && *hub >= 0)
		plan_hub_name(&k[*hub], s[*hub]->name, s[1 - *hub]->name, r->self[*hub],
			      sizeof(r->self[0]));
	if (ok && have[2] && is_secondary(&k[2]))
		ok = plan_refuse(r, "%s is secondary in a %s relationship: it cannot become primary in "
				 "another", c->primary.name, kea_service_label(other));
	if (ok && name_used(c, k, have, 4))
		ok = plan_refuse(r, "a relationship named %s already exists", c->name);
	free(k);
	return ok;
}

bool plan_add(const struct plan_add_choices *c, struct plan_result *out)
{
	const struct plan_server *s[2] = {&c->primary, &c->partner};
	struct plan_add_choices named = *c;
	char why[PLAN_REASON_LEN];
	int hub;

	plan_result_init(out);
	if (!check_choices(c, out) || !check_servers(c, out, &hub))
		return false;
	/* The peers by their names in this relationship (a hub's may differ). */
	named.primary.name = out->self[0];
	named.partner.name = out->self[1];
	for (int i = 0; i < 2; i++) {
		cJSON *e = ha_entry(&named, out->self[i]);
		add_http_mode(e, s[i]);
		if (!plan_check_ha(e, why, sizeof(why))) {
			cJSON_Delete(e);
			return plan_refuse(out, "%s", why);
		}
		out->config[i] = plan_dup(s[i]->config);
		plan_hooks_add_ha(out->config[i], &named, e, &out->diff[i]);
		diff_ha(&out->diff[i], e);
	}
	if (hub >= 0 && !plan_hub_tie_subnets(c, out, hub))
		return false;
	if (c->mode == HA_MODE_LOAD_BALANCING && !plan_pool_split(c, out))
		return false;
	out->ok = true;
	return true;
}
