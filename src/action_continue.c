/*
 * Continue: ha-continue to a state machine paused by its configuration's
 * state-machine section. status-get does not show a pause, so pause.c
 * infers it from the configuration and from a move Kea does not make; the
 * words say how sure that is, and what to expect follows from it: a
 * passing state is left, an overdue move is made, and where Kea would stay
 * anyway nothing visible changes.
 */
#include "action_impl.h"

#include "pause.h"

static bool passing(enum ha_state st)
{
	return st == HA_STATE_WAITING || st == HA_STATE_SYNCING || st == HA_STATE_READY;
}

static void proven_words(struct action_ctx *c, int x, const struct pause_view *p)
{
	if (passing(p->state))
		action_effect(c, "%s has sat in %s for at least %.0f s, a state its configuration pauses "
			      "in (%s): it is paused.", name_of(c, x), ha_state_name(p->state), p->held, p->why);
	else
		action_effect(c, "%s sits in %s, a state its configuration pauses in, although %s: Kea "
			      "would have gone %s %.0f s ago, so it is paused.", name_of(c, x),
			      ha_state_name(p->state), p->why, ha_state_name(p->due), p->due_for);
}

/* The words on how sure keaha is, and what to expect afterwards. */
static void describe(struct action_ctx *c, int x, const struct pause_view *p)
{
	const char *serves = c->v[x].serving ? "its clients" : "no clients";

	if (p->kind == PAUSE_PROVEN)
		proven_words(c, x, p);
	else if (p->kind == PAUSE_UNPROVEN)
		action_effect(c, "%s is in %s, a state its configuration pauses in (seen there for %.0f s "
			      "only: if it is not paused, Kea says so and nothing changes).", name_of(c, x),
			      ha_state_name(p->state), p->held);
	else
		action_effect(c, "%s is in %s, a state its configuration pauses in, where Kea would stay "
			      "anyway now (%s): keaha cannot tell whether it is paused (Kea logs "
			      "HA_STATE_MACHINE_PAUSED); if it is not, Kea says so and nothing changes.",
			      name_of(c, x), ha_state_name(p->state), p->why);
	if (p->kind == PAUSE_STEADY) {
		action_effect(c, "It stays in %s, serving %s.", ha_state_name(p->state), serves);
		action_add_expect(c, x, p->state, false);
		return;
	}
	action_effect(c, "Its state machine moves on towards %s; while in %s it serves %s.",
		      ha_state_name(p->due), ha_state_name(p->state), serves);
	if (passing(p->state))
		action_add_expect(c, x, p->state, true);
	else
		action_add_expect(c, x, p->due, false);
	c->out->watch = pause_watch_left(p);
}

void action_continue(struct action_ctx *c, const char *peer)
{
	struct pause_view p;
	int x = peer ? action_chosen_peer(c, peer) : pause_find(c->m, c->r, c->now, &p);
	char states[300];

	if (peer && x < 0)
		return;
	if (x >= 0 && !seen(c, x)) {
		action_refuse(c, "%s is %s", name_of(c, x), unseen_words(c, x));
		return;
	}
	if (x >= 0)
		pause_judge(c->m, c->r, x, c->now, &p);
	if (x < 0 || p.kind == PAUSE_NONE) {
		action_states_list(c, states, sizeof(states));
		action_refuse(c, "no peer sits in a state its configuration pauses in (%s): a state machine "
			      "only pauses where its state-machine section says, so ha-continue would do "
			      "nothing", states);
		return;
	}
	c->out->target = x;
	action_add_step(c, x, "ha-continue", ACTION_STEP_TIMEOUT);
	describe(c, x, &p);
}
