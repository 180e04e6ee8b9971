/*
 * Private to the action module (src/action*.c), not for other modules: the
 * context every decision reads, the helpers that word refusals and effects
 * and add steps and expectations, and one decide function per action. The
 * table that maps an action to its decide function is in action.c; each
 * family of actions has its own file:
 *   action_maint.c     maintenance-start, maintenance-cancel
 *   action_leases.c    sync-leases, reset
 *   action_continue.c  continue (with pause.c's inference)
 *   action_recover.c   recover, restore-scopes
 */
#ifndef KEAHA_ACTION_IMPL_H
#define KEAHA_ACTION_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "action.h"
#include "model.h"
#include "verdict.h"

#define ACTION_STEP_TIMEOUT 10.0        /* s: an HA command answers at once */
#define ACTION_SYNC_TIMEOUT 120.0       /* s: ha-sync pages through every lease */
#define ACTION_CONFIG_SET_TIMEOUT 30.0

struct action_ctx {
	const struct model *m;
	const struct relationship *r;
	double now;
	struct verdict verdict;
	struct peer_view v[HA_MAX_PEERS];
	char unseen[HA_MAX_PEERS][80]; /* why each peer is not seen, in words */
	int primary, partner;     /* peer indexes, -1 when absent */
	struct action_plan *out;
};

static inline const char *name_of(const struct action_ctx *c, int i)
{
	return c->r->peer[i].name;
}

static inline enum ha_state state_of(const struct action_ctx *c, int i)
{
	return c->v[i].state;
}

static inline enum ha_state normal_of(const struct action_ctx *c, int i)
{
	return ha_state_normal(c->r->conf.mode, c->r->peer[i].role);
}

/* keaha sees the peer and its HA state. */
static inline bool seen(const struct action_ctx *c, int i)
{
	return i >= 0 && c->v[i].reach == REACH_OK && c->v[i].status != NULL;
}

/* "down (...)", "unreachable (timeout)", "running without HA": why a peer is not seen. */
static inline const char *unseen_words(const struct action_ctx *c, int i)
{
	return c->unseen[i];
}

static inline int other_active(const struct action_ctx *c, int i)
{
	return i == c->primary ? c->partner : i == c->partner ? c->primary : -1;
}

static inline bool is_backup(const struct action_ctx *c, int i)
{
	return c->r->peer[i].role == HA_ROLE_BACKUP;
}

/* The outcome: a refusal, a usage error, words on the effect, a warning (they add up). */
void action_refuse(struct action_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void action_usage(struct action_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void action_effect(struct action_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void action_warn(struct action_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The peer named by --peer; USAGE (and -1) when it is not one of the relationship's. */
int action_chosen_peer(struct action_ctx *c, const char *peer);
/* The first active peer keaha sees in state st, or -1. */
int action_find_in_state(const struct action_ctx *c, enum ha_state st);
/* "a waiting, b hot-standby": every peer and its state, or why it is not seen. */
void action_states_list(const struct action_ctx *c, char *out, size_t size);
/* The other relationships (same service) whose peers live on peer i's server; their names. */
int action_hub_others(const struct action_ctx *c, int i, char *names, size_t size);

struct action_step *action_add_step(struct action_ctx *c, int peer, const char *command,
				    double timeout);
struct action_expect *action_add_expect(struct action_ctx *c, int peer, enum ha_state state,
					bool leave);
/* Both actives back in their normal states, expected; and said in words. */
void action_expect_normal(struct action_ctx *c);
void action_normal_words(struct action_ctx *c);

void action_maintenance_start(struct action_ctx *c, const char *peer);
void action_maintenance_cancel(struct action_ctx *c, const char *peer);
void action_sync_leases(struct action_ctx *c, const char *peer);
void action_reset(struct action_ctx *c, const char *peer);
void action_continue(struct action_ctx *c, const char *peer);
void action_recover(struct action_ctx *c, const char *peer);
void action_restore_scopes(struct action_ctx *c, const char *peer);

#endif
