/*
 * The on-call actions, decided. Each action reads the peers' views (as the
 * verdict does), refuses when the situation makes it wrong or pointless, and
 * otherwise lists the commands, the words for what happens to DHCP service
 * and the states to expect. Kea's own behaviour behind each rule is in
 * shared/kea/README.md sections 4-6 and kea3/README.md section 4.
 */
#include "action.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "model.h"
#include "util.h"
#include "verdict.h"

#define STEP_TIMEOUT 10.0     /* s: an HA command answers at once */
#define SYNC_TIMEOUT 120.0    /* s: ha-sync pages through every lease */
#define CONFIG_SET_TIMEOUT 30.0

struct ctx {
	const struct model *m;
	const struct relationship *r;
	double now;
	struct verdict verdict;
	struct peer_view v[HA_MAX_PEERS];
	char unseen[HA_MAX_PEERS][80]; /* why each peer is not seen, in words */
	int primary, partner;     /* peer indexes, -1 when absent */
	struct action_plan *out;
};

static const struct {
	const char *name;
	const char *help;
} infos[HA_ACTION_COUNT] = {
	[HA_ACTION_NONE] = { "", "" },
#define X(e, name, help) [HA_ACTION_##e] = { name, help },
	HA_ACTIONS(X)
#undef X
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

static void refuse(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void usage(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void effect(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void refuse(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	c->out->kind = ACTION_REFUSED;
	va_start(ap, fmt);
	vset(c->out->refusal, sizeof(c->out->refusal), fmt, ap);
	va_end(ap);
}

static void usage(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	c->out->kind = ACTION_USAGE;
	va_start(ap, fmt);
	vset(c->out->refusal, sizeof(c->out->refusal), fmt, ap);
	va_end(ap);
}

static void effect(struct ctx *c, const char *fmt, ...)
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
static void warn(struct ctx *c, const char *fmt, ...)
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

static const char *name_of(const struct ctx *c, int i)
{
	return c->r->peer[i].name;
}

static enum ha_state state_of(const struct ctx *c, int i)
{
	return c->v[i].state;
}

static enum ha_state normal_of(const struct ctx *c, int i)
{
	return ha_state_normal(c->r->conf.mode, c->r->peer[i].role);
}

/* keaha sees the peer and its HA state. */
static bool seen(const struct ctx *c, int i)
{
	return i >= 0 && c->v[i].reach == REACH_OK && c->v[i].status != NULL;
}

/* "down (...)", "unreachable (timeout)", "running without HA": why a peer is not seen. */
static void describe_unseen(const struct ctx *c, int i, char *out, size_t size)
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

static const char *unseen_words(const struct ctx *c, int i)
{
	return c->unseen[i];
}

static int find_peer(const struct ctx *c, const char *name)
{
	for (int i = 0; name && i < c->r->npeers; i++)
		if (strcmp(c->r->peer[i].name, name) == 0)
			return i;
	return -1;
}

static int other_active(const struct ctx *c, int i)
{
	return i == c->primary ? c->partner : i == c->partner ? c->primary : -1;
}

static bool is_backup(const struct ctx *c, int i)
{
	return c->r->peer[i].role == HA_ROLE_BACKUP;
}

static void peer_list(const struct ctx *c, char *out, size_t size)
{
	size_t len = 0;

	out[0] = '\0';
	for (int i = 0; i < c->r->npeers && len + 2 < size; i++)
		len += (size_t)snprintf(out + len, size - len, "%s%s", i ? ", " : "", name_of(c, i));
}

static void states_list(const struct ctx *c, char *out, size_t size)
{
	size_t len = 0;

	out[0] = '\0';
	for (int i = 0; i < c->r->npeers && len + 2 < size; i++)
		len += (size_t)snprintf(out + len, size - len, "%s%s %s", i ? ", " : "", name_of(c, i),
					seen(c, i) ? ha_state_name(state_of(c, i)) : unseen_words(c, i));
}

/* The peer named by --peer; USAGE when it is not one of the relationship's. */
static int chosen_peer(struct ctx *c, const char *peer)
{
	char names[300];
	int i = find_peer(c, peer);

	if (i < 0) {
		peer_list(c, names, sizeof(names));
		usage(c, "%s is not a peer of %s (its peers: %s)", peer, c->r->name, names);
	}
	return i;
}

/* Whether two peers live on one server (a hub may be configured once per relationship). */
static bool same_server(const struct model *m, int a, int b)
{
	return a >= 0 && b >= 0 && (a == b || model_url_same(m->servers[a].url, m->servers[b].url));
}

/* The other relationships (same service) whose peers live on peer i's server. */
static int hub_others(const struct ctx *c, int i, char *names, size_t size)
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

static struct action_step *add_step(struct ctx *c, int peer, const char *command, double timeout)
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
	if (hub_others(c, peer, others, sizeof(others)) > 0)
		strlcpy_(s->server_name, name_of(c, peer), sizeof(s->server_name));
	return s;
}

static struct action_expect *expect(struct ctx *c, int peer, enum ha_state state, bool leave)
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

static void expect_normal(struct ctx *c)
{
	if (c->primary >= 0)
		expect(c, c->primary, normal_of(c, c->primary), false);
	if (c->partner >= 0)
		expect(c, c->partner, normal_of(c, c->partner), false);
}

/* What the normal states mean for service, in the relationship's mode. */
static void normal_words(struct ctx *c)
{
	if (c->primary < 0 || c->partner < 0)
		return;
	if (c->r->conf.mode == HA_MODE_HOT_STANDBY)
		effect(c, "Then %s serves all clients and %s stands by (hot standby).",
		       name_of(c, c->primary), name_of(c, c->partner));
	else
		effect(c, "Then %s and %s each serve their own clients again (load balancing).",
		       name_of(c, c->primary), name_of(c, c->partner));
}

/* ---- maintenance -------------------------------------------------------- */

/* A hub hit by maintenance: Kea acts on all its relationships, or switches its DHCP off. */
static void maintenance_hub_warnings(struct ctx *c, int receiver, int maintained)
{
	char others[240];
	int n;

	if ((n = hub_others(c, receiver, others, sizeof(others))) > 0)
		warn(c, "%s is a Kea hub in %d more relationship(s) (%s): ha-maintenance-start and "
		     "-cancel act on all of them, so every one of its partners changes too.",
		     name_of(c, receiver), n, others);
	if ((n = hub_others(c, maintained, others, sizeof(others))) > 0)
		warn(c, "%s is a Kea hub: one relationship in in-maintenance switches its DHCP off for "
		     "all of them, so clients of %s are not served unless those are put in "
		     "maintenance too.", name_of(c, maintained), others);
}

/* Whether the partner that would keep serving can take over now; refuses if not. */
static bool partner_can_take_over(struct ctx *c, int x, int p)
{
	enum ha_state sp = state_of(c, p), sx = state_of(c, x);

	if (sx == HA_STATE_IN_MAINTENANCE && sp == HA_STATE_PARTNER_IN_MAINTENANCE)
		refuse(c, "%s is already in maintenance (%s serves all clients): it can be shut down now",
		       name_of(c, x), name_of(c, p));
	else if (sp == HA_STATE_IN_MAINTENANCE)
		refuse(c, "%s is itself in maintenance: cancel that first (maintenance-cancel)", name_of(c, p));
	else if (sp == HA_STATE_TERMINATED || sx == HA_STATE_TERMINATED)
		refuse(c, "HA is terminated in %s (clock skew): recover first (keaha ha recover)", c->r->name);
	else if (sp == HA_STATE_PARTNER_DOWN)
		refuse(c, "%s is in partner-down: it already serves every client without %s; "
		       "maintenance needs the pair in touch", name_of(c, p), name_of(c, x));
	else if (sp != normal_of(c, p) && sp != HA_STATE_COMMUNICATION_RECOVERY)
		refuse(c, "%s is in %s, where it cannot take over %s's clients: wait for %s",
		       name_of(c, p), ha_state_name(sp), name_of(c, x), ha_state_name(normal_of(c, p)));
	else if (c->v[p].daemon && c->v[p].daemon->status.dhcp_disabled)
		refuse(c, "%s has its DHCP service switched off (by %s): it cannot serve %s's clients",
		       name_of(c, p), c->v[p].daemon->status.dhcp_disabled_by, name_of(c, x));
	else
		return true;
	return false;
}

static void maintenance_start(struct ctx *c, const char *peer)
{
	int x, p;

	if (!peer) {
		usage(c, "maintenance-start needs --peer: the server to be taken down");
		return;
	}
	if ((x = chosen_peer(c, peer)) < 0)
		return;
	if (c->r->conf.mode == HA_MODE_PASSIVE_BACKUP) {
		refuse(c, "%s is passive-backup: no partner takes over, and Kea's maintenance "
		       "does not apply there (its handler fails)", c->r->name);
		return;
	}
	if (is_backup(c, x)) {
		refuse(c, "%s is a backup: it serves no clients, so it can be shut down without "
		       "maintenance (sync its leases when it is back)", name_of(c, x));
		return;
	}
	p = other_active(c, x);
	if (p < 0 || !seen(c, p)) {
		refuse(c, "%s, the partner that would keep serving, is %s: taking %s down would leave "
		       "nobody serving", p < 0 ? "(none)" : name_of(c, p), p < 0 ? "missing" : unseen_words(c, p),
		       name_of(c, x));
		return;
	}
	if (!seen(c, x)) {
		refuse(c, "%s is %s already: there is nothing to prepare", name_of(c, x), unseen_words(c, x));
		return;
	}
	if (!partner_can_take_over(c, x, p))
		return;
	c->out->target = x;
	add_step(c, p, "ha-maintenance-start", STEP_TIMEOUT);
	expect(c, p, HA_STATE_PARTNER_IN_MAINTENANCE, false);
	expect(c, x, HA_STATE_IN_MAINTENANCE, false);
	effect(c, "%s will serve all clients; %s will serve none and can be shut down. "
	       "Stopping %s then is no unplanned failover: %s goes partner-down and keeps serving.",
	       name_of(c, p), name_of(c, x), name_of(c, x), name_of(c, p));
	maintenance_hub_warnings(c, p, x);
}

static int find_in_state(const struct ctx *c, enum ha_state st)
{
	for (int i = 0; i < c->r->npeers; i++)
		if (!is_backup(c, i) && seen(c, i) && state_of(c, i) == st)
			return i;
	return -1;
}

static void maintenance_cancel(struct ctx *c, const char *peer)
{
	int p = find_in_state(c, HA_STATE_PARTNER_IN_MAINTENANCE), x, given = -1;
	char states[300];

	if (peer && (given = chosen_peer(c, peer)) < 0)
		return;
	states_list(c, states, sizeof(states));
	if (p < 0) {
		x = find_in_state(c, HA_STATE_IN_MAINTENANCE);
		if (x >= 0)
			refuse(c, "%s is in in-maintenance but its partner is not in partner-in-maintenance "
			       "(%s): Kea cancels only through that partner", name_of(c, x), states);
		else
			refuse(c, "nobody in %s is in maintenance (%s): nothing to cancel%s", c->r->name, states,
			       find_in_state(c, HA_STATE_PARTNER_DOWN) >= 0 ?
			       "; a stopped peer's partner is in partner-down: start that peer and the "
			       "pair returns to normal by itself" : "");
		return;
	}
	x = other_active(c, p);
	if (given >= 0 && given != p && given != x) {
		usage(c, "%s is not part of the maintenance in %s (%s)", peer, c->r->name, states);
		return;
	}
	c->out->target = x;
	add_step(c, p, "ha-maintenance-cancel", STEP_TIMEOUT);
	expect_normal(c);
	effect(c, "%s leaves maintenance.", x >= 0 ? name_of(c, x) : "its partner");
	normal_words(c);
	if (x >= 0 && !seen(c, x))
		warn(c, "%s is %s: the pair returns to normal only once it runs again.", name_of(c, x),
		     unseen_words(c, x));
	maintenance_hub_warnings(c, p, x >= 0 ? x : p);
}

/* ---- leases, pauses, reset ------------------------------------------------ */

/* The only backup, or -1. */
static int sole_backup(const struct ctx *c)
{
	int found = -1;

	for (int i = 0; i < c->r->npeers; i++)
		if (is_backup(c, i)) {
			if (found >= 0)
				return -1;
			found = i;
		}
	return found;
}

/* Where peer x fetches its leases from: the source of truth, or its partner. */
static int sync_source(const struct ctx *c, int x)
{
	int sot = c->verdict.source_of_truth;

	if (sot >= 0 && sot != x)
		return sot;
	if (other_active(c, x) >= 0)
		return other_active(c, x);
	return c->primary != x ? c->primary : c->partner;
}

static void sync_leases(struct ctx *c, const char *peer)
{
	int x = peer ? chosen_peer(c, peer) : sole_backup(c), src;
	struct action_step *s;

	if (peer && x < 0)
		return;
	if (x < 0) {
		usage(c, "sync-leases needs --peer: the server whose leases are refreshed");
		return;
	}
	if (c->r->conf.mode == HA_MODE_PASSIVE_BACKUP) {
		refuse(c, "%s is passive-backup: the primary sends every lease to its backups; "
		       "ha-sync does not apply", c->r->name);
		return;
	}
	if (!seen(c, x)) {
		refuse(c, "%s is %s: it cannot fetch leases now", name_of(c, x), unseen_words(c, x));
		return;
	}
	src = sync_source(c, x);
	if (src < 0 || !seen(c, src)) {
		refuse(c, "%s, the partner to sync from, is %s: there is nothing to fetch leases from",
		       src < 0 ? "(none)" : name_of(c, src), src < 0 ? "missing" : unseen_words(c, src));
		return;
	}
	if (!ha_state_serves(state_of(c, src))) {
		refuse(c, "%s is in %s and serves no clients: its leases may not be current; sync once "
		       "it serves", name_of(c, src), ha_state_name(state_of(c, src)));
		return;
	}
	if (state_of(c, x) == HA_STATE_SYNCING) {
		refuse(c, "%s is syncing already", name_of(c, x));
		return;
	}
	c->out->target = x;
	s = add_step(c, x, "ha-sync", SYNC_TIMEOUT);
	/* server-name is the partner to fetch from; on a hub it also names the relationship. */
	strlcpy_(s->server_name, name_of(c, src), sizeof(s->server_name));
	s->max_period = ACTION_SYNC_MAX_PERIOD;
	expect(c, x, state_of(c, x), false);
	effect(c, "%s fetches every lease from %s (ha-sync); %s's DHCP service pauses while it "
	       "answers, for at most %d s; %s stays in %s.", name_of(c, x), name_of(c, src),
	       name_of(c, src), ACTION_SYNC_MAX_PERIOD, name_of(c, x), ha_state_name(state_of(c, x)));
}

/* Peer i's own HA configuration of this relationship, or NULL. */
static const struct ha_rel_config *own_config(const struct ctx *c, int i)
{
	const struct daemon *d = c->v[i].daemon;

	if (!d || !d->has_config)
		return NULL;
	for (int k = 0; k < d->config.nrels; k++)
		if (strcmp(d->config.rel[k].this_server_name, name_of(c, i)) == 0)
			return &d->config.rel[k];
	return NULL;
}

static bool pauses_in(const struct ctx *c, int i, enum ha_state st)
{
	const struct ha_rel_config *rc = own_config(c, i);

	return rc && (rc->pause_states & (1u << st));
}

/*
 * How long peer i has sat in its state, at least: since keaha first saw it
 * there, or, in waiting (where a state machine starts), since its last
 * (re)configuration, which status-get's "reload" counts.
 */
static double held_for(const struct ctx *c, int i)
{
	const struct peer_view *v = &c->v[i];
	const struct daemon *d = v->daemon;
	double held;

	if (!d || v->ha_index < 0)
		return 0;
	held = c->now - d->state_since[v->ha_index];
	if (v->state == HA_STATE_WAITING && d->status.reload >= 0 &&
	    d->status.reload + (c->now - d->status_at) > held)
		held = (double)d->status.reload + (c->now - d->status_at);
	return held > 0 ? held : 0;
}

/* How long a state machine may sit in a state on its own before we call it stuck. */
static double stuck_after(const struct ctx *c)
{
	return 2.0 * c->r->conf.heartbeat_delay / 1000.0 + c->r->conf.max_response_delay / 1000.0;
}

static int paused_candidate(const struct ctx *c)
{
	for (int i = 0; i < c->r->npeers; i++)
		if (seen(c, i) && pauses_in(c, i, state_of(c, i)))
			return i;
	return -1;
}

static void continue_(struct ctx *c, const char *peer)
{
	int x = peer ? chosen_peer(c, peer) : paused_candidate(c);
	double held;

	if (peer && x < 0)
		return;
	if (x >= 0 && !seen(c, x)) {
		refuse(c, "%s is %s", name_of(c, x), unseen_words(c, x));
		return;
	}
	if (x < 0 || !pauses_in(c, x, state_of(c, x))) {
		char states[300];
		states_list(c, states, sizeof(states));
		refuse(c, "no peer sits in a state its configuration pauses in (%s): a state machine only "
		       "pauses where its state-machine section says, so ha-continue would do nothing", states);
		return;
	}
	held = held_for(c, x);
	c->out->target = x;
	add_step(c, x, "ha-continue", STEP_TIMEOUT);
	expect(c, x, state_of(c, x), true);
	if (held >= stuck_after(c))
		effect(c, "%s has sat in %s for at least %.0f s, a state its configuration pauses in: "
		       "it is paused.", name_of(c, x), ha_state_name(state_of(c, x)), held);
	else
		effect(c, "%s is in %s, a state its configuration pauses in (seen there for %.0f s only: "
		       "if it is not paused, Kea says so and nothing changes).", name_of(c, x),
		       ha_state_name(state_of(c, x)), held);
	effect(c, "Its state machine moves on towards %s; while in %s it serves %s.",
	       ha_state_name(normal_of(c, x)), ha_state_name(state_of(c, x)),
	       c->v[x].serving ? "its clients" : "no clients");
}

/* Whether ha-reset can help peer x (resyncing from y); refuses if not. */
static bool reset_helps(struct ctx *c, int x, int y)
{
	if (is_backup(c, x) || c->r->conf.mode == HA_MODE_PASSIVE_BACKUP)
		refuse(c, "%s does not resync through its state machine (backup / passive-backup): "
		       "use sync-leases", name_of(c, x));
	else if (!seen(c, x))
		refuse(c, "%s is %s", name_of(c, x), unseen_words(c, x));
	else if (state_of(c, x) == HA_STATE_TERMINATED)
		refuse(c, "ha-reset does not leave terminated: Kea terminates again at once; use recover");
	else if (state_of(c, x) == HA_STATE_WAITING)
		refuse(c, "%s is in waiting already", name_of(c, x));
	else if (state_of(c, x) == HA_STATE_IN_MAINTENANCE ||
		 state_of(c, x) == HA_STATE_PARTNER_IN_MAINTENANCE)
		refuse(c, "%s is in %s: end it with maintenance-cancel", name_of(c, x),
		       ha_state_name(state_of(c, x)));
	else if (y < 0 || !seen(c, y) || !ha_state_serves(state_of(c, y)))
		refuse(c, "%s would resync from %s, which is %s: it would sit in waiting serving nobody",
		       name_of(c, x), y < 0 ? "(none)" : name_of(c, y),
		       y < 0 ? "missing" : seen(c, y) ? ha_state_name(state_of(c, y)) : unseen_words(c, y));
	else
		return true;
	return false;
}

static void reset(struct ctx *c, const char *peer)
{
	int x, y;

	if (!peer) {
		usage(c, "reset needs --peer: the server whose state machine goes back to waiting");
		return;
	}
	if ((x = chosen_peer(c, peer)) < 0)
		return;
	y = other_active(c, x);
	if (!reset_helps(c, x, y))
		return;
	c->out->target = x;
	add_step(c, x, "ha-reset", STEP_TIMEOUT);
	expect(c, x, normal_of(c, x), false);
	effect(c, "%s goes back to waiting, fetches every lease from %s (syncing) and returns to %s; "
	       "meanwhile it serves no clients and %s keeps serving as in %s.", name_of(c, x),
	       name_of(c, y), ha_state_name(normal_of(c, x)), name_of(c, y),
	       ha_state_name(state_of(c, y)));
}

/* ---- recovery from terminated ------------------------------------------- */

/* Refuses unless keaha reads both actives' clocks and they agree within 30 s. */
static bool clocks_agree(struct ctx *c)
{
	int act[2] = { c->primary, c->partner };
	double off[2];

	for (int k = 0; k < 2; k++) {
		const struct daemon *d = act[k] >= 0 ? c->v[act[k]].daemon : NULL;
		if (act[k] < 0 || !seen(c, act[k])) {
			refuse(c, "%s is %s: recovery needs both servers, to check their clocks first",
			       act[k] < 0 ? "a partner" : name_of(c, act[k]),
			       act[k] < 0 ? "missing" : unseen_words(c, act[k]));
			return false;
		}
		if (!d->has_clock) {
			refuse(c, "keaha has no clock reading of %s yet (ha-heartbeat): it cannot check "
			       "that the clocks agree", name_of(c, act[k]));
			return false;
		}
		off[k] = d->clock_offset;
	}
	/* keaha's own readings: in terminated Kea 3 keeps reporting the skew it died of. */
	if (fabs(off[0] - off[1]) > ACTION_RECOVER_MAX_SKEW) {
		int bad = fabs(off[0]) > fabs(off[1]) ? 0 : 1;
		refuse(c, "the clocks still differ by %.0f s (more than %.0f s): fix NTP on %s (%+.0f s "
		       "from keaha's clock) first, or HA terminates again", fabs(off[0] - off[1]),
		       ACTION_RECOVER_MAX_SKEW, name_of(c, act[bad]), off[bad]);
		return false;
	}
	return true;
}

static void recover(struct ctx *c, const char *peer)
{
	int order[2] = { c->partner, c->primary }, given = -1, n = 0;
	char states[300];

	if (peer && (given = chosen_peer(c, peer)) < 0)
		return;
	states_list(c, states, sizeof(states));
	if (find_in_state(c, HA_STATE_TERMINATED) < 0) {
		refuse(c, "no peer of %s is in terminated (%s): nothing to recover", c->r->name, states);
		return;
	}
	if (given >= 0 && (!seen(c, given) || state_of(c, given) != HA_STATE_TERMINATED)) {
		refuse(c, "%s is not in terminated (%s)", peer, states);
		return;
	}
	if (!clocks_agree(c))
		return;
	for (int k = 0; k < 2; k++) {
		int i = order[k];
		struct action_step *s;
		if (i < 0 || state_of(c, i) != HA_STATE_TERMINATED || (given >= 0 && i != given))
			continue;
		s = add_step(c, i, "config-set", CONFIG_SET_TIMEOUT);
		s->reapply_config = true;
		s->server_name[0] = '\0';
		c->out->target = i;
		n++;
	}
	expect_normal(c);
	effect(c, "%s %s running configuration again (config-get, then config-set of it "
	       "unchanged; config-reload would reload the file and drop runtime changes never "
	       "written), which restarts HA: waiting, syncing, then the normal state in seconds, "
	       "serving no clients meanwhile.", n == 2 ? "Both servers" : name_of(c, c->out->target),
	       n == 2 ? "get their own" : "gets its own");
	for (int k = 0; k < 2; k++)
		if (order[k] >= 0 && state_of(c, order[k]) == HA_STATE_WAITING)
			effect(c, "%s, restarted, waits in waiting for its terminated partner and follows.",
			       name_of(c, order[k]));
	normal_words(c);
}

/* ---- scopes ------------------------------------------------------------- */

static void scopes_add(struct ha_scopes *s, const char *name)
{
	if (s->n < HA_MAX_SCOPES)
		strlcpy_(s->name[s->n++], name, sizeof(s->name[0]));
}

/* The scopes Kea gives peer i in its current state; false where that is none of ours to set. */
static bool implied_scopes(const struct ctx *c, int i, struct ha_scopes *out)
{
	enum ha_state st = state_of(c, i);
	bool all = st == HA_STATE_PARTNER_DOWN || st == HA_STATE_PARTNER_IN_MAINTENANCE;
	bool own = st == normal_of(c, i) || st == HA_STATE_COMMUNICATION_RECOVERY ||
		   st == HA_STATE_TERMINATED;

	memset(out, 0, sizeof(*out));
	if (is_backup(c, i) || c->primary < 0 || (!all && !own))
		return false;
	if (c->r->conf.mode == HA_MODE_LOAD_BALANCING) {
		if (all && c->partner >= 0) {
			scopes_add(out, name_of(c, c->primary));
			scopes_add(out, name_of(c, c->partner));
		} else {
			scopes_add(out, name_of(c, i));
		}
	} else if (all || i == c->primary) {
		/* Hot standby and passive backup have one scope: the primary's. */
		scopes_add(out, name_of(c, c->primary));
	}
	return true;
}

static bool same_scopes(const struct ha_scopes *a, const struct ha_scopes *b)
{
	if (a->n != b->n)
		return false;
	for (int i = 0; i < a->n; i++) {
		bool found = false;
		for (int k = 0; k < b->n && !found; k++)
			found = strcmp(a->name[i], b->name[k]) == 0;
		if (!found)
			return false;
	}
	return true;
}

static void scopes_words(const struct ha_scopes *s, char *out, size_t size)
{
	size_t len = 0;

	out[0] = '\0';
	for (int i = 0; i < s->n && len + 2 < size; i++)
		len += (size_t)snprintf(out + len, size - len, "%s%s", i ? ", " : "", s->name[i]);
	if (!s->n)
		strlcpy_(out, "none", size);
}

static void restore_scopes(struct ctx *c, const char *peer)
{
	int given = -1;
	char states[300];

	if (peer && (given = chosen_peer(c, peer)) < 0)
		return;
	for (int i = 0; i < c->r->npeers; i++) {
		struct ha_scopes want;
		struct action_step *s;
		struct action_expect *e;
		char now_w[160], want_w[160];
		if ((given >= 0 && i != given) || !seen(c, i) || !implied_scopes(c, i, &want) ||
		    same_scopes(&want, &c->v[i].status->local.scopes))
			continue;
		s = add_step(c, i, "ha-scopes", STEP_TIMEOUT);
		s->has_scopes = true;
		s->scopes = want;
		e = expect(c, i, state_of(c, i), false);
		e->check_scopes = true;
		e->scopes = want;
		c->out->target = i;
		scopes_words(&c->v[i].status->local.scopes, now_w, sizeof(now_w));
		scopes_words(&want, want_w, sizeof(want_w));
		effect(c, "%s (in %s) serves the scopes of %s instead of %s.", name_of(c, i),
		       ha_state_name(state_of(c, i)), want_w, now_w);
	}
	if (c->out->nsteps == 0) {
		states_list(c, states, sizeof(states));
		refuse(c, "every peer's scopes already match its state, or it has none to set (%s)", states);
	}
}

/* ---- deciding ------------------------------------------------------------ */

/*
 * Down or unreachable: nothing but the way out. An unreachable relationship
 * cannot be judged; a service-down one may be down because of a leftover
 * maintenance or a pause, which cancel and continue undo.
 */
static bool guard_service(struct ctx *c, enum ha_action a)
{
	const struct verdict *v = &c->verdict;

	if (v->status == REL_UNREACHABLE) {
		refuse(c, "%s is unreachable to keaha (%s): it cannot act safely on what it cannot see",
		       c->r->name, v->reason);
		return false;
	}
	if (v->status == REL_SERVICE_DOWN && a != HA_ACTION_MAINTENANCE_CANCEL &&
	    a != HA_ACTION_CONTINUE && a != HA_ACTION_RECOVER) {
		refuse(c, "%s's DHCP service is down (%s): bring a server back first; only a way out "
		       "(maintenance-cancel, continue, recover) is allowed now", c->r->name, v->reason);
		return false;
	}
	return true;
}

static void settle_time(struct ctx *c)
{
	double t = 10.0 + 5.0 * c->r->conf.heartbeat_delay / 1000.0 +
		   2.0 * c->r->conf.max_response_delay / 1000.0;

	c->out->settle = t < 15 ? 15 : t > 300 ? 300 : t;
}

static void find_actives(struct ctx *c)
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
	struct ctx c = { .m = m, .r = r, .now = now, .out = out };

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
	if (!guard_service(&c, a))
		return;
	switch (a) {
	case HA_ACTION_MAINTENANCE_START: maintenance_start(&c, peer); break;
	case HA_ACTION_MAINTENANCE_CANCEL: maintenance_cancel(&c, peer); break;
	case HA_ACTION_SYNC_LEASES: sync_leases(&c, peer); break;
	case HA_ACTION_CONTINUE: continue_(&c, peer); break;
	case HA_ACTION_RESET: reset(&c, peer); break;
	case HA_ACTION_RECOVER: recover(&c, peer); break;
	case HA_ACTION_RESTORE_SCOPES: restore_scopes(&c, peer); break;
	default: usage(&c, "unknown action"); break;
	}
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
		ok = same_scopes(&v.status->local.scopes, &e->scopes);
	return ok;
}
