/*
 * Which scopes a state implies (Kea's HA hook, QueryFilter): in its normal
 * state, communication-recovery and terminated a load-balancing peer serves
 * its own scope; in partner-down and partner-in-maintenance every scope; a
 * hot-standby or passive-backup relationship has one scope, the primary's.
 * Waiting, syncing, ready, in-maintenance and backups serve none, and Kea
 * resets them on the next state change anyway: not ours to check.
 */
#include "scopes.h"

#include <stdio.h>
#include <string.h>

#include "model.h"
#include "util.h"

static void add(struct ha_scopes *s, const char *name)
{
	if (s->n < HA_MAX_SCOPES)
		strlcpy_(s->name[s->n++], name, sizeof(s->name[0]));
}

static int find_role(const struct relationship *r, bool primary)
{
	for (int i = 0; i < r->npeers; i++) {
		enum ha_role role = r->peer[i].role;
		if (primary ? role == HA_ROLE_PRIMARY : role == HA_ROLE_SECONDARY || role == HA_ROLE_STANDBY)
			return i;
	}
	return -1;
}

bool scopes_implied(const struct relationship *r, int i, enum ha_state st, struct ha_scopes *out)
{
	int primary = find_role(r, true), partner = find_role(r, false);
	bool all = st == HA_STATE_PARTNER_DOWN || st == HA_STATE_PARTNER_IN_MAINTENANCE;
	bool own = st == ha_state_normal(r->conf.mode, r->peer[i].role) ||
		   st == HA_STATE_COMMUNICATION_RECOVERY || st == HA_STATE_TERMINATED;

	memset(out, 0, sizeof(*out));
	if (r->peer[i].role == HA_ROLE_BACKUP || primary < 0 || (!all && !own))
		return false;
	if (r->conf.mode == HA_MODE_LOAD_BALANCING) {
		if (all && partner >= 0) {
			add(out, r->peer[primary].name);
			add(out, r->peer[partner].name);
		} else {
			add(out, r->peer[i].name);
		}
	} else if (all || i == primary) {
		add(out, r->peer[primary].name);
	}
	return true;
}

bool scopes_same(const struct ha_scopes *a, const struct ha_scopes *b)
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

void scopes_words(const struct ha_scopes *s, char *out, size_t size)
{
	size_t len = 0;

	out[0] = '\0';
	for (int i = 0; i < s->n && len + 2 < size; i++)
		len += (size_t)snprintf(out + len, size - len, "%s%s", i ? ", " : "", s->name[i]);
	if (!s->n)
		snprintf(out, size, "none");
}
