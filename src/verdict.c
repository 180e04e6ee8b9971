/*
 * The product's rules ("Fallback behavior and indicators") with Kea's facts:
 * a peer is down when keaha knows its DHCP server is not running, unknown
 * when keaha gets no usable answer. Judging collects the peers' views first,
 * then decides the status from who is known to serve, then words the reason.
 */
#include "verdict.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pause.h"
#include "scopes.h"
#include "util.h"

struct situation {
	const struct model *m;
	const struct relationship *r;
	double now;
	struct peer_view v[HA_MAX_PEERS];
	int primary, partner;     /* peer indexes, -1 when absent */
	bool any_serving;         /* an active peer is known to serve */
	bool any_unknown;         /* an active peer gives no usable answer */
	bool abnormal;            /* something short of OK */
	char reason[320];
	char next[240];
	enum ha_action next_action;   /* the keaha ha action that next is, if any */
	char next_peer[KEA_NAME_LEN];
	int paused;               /* a peer whose state machine is known paused, -1 when none */
};

static void add_reason(struct situation *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add_reason(struct situation *s, const char *fmt, ...)
{
	size_t len = strlen(s->reason);
	va_list ap;

	if (len + 4 >= sizeof(s->reason))
		return;
	if (len)
		len += (size_t)snprintf(s->reason + len, sizeof(s->reason) - len, "; ");
	va_start(ap, fmt);
	vsnprintf(s->reason + len, sizeof(s->reason) - len, fmt, ap);
	va_end(ap);
}

static void set_next(struct situation *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The first next step set is the most urgent one; later ones do not replace it. */
static void set_next(struct situation *s, const char *fmt, ...)
{
	va_list ap;

	if (s->next[0])
		return;
	va_start(ap, fmt);
	vsnprintf(s->next, sizeof(s->next), fmt, ap);
	va_end(ap);
}

static void clear_next(struct situation *s)
{
	s->next[0] = '\0';
	s->next_action = HA_ACTION_NONE;
	s->next_peer[0] = '\0';
}

static void set_next_action(struct situation *s, enum ha_action a, const char *peer,
			    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* A next step that is one of keaha's actions (triage offers it): same rule as set_next. */
static void set_next_action(struct situation *s, enum ha_action a, const char *peer,
			    const char *fmt, ...)
{
	va_list ap;

	if (s->next[0])
		return;
	va_start(ap, fmt);
	vsnprintf(s->next, sizeof(s->next), fmt, ap);
	va_end(ap);
	s->next_action = a;
	strlcpy_(s->next_peer, peer ? peer : "", sizeof(s->next_peer));
}

int verdict_failover_progress(const struct ha_remote *remote)
{
	long u, left;

	if (!remote || !remote->present || !remote->communication_interrupted)
		return -1;
	u = remote->unacked_clients;
	left = remote->unacked_clients_left;
	return (int)floor(100.0 * (double)u / (double)(u + left + 1));
}

static bool is_active(const struct situation *s, int i)
{
	enum ha_role role = s->r->peer[i].role;

	if (s->r->conf.mode == HA_MODE_PASSIVE_BACKUP)
		return role == HA_ROLE_PRIMARY;
	return ha_role_is_active(role);
}

static const char *peer_name(const struct situation *s, int i)
{
	return s->r->peer[i].name;
}

static void find_roles(struct situation *s)
{
	s->primary = s->partner = -1;
	for (int i = 0; i < s->r->npeers; i++) {
		enum ha_role role = s->r->peer[i].role;
		if (role == HA_ROLE_PRIMARY && s->primary < 0)
			s->primary = i;
		else if ((role == HA_ROLE_SECONDARY || role == HA_ROLE_STANDBY) && s->partner < 0)
			s->partner = i;
	}
}

/* "unreachable (connection refused) for 42 s" / "DHCP server not running for 3 min". */
static void describe_failure(const struct situation *s, int i, char *out, size_t size)
{
	const struct peer_view *v = &s->v[i];
	const struct daemon *d = v->daemon;
	char age[32] = "";
	/* The short words; the full text (Kea's, curl's) is in the peer's error. */
	const char *why = d && d->fault != FAULT_NONE ? fault_text(d->fault) : "no answer yet";

	if (d && d->first_failure > 0 && s->now - d->first_failure >= 1.0)
		util_format_age(s->now - d->first_failure, age, sizeof(age));
	if (!v->server)
		snprintf(out, size, "%s unknown (no management URL)", peer_name(s, i));
	else if (v->reach == REACH_DOWN)
		snprintf(out, size, "%s down (%s)%s%s", peer_name(s, i), why, age[0] ? " for " : "", age);
	else
		snprintf(out, size, "%s unreachable (%s)%s%s", peer_name(s, i), why,
			 age[0] ? " for " : "", age);
}

static const char *scope_words(const struct peer_view *v)
{
	if (!v->serving)
		return "serves no clients";
	/* Hot-standby and passive-backup have one scope: holding it is all clients. */
	if (v->status && (v->status->mode != HA_MODE_LOAD_BALANCING ||
			  v->status->local.scopes.n > 1))
		return "serves all clients";
	return "serves its own clients";
}

/*
 * What the partner says of a peer keaha cannot reach: "I cannot reach B"
 * versus "A cannot reach B" decide where the admin looks.
 */
static void next_step_unknown(struct situation *s, int i)
{
	const struct peer_view *v = &s->v[i];
	int other = i == s->primary ? s->partner : i == s->partner ? s->primary : -1;
	const struct peer_view *o = other >= 0 ? &s->v[other] : NULL;
	const struct ha_remote *seen = o && o->status && o->status->remote.present ?
				       &o->status->remote : NULL;

	if (!v->server)
		set_next(s, "add a [server %s] entry with its management URL", peer_name(s, i));
	else if (seen && !seen->communication_interrupted && seen->last_state != HA_STATE_UNAVAILABLE)
		set_next(s, "%s still reaches %s: check keaha's own path to %s (URL, firewall, auth, TLS)",
			 peer_name(s, other), peer_name(s, i), v->server->url);
	else if (seen)
		set_next(s, "%s cannot reach %s either: check that host and its Kea processes",
			 peer_name(s, other), peer_name(s, i));
	else
		set_next(s, "check that keaha can reach %s (%s)", peer_name(s, i), v->server->url);
}

/*
 * A peer keaha cannot see, that its partner reports serving a moment ago (in
 * touch, not interrupted, a serving state with scopes): known to serve, by
 * the partner's word.
 */
static bool partner_vouches(const struct situation *s, int i)
{
	int other = i == s->primary ? s->partner : i == s->partner ? s->primary : -1;
	const struct peer_view *o = other >= 0 ? &s->v[other] : NULL;
	const struct ha_remote *seen = o && o->reach == REACH_OK && o->status &&
				       o->status->remote.present ? &o->status->remote : NULL;

	return seen && seen->in_touch && !seen->communication_interrupted &&
	       ha_state_serves(seen->last_state) && seen->last_scopes.n > 0;
}

/* Looks at each peer: who serves, who cannot be seen, what is out of the ordinary. */
static void survey_peers(struct situation *s)
{
	const struct relationship *r = s->r;

	for (int i = 0; i < r->npeers; i++)
		model_peer_view(s->m, r, i, &s->v[i]);
	for (int i = 0; i < r->npeers; i++) {
		struct peer_view *v = &s->v[i];
		bool active = is_active(s, i);
		enum ha_state normal = ha_state_normal(r->conf.mode, r->peer[i].role);
		char line[200];

		if (active && v->serving)
			s->any_serving = true;
		if (v->reach == REACH_PENDING || v->reach == REACH_UNKNOWN) {
			bool vouched = active && partner_vouches(s, i);
			if (active && !vouched)
				s->any_unknown = true;
			if (vouched)
				s->any_serving = true;
			s->abnormal = true;
			describe_failure(s, i, line, sizeof(line));
			add_reason(s, "%s%s", line, vouched ? ", but its partner sees it serving" : "");
			next_step_unknown(s, i);
		} else if (v->reach == REACH_DOWN) {
			s->abnormal = true;
			describe_failure(s, i, line, sizeof(line));
			add_reason(s, "%s", line);
			if (r->peer[i].role == HA_ROLE_BACKUP)
				set_next(s, "start %s's DHCP server, then sync its leases: a backup "
					 "does not resync by itself", peer_name(s, i));
			else
				set_next(s, "start %s's DHCP server", peer_name(s, i));
		} else if (v->ha_index < 0) {
			s->abnormal = true;
			add_reason(s, "%s runs without HA (hook not loaded)", peer_name(s, i));
			set_next(s, "reload %s's configuration: its HA hook failed to load",
				 peer_name(s, i));
		} else if (v->daemon->status.dhcp_disabled && active) {
			s->abnormal = true;
			add_reason(s, "%s has DHCP switched off (by %s) in %s", peer_name(s, i),
				   v->daemon->status.dhcp_disabled_by[0] ?
				   v->daemon->status.dhcp_disabled_by : "Kea",
				   ha_state_name(v->state));
		} else if (v->state != normal) {
			s->abnormal = true;
			if (r->peer[i].role == HA_ROLE_BACKUP || !ha_state_serves(v->state))
				add_reason(s, "%s in %s", peer_name(s, i), ha_state_name(v->state));
			else
				add_reason(s, "%s in %s %s", peer_name(s, i), ha_state_name(v->state),
					   scope_words(v));
		}
		if (v->reach == REACH_OK && v->state == HA_STATE_IN_MAINTENANCE)
			set_next_action(s, HA_ACTION_MAINTENANCE_CANCEL, peer_name(s, i),
					"%s is in maintenance and serves no clients: once the work on it "
					"is done, cancel the maintenance", peer_name(s, i));
	}
}

/* "A cannot reach B" as A itself reports it, when keaha itself sees both. */
static void survey_partners(struct situation *s, struct verdict *out)
{
	const struct peer_view *p, *q;
	bool p_lost, q_lost, p_down, q_down;

	if (s->primary < 0 || s->partner < 0)
		return;
	p = &s->v[s->primary];
	q = &s->v[s->partner];
	if (!p->status || !q->status)
		return;
	if (p->state == HA_STATE_TERMINATED || q->state == HA_STATE_TERMINATED)
		return;
	p_lost = p->status->remote.communication_interrupted;
	q_lost = q->status->remote.communication_interrupted;
	p_down = p->state == HA_STATE_PARTNER_DOWN;
	q_down = q->state == HA_STATE_PARTNER_DOWN;
	if ((p_down && q_down) || (p_lost && q_lost)) {
		out->split_brain = true;
		s->abnormal = true;
		add_reason(s, "split brain: %s and %s cannot reach each other although keaha "
			   "reaches both", p->peer->name, q->peer->name);
		clear_next(s);
		set_next(s, "peers cannot reach each other: check their URLs, auth, TLS, firewall");
	} else if (p_lost != q_lost) {
		const struct peer_view *who = p_lost ? p : q, *whom = p_lost ? q : p;
		s->abnormal = true;
		add_reason(s, "%s cannot reach %s (communication interrupted for %ld s)",
			   who->peer->name, whom->peer->name, who->status->remote.age);
	}
}

/* keaha's own clock readings of the active peers: how many, and the lowest and highest offset. */
static int own_clocks(const struct situation *s, double *lo, double *hi)
{
	int clocks = 0;

	for (int i = 0; i < s->r->npeers; i++) {
		const struct daemon *d = s->v[i].daemon;
		if (!is_active(s, i) || !d || !d->has_clock || s->v[i].reach != REACH_OK)
			continue;
		if (!clocks || d->clock_offset < *lo)
			*lo = d->clock_offset;
		if (!clocks || d->clock_offset > *hi)
			*hi = d->clock_offset;
		clocks++;
	}
	return clocks;
}

static void judge_skew(struct situation *s, struct verdict *out)
{
	double lo = 0, hi = 0, noise = 1.0;
	int clocks = own_clocks(s, &lo, &hi);
	bool kea = false;

	for (int i = 0; i < s->r->npeers; i++) {
		const struct peer_view *v = &s->v[i];
		/* Kea 3 keeps the skew it terminated with, frozen (kea3 README section 6): once
		 * keaha reads both clocks itself, those say whether the clocks were fixed. */
		if (!is_active(s, i) || !v->status || !v->status->remote.has_clock_skew ||
		    (v->state == HA_STATE_TERMINATED && clocks >= 2))
			continue;
		kea = true;
		if (fabs((double)v->status->remote.clock_skew) > out->clock_skew)
			out->clock_skew = fabs((double)v->status->remote.clock_skew);
	}
	/* A difference needs two clocks: with one peer unseen the skew is unknown. */
	if (kea)
		noise = 0;
	else if (clocks >= 2)
		out->clock_skew = round(hi - lo);
	out->has_skew = kea || clocks >= 2;
	if (!out->has_skew)
		return;
	out->skew_level = out->clock_skew - noise > SKEW_CRIT_S ? 2 :
			  out->clock_skew - noise > SKEW_WARN_S ? 1 : 0;
	if (out->skew_level) {
		s->abnormal = true;
		add_reason(s, "clocks differ by %.0f s (Kea %s above %.0f s)", out->clock_skew,
			   out->skew_level == 2 ? "terminates HA" : "warns", out->skew_level == 2 ?
			   SKEW_CRIT_S : SKEW_WARN_S);
		set_next(s, "synchronize the servers' clocks (NTP): Kea terminates HA above %.0f s",
			 SKEW_CRIT_S);
	}
}

static void judge_terminated(struct situation *s, struct verdict *out)
{
	for (int i = 0; i < s->r->npeers; i++) {
		if (s->v[i].state == HA_STATE_TERMINATED) {
			out->clock_terminated = true;
			clear_next(s);
			set_next_action(s, HA_ACTION_RECOVER, NULL, "HA terminated (clock skew): fix NTP, "
					"then re-apply each terminated server's configuration (config-set "
					"of its config-get)");
			return;
		}
	}
}

/* A hot-standby standby that still waits for unanswered clients before taking over. */
static bool failover_pending(const struct situation *s, struct verdict *out)
{
	const struct peer_view *q;

	if (s->partner < 0 || s->r->conf.mode != HA_MODE_HOT_STANDBY)
		return false;
	q = &s->v[s->partner];
	if (q->reach != REACH_OK || !q->status || q->state != HA_STATE_HOT_STANDBY || s->paused == s->partner)
		return false;
	if (s->primary >= 0 && s->v[s->primary].serving)
		return false;
	/* Only a standby that lost its primary takes over: one in touch with its
	 * primary (e.g. a Kea 3 hub with DHCP switched off, or one only keaha
	 * cannot see) never will, unless keaha knows the primary is not running. */
	if (s->primary >= 0 && s->v[s->primary].reach != REACH_DOWN &&
	    !q->status->remote.communication_interrupted &&
	    q->status->remote.last_state != HA_STATE_UNAVAILABLE)
		return false;
	out->failover_pending = true;
	out->failover_progress = verdict_failover_progress(&q->status->remote);
	if (out->failover_progress < 0)
		out->failover_progress = 0;
	return true;
}

static bool is_truth_candidate(const struct peer_view *v)
{
	return v->reach == REACH_OK && v->status && ha_state_serves(v->state);
}

/* The primary while it answers and is active; else its partner (product rules). */
static int source_of_truth(const struct situation *s)
{
	if (s->primary >= 0 && is_truth_candidate(&s->v[s->primary]))
		return s->primary;
	if (s->partner >= 0 && is_truth_candidate(&s->v[s->partner]))
		return s->partner;
	return -1;
}

/* Nobody serves: resume a paused peer, start what is not running, else say why the running ones do not serve. */
static void next_step_service_down(struct situation *s)
{
	int act[2] = { s->primary, s->partner };

	if (s->paused >= 0) {
		set_next_action(s, HA_ACTION_CONTINUE, peer_name(s, s->paused), "resume %s's paused state "
				"machine (ha-continue): it is the way back to service", peer_name(s, s->paused));
		return;
	}

	for (int k = 0; k < 2; k++)
		if (act[k] >= 0 && s->v[act[k]].reach == REACH_DOWN) {
			set_next(s, "no server answers DHCP: start %s's DHCP server", peer_name(s, act[k]));
			return;
		}
	for (int k = 0; k < 2; k++) {
		const struct peer_view *v = act[k] >= 0 ? &s->v[act[k]] : NULL;
		if (v && v->daemon && v->daemon->status.dhcp_disabled && ha_state_serves(v->state)) {
			set_next(s, "%s has DHCP switched off although this relationship is %s: another of "
				 "its relationships is in a non-serving state (hub): fix that one",
				 peer_name(s, act[k]), ha_state_name(v->state));
			return;
		}
	}
	set_next(s, "both servers run but serve no clients: if they stay in waiting/syncing, "
		 "check that they reach each other; in maintenance, cancel it");
}

/* Leases a backup may lag behind by (updates in flight, reclamation at other moments). */
#define BACKUP_LEASE_SLACK 2.0

/*
 * A backup holding fewer leases than the source of truth missed the updates
 * given while it was away: Kea does not resync a restarted backup (README
 * section 5). Pool statistics count the leases each server holds.
 */
static void judge_backups(struct situation *s)
{
	int sot = source_of_truth(s);
	const struct daemon *t = sot >= 0 ? s->v[sot].daemon : NULL;

	if (!t || !t->pool.known)
		return;
	for (int i = 0; i < s->r->npeers; i++) {
		const struct peer_view *v = &s->v[i];
		double missing;
		if (s->r->peer[i].role != HA_ROLE_BACKUP || v->reach != REACH_OK ||
		    v->state != HA_STATE_BACKUP || !v->daemon->pool.known)
			continue;
		missing = t->pool.assigned - v->daemon->pool.assigned;
		if (missing <= BACKUP_LEASE_SLACK || missing < 0.02 * t->pool.assigned)
			continue;
		s->abnormal = true;
		add_reason(s, "%s holds %.0f leases, %s %.0f: the leases given while it was away are "
			   "missing on it", peer_name(s, i), v->daemon->pool.assigned, peer_name(s, sot),
			   t->pool.assigned);
		set_next_action(s, HA_ACTION_SYNC_LEASES, peer_name(s, i), "sync %s's leases from %s: "
				"a backup does not resync by itself", peer_name(s, i), peer_name(s, sot));
	}
}

/*
 * A state machine paused where its own configuration says, and a move Kea
 * would make by itself overdue (pause.c): only ha-continue moves it on.
 */
static void judge_pauses(struct situation *s)
{
	struct pause_view p;
	int i = pause_find(s->m, s->r, s->now, &p);

	if (i < 0 || p.kind != PAUSE_PROVEN)
		return;
	s->paused = i;
	s->abnormal = true;
	add_reason(s, "%s paused in %s by its state-machine configuration (%s)", peer_name(s, i),
		   ha_state_name(p.state), p.why);
	clear_next(s);
	set_next_action(s, HA_ACTION_CONTINUE, peer_name(s, i), "resume %s's state machine "
			"(ha-continue): it stays in %s until told", peer_name(s, i), ha_state_name(p.state));
}

/* A peer whose scopes are not those its state implies: a manual ha-scopes left behind. */
static void judge_scopes(struct situation *s)
{
	for (int i = 0; i < s->r->npeers; i++) {
		const struct peer_view *v = &s->v[i];
		struct ha_scopes want;
		char have_w[160], want_w[160];
		if (v->reach != REACH_OK || !v->status || !scopes_implied(s->r, i, v->state, &want) ||
		    scopes_same(&want, &v->status->local.scopes))
			continue;
		s->abnormal = true;
		scopes_words(&v->status->local.scopes, have_w, sizeof(have_w));
		scopes_words(&want, want_w, sizeof(want_w));
		add_reason(s, "%s serves the scopes of %s, not %s as %s implies (a manual ha-scopes?)",
			   peer_name(s, i), have_w, want_w, ha_state_name(v->state));
		set_next_action(s, HA_ACTION_RESTORE_SCOPES, NULL, "give each peer the scopes its state "
				"implies (ha-scopes)");
	}
}

/*
 * Active peers both in their normal states hold every lease (each sends its
 * updates to the other): one holding far fewer lost them, e.g. a lease wipe
 * on it alone. ha-reset makes it resync every lease from its partner. A Kea 3
 * hub holds the leases of all its relationships, a spoke those of one: the
 * daemons' totals do not compare there.
 */
static void judge_active_leases(struct situation *s)
{
	const struct peer_view *p, *q;
	double a, b, missing;
	int lo, hi;

	if (s->primary < 0 || s->partner < 0 || s->r->conf.mode == HA_MODE_PASSIVE_BACKUP)
		return;
	p = &s->v[s->primary];
	q = &s->v[s->partner];
	if (p->reach != REACH_OK || q->reach != REACH_OK || !p->status || !q->status ||
	    !p->daemon->pool.known || !q->daemon->pool.known ||
	    p->daemon->status.nrels > 1 || q->daemon->status.nrels > 1 ||
	    p->state != ha_state_normal(s->r->conf.mode, p->peer->role) ||
	    q->state != ha_state_normal(s->r->conf.mode, q->peer->role))
		return;
	a = p->daemon->pool.assigned;
	b = q->daemon->pool.assigned;
	lo = a < b ? s->primary : s->partner;
	hi = lo == s->primary ? s->partner : s->primary;
	missing = fabs(a - b);
	if (missing <= BACKUP_LEASE_SLACK || missing < 0.02 * (a > b ? a : b))
		return;
	s->abnormal = true;
	add_reason(s, "%s holds %.0f leases, %s %.0f: leases are missing on %s", peer_name(s, lo),
		   fmin(a, b), peer_name(s, hi), fmax(a, b), peer_name(s, lo));
	set_next_action(s, HA_ACTION_RESET, peer_name(s, lo), "reset %s (ha-reset): it resyncs every "
			"lease from %s", peer_name(s, lo), peer_name(s, hi));
}

static void decide(struct situation *s, struct verdict *out)
{
	if (s->any_serving) {
		out->status = s->abnormal || s->r->nfaults ? REL_IMPAIRED : REL_OK;
		if (!s->abnormal && s->r->nfaults) {
			add_reason(s, "configuration fault: %s", s->r->fault[0]);
			set_next(s, "make the peers' HA configurations agree");
		}
	} else if (failover_pending(s, out)) {
		out->status = REL_IMPAIRED;
		add_reason(s, "failover pending: %s takes over when clients go unanswered (%d%%)",
			   peer_name(s, s->partner), out->failover_progress);
	} else if (s->any_unknown) {
		out->status = REL_UNREACHABLE;
	} else {
		out->status = REL_SERVICE_DOWN;
		clear_next(s);
		next_step_service_down(s);
	}
	if (out->status == REL_OK)
		snprintf(s->reason, sizeof(s->reason), "all peers reachable and in their normal states");
}

void verdict_judge(const struct model *m, const struct relationship *r, double now,
		   struct verdict *out)
{
	struct situation s;

	memset(&s, 0, sizeof(s));
	memset(out, 0, sizeof(*out));
	s.m = m;
	s.r = r;
	s.now = now;
	s.paused = -1;
	out->failover_progress = -1;
	find_roles(&s);
	survey_peers(&s);
	survey_partners(&s, out);
	judge_pauses(&s);
	judge_skew(&s, out);
	judge_terminated(&s, out);
	judge_backups(&s);
	judge_active_leases(&s);
	judge_scopes(&s);
	decide(&s, out);
	out->source_of_truth = source_of_truth(&s);
	strlcpy_(out->reason, s.reason, sizeof(out->reason));
	strlcpy_(out->next_step, s.next, sizeof(out->next_step));
	out->next_action = s.next_action;
	strlcpy_(out->next_action_peer, s.next_peer, sizeof(out->next_action_peer));
}

/* Judges one relationship, stamping verdict_since where the status moved. */
static void update_one(struct model *m, struct relationship *r, double now,
		       verdict_change_fn fn, void *ctx)
{
	struct verdict v;
	enum rel_status old = r->verdict.status;
	bool first = r->verdict_since == 0;

	verdict_judge(m, r, now, &v);
	if (memcmp(&v, &r->verdict, sizeof(v)) != 0)
		m->generation++;
	r->verdict = v; /* before fn: it is told the old status, and sees the new */
	r->judged_gen = m->generation;
	r->judged_at = now;
	if (first || v.status != old) {
		r->verdict_since = now;
		if (!first && fn)
			fn(ctx, r, old, now);
	}
}

void verdict_update_all(struct model *m, double now, verdict_change_fn fn, void *ctx)
{
	for (int i = 0; i < m->nrels; i++)
		update_one(m, &m->rels[i], now, fn, ctx);
}

/*
 * Whether a verdict may be out of date: never made, a peer's server changed
 * since (model_touch), or made a while ago (ages and timers in the reason).
 */
static bool stale(const struct model *m, const struct relationship *r, double now)
{
	if (r->judged_gen == 0 || now - r->judged_at >= VERDICT_REFRESH_S || now < r->judged_at)
		return true;
	for (int i = 0; i < r->npeers; i++) {
		int s = r->peer[i].server;
		if (s >= 0 && s < m->nservers && m->servers[s].changed_gen > r->judged_gen)
			return true;
	}
	return false;
}

void verdict_update_changed(struct model *m, double now, verdict_change_fn fn, void *ctx)
{
	for (int i = 0; i < m->nrels; i++)
		if (stale(m, &m->rels[i], now))
			update_one(m, &m->rels[i], now, fn, ctx);
}
