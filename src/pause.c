/*
 * A pause told from a move that does not come. How long each move takes on
 * its own is bounded by the relationship's timings (shared/kea/README.md
 * section 5: waiting -> syncing -> ready -> normal in 3-4 s with a 1 s
 * heartbeat; partner-down ~4 s after the last good heartbeat): two
 * heartbeats plus max-response-delay is generous for all of them, and a
 * sync may take the relationship's sync-timeout more (Kea's default 60 s).
 */
#include "pause.h"

#include <stdio.h>
#include <string.h>

#include "model.h"

/* Peer i's own HA configuration of this relationship, or NULL. */
static const struct ha_rel_config *own_config(const struct relationship *r, const struct peer_view *v)
{
	const struct daemon *d = v->daemon;

	if (!d || !d->has_config)
		return NULL;
	for (int k = 0; k < d->config.nrels; k++)
		if (strcmp(d->config.rel[k].this_server_name, v->peer->name) == 0)
			return &d->config.rel[k];
	(void)r;
	return NULL;
}

/*
 * How long a peer has sat in its state, at least: since keaha first saw it
 * there, or, in waiting (where a state machine starts), since its last
 * (re)configuration, which status-get's "reload" counts.
 */
static double held_for(const struct peer_view *v, double now)
{
	const struct daemon *d = v->daemon;
	double held;

	if (!d || v->ha_index < 0)
		return 0;
	held = now - d->state_since[v->ha_index];
	if (v->state == HA_STATE_WAITING && d->status.reload >= 0 &&
	    d->status.reload + (now - d->status_at) > held)
		held = (double)d->status.reload + (now - d->status_at);
	return held > 0 ? held : 0;
}

static int partner_of(const struct relationship *r, int i)
{
	bool primary = r->peer[i].role == HA_ROLE_PRIMARY;

	for (int k = 0; k < r->npeers; k++) {
		enum ha_role role = r->peer[k].role;
		if (k != i && (primary ? role == HA_ROLE_SECONDARY || role == HA_ROLE_STANDBY :
			       role == HA_ROLE_PRIMARY))
			return k;
	}
	return -1;
}

/* waiting, syncing, ready: pass in seconds, unless the partner is terminated (then it waits). */
static void judge_passing(const struct relationship *r, int i, const struct peer_view *v,
			  const struct peer_view *pv, struct pause_view *out)
{
	bool terminated = v->status->remote.last_state == HA_STATE_TERMINATED ||
			  (pv && pv->reach == REACH_OK && pv->status && pv->state == HA_STATE_TERMINATED);

	if (terminated) {
		snprintf(out->why, sizeof(out->why), "it waits for its terminated partner");
		return;
	}
	out->due = ha_state_normal(r->conf.mode, r->peer[i].role);
	out->due_for = out->held;
	if (v->state == HA_STATE_SYNCING)
		out->bound += (r->conf_known ? r->conf.sync_timeout : 60000) / 1000.0;
	snprintf(out->why, sizeof(out->why), "%s passes in seconds", ha_state_name(v->state));
}

/* A normal state (or communication-recovery) with the partner lost: partner-down is due. */
static void judge_normal(const struct ha_rel_config *rc, const struct peer_view *v, double now,
			 struct pause_view *out)
{
	const struct ha_remote *rem = &v->status->remote;
	double age = (double)rem->age + (now - v->daemon->status_at);

	if (!rem->present || !rem->communication_interrupted) {
		snprintf(out->why, sizeof(out->why), "it stays there while in touch with its partner");
		return;
	}
	if (rc->max_unacked_clients > 0) {
		snprintf(out->why, sizeof(out->why), "with max-unacked-clients %ld it takes over only once "
			 "clients go unanswered", rc->max_unacked_clients);
		return;
	}
	out->due = HA_STATE_PARTNER_DOWN;
	out->due_for = age - rc->max_response_delay / 1000.0;
	snprintf(out->why, sizeof(out->why), "it has not heard from its partner for %.0f s", age);
}

/* partner-down while the partner waits in ready for it: the normal state is due. */
static void judge_partner_down(const struct relationship *r, int i, const struct peer_view *v,
			       const struct peer_view *pv, double now, struct pause_view *out)
{
	const struct ha_remote *rem = &v->status->remote;
	double partner_held;

	if (!rem->present || rem->communication_interrupted || rem->last_state != HA_STATE_READY) {
		snprintf(out->why, sizeof(out->why), "it stays there until its partner is back and ready");
		return;
	}
	out->due = ha_state_normal(r->conf.mode, r->peer[i].role);
	out->due_for = out->held;
	if (pv && pv->reach == REACH_OK && pv->status && pv->state == HA_STATE_READY) {
		partner_held = held_for(pv, now);
		if (partner_held < out->due_for)
			out->due_for = partner_held;
	}
	snprintf(out->why, sizeof(out->why), "its partner is back and ready");
}

void pause_judge(const struct model *m, const struct relationship *r, int i, double now,
		 struct pause_view *out)
{
	struct peer_view v, pv;
	const struct ha_rel_config *rc;
	int p = partner_of(r, i);

	memset(out, 0, sizeof(*out));
	out->due = HA_STATE_UNKNOWN;
	model_peer_view(m, r, i, &v);
	if (p >= 0)
		model_peer_view(m, r, p, &pv);
	out->state = v.state;
	rc = own_config(r, &v);
	if (v.reach != REACH_OK || !v.status || !rc || !(rc->pause_states & (1u << v.state)))
		return;
	out->held = held_for(&v, now);
	out->bound = 2.0 * rc->heartbeat_delay / 1000.0 + rc->max_response_delay / 1000.0;
	if (v.state == HA_STATE_WAITING || v.state == HA_STATE_SYNCING || v.state == HA_STATE_READY)
		judge_passing(r, i, &v, p >= 0 ? &pv : NULL, out);
	else if (r->peer[i].role != HA_ROLE_BACKUP && (v.state == ha_state_normal(r->conf.mode, r->peer[i].role) ||
		 v.state == HA_STATE_COMMUNICATION_RECOVERY))
		judge_normal(rc, &v, now, out);
	else if (v.state == HA_STATE_PARTNER_DOWN)
		judge_partner_down(r, i, &v, p >= 0 ? &pv : NULL, now, out);
	else
		snprintf(out->why, sizeof(out->why), "Kea stays in %s until told otherwise",
			 ha_state_name(v.state));
	if (out->due_for < 0)
		out->due_for = 0;
	out->kind = out->due == HA_STATE_UNKNOWN ? PAUSE_STEADY :
		    out->due_for >= out->bound ? PAUSE_PROVEN : PAUSE_UNPROVEN;
}

int pause_find(const struct model *m, const struct relationship *r, double now, struct pause_view *out)
{
	struct pause_view pv;
	int best = -1;

	memset(out, 0, sizeof(*out));
	for (int i = 0; i < r->npeers; i++) {
		pause_judge(m, r, i, now, &pv);
		if (pv.kind > out->kind) {
			*out = pv;
			best = i;
		}
	}
	return best;
}

double pause_watch_left(const struct pause_view *p)
{
	double left = p->bound - p->due_for;

	return p->kind == PAUSE_UNPROVEN && left > 0 ? left : 0;
}
