/*
 * Leases fetched from the partner: sync-leases (ha-sync with a bounded
 * max-period, e.g. for a backup back from an outage: Kea never resyncs a
 * restarted backup) and reset (ha-reset: the peer goes back to waiting and
 * resyncs through its state machine, e.g. after its lease database lost
 * leases). Both need a partner that serves, or there is nothing current to
 * fetch.
 */
#include "action_impl.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

/* The only backup, or -1. */
static int sole_backup(const struct action_ctx *c)
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
static int sync_source(const struct action_ctx *c, int x)
{
	int sot = c->verdict.source_of_truth;

	if (sot >= 0 && sot != x)
		return sot;
	if (other_active(c, x) >= 0)
		return other_active(c, x);
	return c->primary != x ? c->primary : c->partner;
}

void action_sync_leases(struct action_ctx *c, const char *peer)
{
	int x = peer ? action_chosen_peer(c, peer) : sole_backup(c), src;
	struct action_step *s;

	if (peer && x < 0)
		return;
	if (x < 0) {
		action_usage(c, "sync-leases needs --peer: the server whose leases are refreshed");
		return;
	}
	if (c->r->conf.mode == HA_MODE_PASSIVE_BACKUP) {
		action_refuse(c, "%s is passive-backup: the primary sends every lease to its backups; "
		              "ha-sync does not apply", c->r->name);
		return;
	}
	if (!seen(c, x)) {
		action_refuse(c, "%s is %s: it cannot fetch leases now", name_of(c, x), unseen_words(c, x));
		return;
	}
	src = sync_source(c, x);
	if (src < 0 || !seen(c, src)) {
		action_refuse(c, "%s, the partner to sync from, is %s: there is nothing to fetch leases from",
		              src < 0 ? "(none)" : name_of(c, src), src < 0 ? "missing" : unseen_words(c, src));
		return;
	}
	if (!ha_state_serves(state_of(c, src))) {
		action_refuse(c, "%s is in %s and serves no clients: its leases may not be current; sync once "
		              "it serves", name_of(c, src), ha_state_name(state_of(c, src)));
		return;
	}
	if (state_of(c, x) == HA_STATE_SYNCING) {
		action_refuse(c, "%s is syncing already", name_of(c, x));
		return;
	}
	c->out->target = x;
	s = action_add_step(c, x, "ha-sync", ACTION_SYNC_TIMEOUT);
	/* server-name is the partner to fetch from; on a hub it also names the relationship. */
	strlcpy_(s->server_name, name_of(c, src), sizeof(s->server_name));
	s->max_period = ACTION_SYNC_MAX_PERIOD;
	action_add_expect(c, x, state_of(c, x), false);
	action_effect(c, "%s fetches every lease from %s (ha-sync); %s's DHCP service pauses while it "
	              "answers, for at most %d s; %s stays in %s.", name_of(c, x), name_of(c, src),
	              name_of(c, src), ACTION_SYNC_MAX_PERIOD, name_of(c, x), ha_state_name(state_of(c, x)));
}

/* Whether ha-reset can help peer x (resyncing from y); refuses if not. */
static bool reset_helps(struct action_ctx *c, int x, int y)
{
	if (is_backup(c, x) || c->r->conf.mode == HA_MODE_PASSIVE_BACKUP)
		action_refuse(c, "%s does not resync through its state machine (backup / passive-backup): "
		              "use sync-leases", name_of(c, x));
	else if (!seen(c, x))
		action_refuse(c, "%s is %s", name_of(c, x), unseen_words(c, x));
	else if (state_of(c, x) == HA_STATE_TERMINATED)
		action_refuse(c, "ha-reset does not leave terminated: Kea terminates again at once; use recover");
	else if (state_of(c, x) == HA_STATE_WAITING)
		action_refuse(c, "%s is in waiting already", name_of(c, x));
	else if (state_of(c, x) == HA_STATE_IN_MAINTENANCE ||
		 state_of(c, x) == HA_STATE_PARTNER_IN_MAINTENANCE)
		action_refuse(c, "%s is in %s: end it with maintenance-cancel", name_of(c, x),
		              ha_state_name(state_of(c, x)));
	else if (y < 0 || !seen(c, y) || !ha_state_serves(state_of(c, y)))
		action_refuse(c, "%s would resync from %s, which is %s: it would sit in waiting serving nobody",
		              name_of(c, x), y < 0 ? "(none)" : name_of(c, y),
		              y < 0 ? "missing" : seen(c, y) ? ha_state_name(state_of(c, y)) : unseen_words(c, y));
	else
		return true;
	return false;
}

void action_reset(struct action_ctx *c, const char *peer)
{
	int x, y;

	if (!peer) {
		action_usage(c, "reset needs --peer: the server whose state machine goes back to waiting");
		return;
	}
	if ((x = action_chosen_peer(c, peer)) < 0)
		return;
	y = other_active(c, x);
	if (!reset_helps(c, x, y))
		return;
	c->out->target = x;
	action_add_step(c, x, "ha-reset", ACTION_STEP_TIMEOUT);
	action_add_expect(c, x, normal_of(c, x), false);
	action_effect(c, "%s goes back to waiting, fetches every lease from %s (syncing) and returns to %s; "
	              "meanwhile it serves no clients and %s keeps serving as in %s.", name_of(c, x),
	              name_of(c, y), ha_state_name(normal_of(c, x)), name_of(c, y),
	              ha_state_name(state_of(c, y)));
}
