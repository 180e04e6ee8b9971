/*
 * The on-call actions, decided. Each action reads the peers' views (as the
 * verdict does), refuses when the situation makes it wrong or pointless, and
 * otherwise lists the commands, the words for what happens to DHCP service
 * and the states to expect. Kea's own behaviour behind each rule is in
 * shared/kea/README.md sections 4-6 and kea3/README.md section 4.
 *
 * This file holds what every action shares: the table of actions (name,
 * help, decide function, whether it is a way out of a service that is
 * down), the context, the wording helpers, and the guard that comes before
 * any action. Each family of actions decides in its own file
 * (action_impl.h lists them).
 */
#include "action_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "scopes.h"
#include "util.h"

static const struct {
	const char *name;
	const char *help;
} infos[HA_ACTION_COUNT] = {
	[HA_ACTION_NONE] = { "", "" },
#define X(e, name, help) [HA_ACTION_##e] = { name, help },
	HA_ACTIONS(X)
#undef X
};

/* How each action decides; way_out: allowed while the relationship's service is down. */
static const struct {
	void (*decide)(struct action_ctx *c, const char *peer);
	bool way_out;
} ops[HA_ACTION_COUNT] = {
	[HA_ACTION_MAINTENANCE_START] = { action_maintenance_start, false },
	[HA_ACTION_MAINTENANCE_CANCEL] = { action_maintenance_cancel, true },
	[HA_ACTION_SYNC_LEASES] = { action_sync_leases, false },
	[HA_ACTION_CONTINUE] = { action_continue, true },
	[HA_ACTION_RESET] = { action_reset, false },
	[HA_ACTION_RECOVER] = { action_recover, true },
	[HA_ACTION_RESTORE_SCOPES] = { action_restore_scopes, false },
};

const char *action_name(enum ha_action a)
{
	return (unsigned)a < HA_ACTION_COUNT ? infos[a].name : "";
}

const char *action_help(enum ha_action a)
{
	return (unsigned)a < HA_ACTION_COUNT ? infos[a].help : "";
}

bool action_parse(const char *s, enum ha_action *out)
{
	for (int a = 1; s && a < HA_ACTION_COUNT; a++)
		if (strcmp(s, infos[a].name) == 0) {
			*out = (enum ha_action)a;
			return true;
		}
	return false;
}

static void vset(char *dst, size_t size, const char *fmt, va_list ap)
{
	vsnprintf(dst, size, fmt, ap);
}

void action_refuse(struct action_ctx *c, const char *fmt, ...)
{
	va_list ap;

	c->out->kind = ACTION_REFUSED;
	va_start(ap, fmt);
	vset(c->out->refusal, sizeof(c->out->refusal), fmt, ap);
	va_end(ap);
}

void action_usage(struct action_ctx *c, const char *fmt, ...)
{
	va_list ap;

	c->out->kind = ACTION_USAGE;
	va_start(ap, fmt);
	vset(c->out->refusal, sizeof(c->out->refusal), fmt, ap);
	va_end(ap);
}

void action_effect(struct action_ctx *c, const char *fmt, ...)
{
	size_t len = strlen(c->out->effect);
	va_list ap;

	if (len + 2 >= sizeof(c->out->effect))
		return;
	if (len)
		c->out->effect[len++] = ' ';
	va_start(ap, fmt);
	vset(c->out->effect + len, sizeof(c->out->effect) - len, fmt, ap);
	va_end(ap);
}

/* Warnings add up: a hub may be hit from both sides. */
void action_warn(struct action_ctx *c, const char *fmt, ...)
{
	size_t len = strlen(c->out->warning);
	va_list ap;

	if (len + 2 >= sizeof(c->out->warning))
		return;
	if (len)
		c->out->warning[len++] = ' ';
	va_start(ap, fmt);
	vset(c->out->warning + len, sizeof(c->out->warning) - len, fmt, ap);
	va_end(ap);
}

/* "down (...)", "unreachable (timeout)", "running without HA": why a peer is not seen. */
static void describe_unseen(const struct action_ctx *c, int i, char *out, size_t size)
{
	const struct peer_view *v = &c->v[i];

	if (!v->server)
		snprintf(out, size, "unknown to keaha (no management URL)");
	else if (v->reach == REACH_DOWN)
		snprintf(out, size, "down (its DHCP server is not running)");
	else if (v->reach == REACH_OK)
		snprintf(out, size, "running without HA (hook not loaded)");
	else
		snprintf(out, size, "unreachable (%s)", v->daemon && v->daemon->fault != FAULT_NONE ?
			 fault_text(v->daemon->fault) : "no answer yet");
}

static int find_peer(const struct action_ctx *c, const char *name)
{
	for (int i = 0; name && i < c->r->npeers; i++)
		if (strcmp(c->r->peer[i].name, name) == 0)
			return i;
	return -1;
}

static void peer_list(const struct action_ctx *c, char *out, size_t size)
{
	size_t len = 0;

	out[0] = '\0';
	for (int i = 0; i < c->r->npeers && len + 2 < size; i++)
		len += (size_t)snprintf(out + len, size - len, "%s%s", i ? ", " : "", name_of(c, i));
}

void action_states_list(const struct action_ctx *c, char *out, size_t size)
{
	size_t len = 0;

	out[0] = '\0';
	for (int i = 0; i < c->r->npeers && len + 2 < size; i++)
		len += (size_t)snprintf(out + len, size - len, "%s%s %s", i ? ", " : "", name_of(c, i),
					seen(c, i) ? ha_state_name(state_of(c, i)) : unseen_words(c, i));
}

/* The peer named by --peer; USAGE when it is not one of the relationship's. */
int action_chosen_peer(struct action_ctx *c, const char *peer)
{
	char names[300];
	int i = find_peer(c, peer);

	if (i < 0) {
		peer_list(c, names, sizeof(names));
		action_usage(c, "%s is not a peer of %s (its peers: %s)", peer, c->r->name, names);
	}
	return i;
}

/* Whether two peers live on one server (a hub may be configured once per relationship). */
static bool same_server(const struct model *m, int a, int b)
{
	return a >= 0 && b >= 0 && (a == b || model_url_same(m->servers[a].url, m->servers[b].url));
}

/* The other relationships (same service) whose peers live on peer i's server. */
int action_hub_others(const struct action_ctx *c, int i, char *names, size_t size)
{
	int server = c->r->peer[i].server, n = 0;
	size_t len = 0;

	names[0] = '\0';
	for (int k = 0; server >= 0 && k < c->m->nrels; k++) {
		const struct relationship *o = &c->m->rels[k];
		if (o == c->r || o->service != c->r->service)
			continue;
		for (int p = 0; p < o->npeers; p++)
			if (same_server(c->m, o->peer[p].server, server)) {
				if (len + 2 < size)
					len += (size_t)snprintf(names + len, size - len, "%s%s", n ? ", " : "",
								o->name);
				n++;
				break;
			}
	}
	return n;
}

struct action_step *action_add_step(struct action_ctx *c, int peer, const char *command, double timeout)
{
	struct action_step *s;
	char others[200];

	if (c->out->nsteps >= ACTION_MAX_STEPS)
		return NULL;
	s = &c->out->step[c->out->nsteps++];
	memset(s, 0, sizeof(*s));
	s->peer = peer;
	s->command = command;
	s->timeout = timeout;
	/* A hub's commands name the relationship by the receiver's own name in it. */
	if (action_hub_others(c, peer, others, sizeof(others)) > 0)
		strlcpy_(s->server_name, name_of(c, peer), sizeof(s->server_name));
	return s;
}

struct action_expect *action_add_expect(struct action_ctx *c, int peer, enum ha_state state, bool leave)
{
	struct action_expect *e;

	if (c->out->nexpect >= ACTION_MAX_EXPECT)
		return NULL;
	e = &c->out->expect[c->out->nexpect++];
	memset(e, 0, sizeof(*e));
	e->peer = peer;
	e->state = state;
	e->leave = leave;
	return e;
}

void action_expect_normal(struct action_ctx *c)
{
	if (c->primary >= 0)
		action_add_expect(c, c->primary, normal_of(c, c->primary), false);
	if (c->partner >= 0)
		action_add_expect(c, c->partner, normal_of(c, c->partner), false);
}

/* What the normal states mean for service, in the relationship's mode. */
void action_normal_words(struct action_ctx *c)
{
	if (c->primary < 0 || c->partner < 0)
		return;
	if (c->r->conf.mode == HA_MODE_HOT_STANDBY)
		action_effect(c, "Then %s serves all clients and %s stands by (hot standby).",
		              name_of(c, c->primary), name_of(c, c->partner));
	else
		action_effect(c, "Then %s and %s each serve their own clients again (load balancing).",
		              name_of(c, c->primary), name_of(c, c->partner));
}

int action_find_in_state(const struct action_ctx *c, enum ha_state st)
{
	for (int i = 0; i < c->r->npeers; i++)
		if (!is_backup(c, i) && seen(c, i) && state_of(c, i) == st)
			return i;
	return -1;
}

/* ---- deciding ------------------------------------------------------------ */

/*
 * Down or unreachable: nothing but the way out. An unreachable relationship
 * cannot be judged; a service-down one may be down because of a leftover
 * maintenance or a pause, which cancel and continue undo.
 */
static bool guard_service(struct action_ctx *c, enum ha_action a)
{
	const struct verdict *v = &c->verdict;

	if (v->status == REL_UNREACHABLE) {
		action_refuse(c, "%s is unreachable to keaha (%s): it cannot act safely on what it cannot see",
		              c->r->name, v->reason);
		return false;
	}
	if (v->status == REL_SERVICE_DOWN && !ops[a].way_out) {
		action_refuse(c, "%s's DHCP service is down (%s): bring a server back first; only a way out "
		              "(maintenance-cancel, continue, recover) is allowed now", c->r->name, v->reason);
		return false;
	}
	return true;
}

static void settle_time(struct action_ctx *c)
{
	double t = 10.0 + 5.0 * c->r->conf.heartbeat_delay / 1000.0 +
		   2.0 * c->r->conf.max_response_delay / 1000.0;

	c->out->settle = t < 15 ? 15 : t > 300 ? 300 : t;
}

static void find_actives(struct action_ctx *c)
{
	c->primary = c->partner = -1;
	for (int i = 0; i < c->r->npeers; i++) {
		enum ha_role role = c->r->peer[i].role;
		if (role == HA_ROLE_PRIMARY && c->primary < 0)
			c->primary = i;
		else if ((role == HA_ROLE_SECONDARY || role == HA_ROLE_STANDBY) && c->partner < 0)
			c->partner = i;
	}
}

void action_decide(const struct model *m, const struct relationship *r, enum ha_action a,
		   const char *peer, double now, struct action_plan *out)
{
	struct action_ctx c = { .m = m, .r = r, .now = now, .out = out };

	memset(out, 0, sizeof(*out));
	out->action = a;
	out->kind = ACTION_PLAN;
	out->target = -1;
	verdict_judge(m, r, now, &c.verdict);
	find_actives(&c);
	for (int i = 0; i < r->npeers; i++) {
		model_peer_view(m, r, i, &c.v[i]);
		describe_unseen(&c, i, c.unseen[i], sizeof(c.unseen[i]));
	}
	settle_time(&c);
	if ((unsigned)a >= HA_ACTION_COUNT || !ops[a].decide)
		action_usage(&c, "unknown action");
	else if (guard_service(&c, a))
		ops[a].decide(&c, peer);
	if (out->kind != ACTION_PLAN) {
		out->nsteps = out->nexpect = 0;
		out->effect[0] = out->warning[0] = '\0';
	}
}

cJSON *action_step_args(const struct action_step *s)
{
	cJSON *o;

	if (s->reapply_config || (!s->server_name[0] && !s->max_period && !s->has_scopes))
		return NULL;
	o = cJSON_CreateObject();
	if (s->server_name[0])
		cJSON_AddStringToObject(o, "server-name", s->server_name);
	if (s->max_period)
		cJSON_AddNumberToObject(o, "max-period", (double)s->max_period);
	if (s->has_scopes) {
		cJSON *list = cJSON_AddArrayToObject(o, "scopes");
		for (int i = 0; i < s->scopes.n; i++)
			cJSON_AddItemToArray(list, cJSON_CreateString(s->scopes.name[i]));
	}
	return o;
}

bool action_expect_met(const struct model *m, const struct relationship *r,
		       const struct action_expect *e, char *state, size_t size)
{
	struct peer_view v;
	bool ok;

	model_peer_view(m, r, e->peer, &v);
	if (v.reach != REACH_OK || !v.status) {
		snprintf(state, size, "%s", v.reach == REACH_OK ? "no HA" : reach_name(v.reach));
		return false;
	}
	snprintf(state, size, "%s", ha_state_name(v.state));
	ok = e->leave ? v.state != e->state : v.state == e->state;
	if (ok && e->check_scopes)
		ok = scopes_same(&v.status->local.scopes, &e->scopes);
	return ok;
}
