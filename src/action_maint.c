/*
 * Maintenance, started and cancelled. ha-maintenance-start goes to the
 * partner that keeps serving (it goes partner-in-maintenance and serves
 * every client; the maintained peer goes in-maintenance, serves none, and
 * can be stopped without an unplanned failover); ha-maintenance-cancel goes
 * to that same partner. On a Kea 3 hub both commands act on every
 * relationship of the receiver, and one relationship in in-maintenance
 * switches the hub's DHCP off for all of them: keaha warns of both
 * (shared/kea/kea3/README.md section 4).
 */
#include "action_impl.h"

#include <stdio.h>

/* A hub hit by maintenance: Kea acts on all its relationships, or switches its DHCP off. */
static void maintenance_hub_warnings(struct action_ctx *c, int receiver, int maintained)
{
	char others[240];
	int n;

	if ((n = action_hub_others(c, receiver, others, sizeof(others))) > 0)
		action_warn(c, "%s is a Kea hub in %d more relationship(s) (%s): ha-maintenance-start and "
		            "-cancel act on all of them, so every one of its partners changes too.",
		            name_of(c, receiver), n, others);
	if ((n = action_hub_others(c, maintained, others, sizeof(others))) > 0)
		action_warn(c, "%s is a Kea hub: one relationship in in-maintenance switches its DHCP off for "
		            "all of them, so clients of %s are not served unless those are put in "
		            "maintenance too.", name_of(c, maintained), others);
}

/* Whether the partner that would keep serving can take over now; refuses if not. */
static bool partner_can_take_over(struct action_ctx *c, int x, int p)
{
	enum ha_state sp = state_of(c, p), sx = state_of(c, x);

	if (sx == HA_STATE_IN_MAINTENANCE && sp == HA_STATE_PARTNER_IN_MAINTENANCE)
		action_refuse(c, "%s is already in maintenance (%s serves all clients): it can be shut down now",
		              name_of(c, x), name_of(c, p));
	else if (sp == HA_STATE_IN_MAINTENANCE)
		action_refuse(c, "%s is itself in maintenance: cancel that first (maintenance-cancel)", name_of(c, p));
	else if (sp == HA_STATE_TERMINATED || sx == HA_STATE_TERMINATED)
		action_refuse(c, "HA is terminated in %s (clock skew): recover first (keaha ha recover)", c->r->name);
	else if (sp == HA_STATE_PARTNER_DOWN)
		action_refuse(c, "%s is in partner-down: it already serves every client without %s; "
		              "maintenance needs the pair in touch", name_of(c, p), name_of(c, x));
	else if (sp != normal_of(c, p) && sp != HA_STATE_COMMUNICATION_RECOVERY)
		action_refuse(c, "%s is in %s, where it cannot take over %s's clients: wait for %s",
		              name_of(c, p), ha_state_name(sp), name_of(c, x), ha_state_name(normal_of(c, p)));
	else if (c->v[p].daemon && c->v[p].daemon->status.dhcp_disabled)
		action_refuse(c, "%s has its DHCP service switched off (by %s): it cannot serve %s's clients",
		              name_of(c, p), c->v[p].daemon->status.dhcp_disabled_by, name_of(c, x));
	else
		return true;
	return false;
}

void action_maintenance_start(struct action_ctx *c, const char *peer)
{
	int x, p;

	if (!peer) {
		action_usage(c, "maintenance-start needs --peer: the server to be taken down");
		return;
	}
	if ((x = action_chosen_peer(c, peer)) < 0)
		return;
	if (c->r->conf.mode == HA_MODE_PASSIVE_BACKUP) {
		action_refuse(c, "%s is passive-backup: no partner takes over, and Kea's maintenance "
		              "does not apply there (its handler fails)", c->r->name);
		return;
	}
	if (is_backup(c, x)) {
		action_refuse(c, "%s is a backup: it serves no clients, so it can be shut down without "
		              "maintenance (sync its leases when it is back)", name_of(c, x));
		return;
	}
	p = other_active(c, x);
	if (p < 0 || !seen(c, p)) {
		action_refuse(c, "%s, the partner that would keep serving, is %s: taking %s down would leave "
		              "nobody serving", p < 0 ? "(none)" : name_of(c, p), p < 0 ? "missing" : unseen_words(c, p),
		              name_of(c, x));
		return;
	}
	if (!seen(c, x)) {
		action_refuse(c, "%s is %s already: there is nothing to prepare", name_of(c, x), unseen_words(c, x));
		return;
	}
	if (!partner_can_take_over(c, x, p))
		return;
	c->out->target = x;
	action_add_step(c, p, "ha-maintenance-start", ACTION_STEP_TIMEOUT);
	action_add_expect(c, p, HA_STATE_PARTNER_IN_MAINTENANCE, false);
	action_add_expect(c, x, HA_STATE_IN_MAINTENANCE, false);
	action_effect(c, "%s will serve all clients; %s will serve none and can be shut down. "
	              "Stopping %s then is no unplanned failover: %s goes partner-down and keeps serving.",
	              name_of(c, p), name_of(c, x), name_of(c, x), name_of(c, p));
	maintenance_hub_warnings(c, p, x);
}

void action_maintenance_cancel(struct action_ctx *c, const char *peer)
{
	int p = action_find_in_state(c, HA_STATE_PARTNER_IN_MAINTENANCE), x, given = -1;
	char states[300];

	if (peer && (given = action_chosen_peer(c, peer)) < 0)
		return;
	action_states_list(c, states, sizeof(states));
	if (p < 0) {
		x = action_find_in_state(c, HA_STATE_IN_MAINTENANCE);
		if (x >= 0)
			action_refuse(c, "%s is in in-maintenance but its partner is not in partner-in-maintenance "
			              "(%s): Kea cancels only through that partner", name_of(c, x), states);
		else
			action_refuse(c, "nobody in %s is in maintenance (%s): nothing to cancel%s", c->r->name, states,
			              action_find_in_state(c, HA_STATE_PARTNER_DOWN) >= 0 ?
			              "; a stopped peer's partner is in partner-down: start that peer and the "
			              "pair returns to normal by itself" : "");
		return;
	}
	x = other_active(c, p);
	if (given >= 0 && given != p && given != x) {
		action_usage(c, "%s is not part of the maintenance in %s (%s)", peer, c->r->name, states);
		return;
	}
	c->out->target = x;
	action_add_step(c, p, "ha-maintenance-cancel", ACTION_STEP_TIMEOUT);
	action_expect_normal(c);
	action_effect(c, "%s leaves maintenance.", x >= 0 ? name_of(c, x) : "its partner");
	action_normal_words(c);
	if (x >= 0 && !seen(c, x))
		action_warn(c, "%s is %s: the pair returns to normal only once it runs again.", name_of(c, x),
		            unseen_words(c, x));
	maintenance_hub_warnings(c, p, x >= 0 ? x : p);
}
