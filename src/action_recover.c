/*
 * Back to the states a relationship should be in: recover (leave terminated
 * after clock skew: with the clocks within 30 s again, config-set each
 * terminated server's own config-get output, which restarts its HA; a
 * config-reload would reload the file and drop runtime changes never
 * written) and restore-scopes (after a manual ha-scopes, give each peer the
 * scopes its state implies).
 */
#include "action_impl.h"

#include <math.h>
#include <stdio.h>

#include "scopes.h"

/* Refuses unless keaha reads both actives' clocks and they agree within 30 s. */
static bool clocks_agree(struct action_ctx *c)
{
	int act[2] = { c->primary, c->partner };
	double off[2];

	for (int k = 0; k < 2; k++) {
		const struct daemon *d = act[k] >= 0 ? c->v[act[k]].daemon : NULL;
		if (act[k] < 0 || !seen(c, act[k])) {
			action_refuse(c, "%s is %s: recovery needs both servers, to check their clocks first",
			              act[k] < 0 ? "a partner" : name_of(c, act[k]),
			              act[k] < 0 ? "missing" : unseen_words(c, act[k]));
			return false;
		}
		if (!d->has_clock) {
			action_refuse(c, "keaha has no clock reading of %s yet (ha-heartbeat): it cannot check "
			              "that the clocks agree", name_of(c, act[k]));
			return false;
		}
		off[k] = d->clock_offset;
	}
	/* keaha's own readings: in terminated Kea 3 keeps reporting the skew it died of. */
	if (fabs(off[0] - off[1]) > ACTION_RECOVER_MAX_SKEW) {
		int bad = fabs(off[0]) > fabs(off[1]) ? 0 : 1;
		action_refuse(c, "the clocks still differ by %.0f s (more than %.0f s): fix NTP on %s (%+.0f s "
		              "from keaha's clock) first, or HA terminates again", fabs(off[0] - off[1]),
		              ACTION_RECOVER_MAX_SKEW, name_of(c, act[bad]), off[bad]);
		return false;
	}
	return true;
}

void action_recover(struct action_ctx *c, const char *peer)
{
	int order[2] = { c->partner, c->primary }, given = -1, n = 0;
	char states[300];

	if (peer && (given = action_chosen_peer(c, peer)) < 0)
		return;
	action_states_list(c, states, sizeof(states));
	if (action_find_in_state(c, HA_STATE_TERMINATED) < 0) {
		action_refuse(c, "no peer of %s is in terminated (%s): nothing to recover", c->r->name, states);
		return;
	}
	if (given >= 0 && (!seen(c, given) || state_of(c, given) != HA_STATE_TERMINATED)) {
		action_refuse(c, "%s is not in terminated (%s)", peer, states);
		return;
	}
	if (!clocks_agree(c))
		return;
	for (int k = 0; k < 2; k++) {
		int i = order[k];
		struct action_step *s;
		if (i < 0 || state_of(c, i) != HA_STATE_TERMINATED || (given >= 0 && i != given))
			continue;
		s = action_add_step(c, i, "config-set", ACTION_CONFIG_SET_TIMEOUT);
		s->reapply_config = true;
		s->server_name[0] = '\0';
		c->out->target = i;
		n++;
	}
	action_expect_normal(c);
	action_effect(c, "%s %s running configuration again (config-get, then config-set of it "
	              "unchanged; config-reload would reload the file and drop runtime changes never "
	              "written), which restarts HA: waiting, syncing, then the normal state in seconds, "
	              "serving no clients meanwhile.", n == 2 ? "Both servers" : name_of(c, c->out->target),
	              n == 2 ? "get their own" : "gets its own");
	for (int k = 0; k < 2; k++)
		if (order[k] >= 0 && state_of(c, order[k]) == HA_STATE_WAITING)
			action_effect(c, "%s, restarted, waits in waiting for its terminated partner and follows.",
			              name_of(c, order[k]));
	action_normal_words(c);
}

void action_restore_scopes(struct action_ctx *c, const char *peer)
{
	int given = -1;
	char states[300];

	if (peer && (given = action_chosen_peer(c, peer)) < 0)
		return;
	for (int i = 0; i < c->r->npeers; i++) {
		struct ha_scopes want;
		struct action_step *s;
		struct action_expect *e;
		char now_w[160], want_w[160];
		if ((given >= 0 && i != given) || !seen(c, i) || !scopes_implied(c->r, i, state_of(c, i), &want) ||
		    scopes_same(&want, &c->v[i].status->local.scopes))
			continue;
		s = action_add_step(c, i, "ha-scopes", ACTION_STEP_TIMEOUT);
		s->has_scopes = true;
		s->scopes = want;
		e = action_add_expect(c, i, state_of(c, i), false);
		e->check_scopes = true;
		e->scopes = want;
		c->out->target = i;
		scopes_words(&c->v[i].status->local.scopes, now_w, sizeof(now_w));
		scopes_words(&want, want_w, sizeof(want_w));
		action_effect(c, "%s (in %s) serves the scopes of %s instead of %s.", name_of(c, i),
		              ha_state_name(state_of(c, i)), want_w, now_w);
	}
	if (c->out->nsteps == 0) {
		action_states_list(c, states, sizeof(states));
		action_refuse(c, "every peer's scopes already match its state, or it has none to set (%s)", states);
	}
}
