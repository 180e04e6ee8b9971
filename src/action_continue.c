/*
 * Continue: ha-continue to a state machine paused by its configuration's
 * state-machine section. status-get does not show a pause, so keaha
 * infers it from the configuration and from a state that does not move.
 */
#include "action_impl.h"

#include <stdio.h>
#include <string.h>

/* Peer i's own HA configuration of this relationship, or NULL. */
static const struct ha_rel_config *own_config(const struct action_ctx *c, int i)
{
	const struct daemon *d = c->v[i].daemon;

	if (!d || !d->has_config)
		return NULL;
	for (int k = 0; k < d->config.nrels; k++)
		if (strcmp(d->config.rel[k].this_server_name, name_of(c, i)) == 0)
			return &d->config.rel[k];
	return NULL;
}

static bool pauses_in(const struct action_ctx *c, int i, enum ha_state st)
{
	const struct ha_rel_config *rc = own_config(c, i);

	return rc && (rc->pause_states & (1u << st));
}

/*
 * How long peer i has sat in its state, at least: since keaha first saw it
 * there, or, in waiting (where a state machine starts), since its last
 * (re)configuration, which status-get's "reload" counts.
 */
static double held_for(const struct action_ctx *c, int i)
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
static double stuck_after(const struct action_ctx *c)
{
	return 2.0 * c->r->conf.heartbeat_delay / 1000.0 + c->r->conf.max_response_delay / 1000.0;
}

static int paused_candidate(const struct action_ctx *c)
{
	for (int i = 0; i < c->r->npeers; i++)
		if (seen(c, i) && pauses_in(c, i, state_of(c, i)))
			return i;
	return -1;
}

void action_continue(struct action_ctx *c, const char *peer)
{
	int x = peer ? action_chosen_peer(c, peer) : paused_candidate(c);
	double held;

	if (peer && x < 0)
		return;
	if (x >= 0 && !seen(c, x)) {
		action_refuse(c, "%s is %s", name_of(c, x), unseen_words(c, x));
		return;
	}
	if (x < 0 || !pauses_in(c, x, state_of(c, x))) {
		char states[300];
		action_states_list(c, states, sizeof(states));
		action_refuse(c, "no peer sits in a state its configuration pauses in (%s): a state machine only "
		              "pauses where its state-machine section says, so ha-continue would do nothing", states);
		return;
	}
	held = held_for(c, x);
	c->out->target = x;
	action_add_step(c, x, "ha-continue", ACTION_STEP_TIMEOUT);
	action_add_expect(c, x, state_of(c, x), true);
	if (held >= stuck_after(c))
		action_effect(c, "%s has sat in %s for at least %.0f s, a state its configuration pauses in: "
		              "it is paused.", name_of(c, x), ha_state_name(state_of(c, x)), held);
	else
		action_effect(c, "%s is in %s, a state its configuration pauses in (seen there for %.0f s only: "
		              "if it is not paused, Kea says so and nothing changes).", name_of(c, x),
		              ha_state_name(state_of(c, x)), held);
	action_effect(c, "Its state machine moves on towards %s; while in %s it serves %s.",
	              ha_state_name(normal_of(c, x)), ha_state_name(state_of(c, x)),
	              c->v[x].serving ? "its clients" : "no clients");
}
