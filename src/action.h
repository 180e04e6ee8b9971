/*
 * Action: the on-call HA actions (maintenance, sync, continue, reset,
 * recovery from terminated, scopes) decided from what keaha knows. A pure
 * function of the model, one relationship, the chosen action, an optional
 * peer and the clock: either a refusal with its reason in plain words, or a
 * plan (which command goes to which peer with which arguments), a sentence
 * on what happens to DHCP service, warnings, and the states to expect
 * afterwards. Nothing here sends; the command line and the dashboard do,
 * the same way.
 *
 * This header only forward-declares the model, so model.h can name an
 * action in a verdict's next step.
 */
#ifndef KEAHA_ACTION_H
#define KEAHA_ACTION_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "decode.h"
#include "kea.h"

/* action, its name on the command line, one line of help */
#define HA_ACTIONS(X) \
	X(MAINTENANCE_START, "maintenance-start", "put a peer in maintenance: its partner serves all, it can be shut down") \
	X(MAINTENANCE_CANCEL, "maintenance-cancel", "end maintenance: both peers back to their normal states") \
	X(SYNC_LEASES, "sync-leases", "fetch every lease from the partner (ha-sync), e.g. on a backup back from an outage") \
	X(CONTINUE, "continue", "resume a state machine paused by its configuration (ha-continue)") \
	X(RESET, "reset", "send a peer back to waiting so it resyncs its leases (ha-reset)") \
	X(RECOVER, "recover", "leave terminated (clock skew): re-apply each terminated server's running configuration") \
	X(RESTORE_SCOPES, "restore-scopes", "give each peer the scopes its state implies, after a manual ha-scopes")

enum ha_action {
	HA_ACTION_NONE,
#define X(e, name, help) HA_ACTION_##e,
	HA_ACTIONS(X)
#undef X
	HA_ACTION_COUNT
};

#define ACTION_MAX_STEPS 4
#define ACTION_MAX_EXPECT 4
#define ACTION_SYNC_MAX_PERIOD 10   /* s the partner's DHCP may stay off during ha-sync */
#define ACTION_RECOVER_MAX_SKEW 30.0  /* s: Kea warns above, terminates above 60 */

enum action_kind {
	ACTION_PLAN,     /* steps to send */
	ACTION_REFUSED,  /* the situation makes it wrong or pointless: nothing to send */
	ACTION_USAGE,    /* the request itself is wrong (unknown peer, peer missing) */
};

/* One command to one peer. */
struct action_step {
	int peer;                        /* index in the relationship's peers */
	const char *command;             /* Kea's command name */
	bool reapply_config;             /* config-set with the peer's own config-get output */
	char server_name[KEA_NAME_LEN];  /* "server-name" argument, "" for none */
	long max_period;                 /* "max-period" argument (ha-sync), 0 for none */
	bool has_scopes;
	struct ha_scopes scopes;         /* "scopes" argument (ha-scopes) */
	double timeout;                  /* seconds this command may take */
};

/* What one peer must show afterwards. */
struct action_expect {
	int peer;
	enum ha_state state;             /* to reach, or to leave when leave */
	bool leave;
	bool check_scopes;
	struct ha_scopes scopes;         /* exactly these, in any order */
};

struct action_plan {
	enum ha_action action;
	enum action_kind kind;
	int target;                      /* the peer acted upon, -1 when none */
	char refusal[360];               /* why not (REFUSED, USAGE) */
	char effect[480];                /* what happens to DHCP service, plain words */
	char warning[400];               /* "" or what else it touches (hubs) */
	int nsteps;
	struct action_step step[ACTION_MAX_STEPS];
	int nexpect;
	struct action_expect expect[ACTION_MAX_EXPECT];
	double settle;                   /* seconds to wait for the expected states */
	double watch;                    /* continue: seconds to watch an unproven pause before
					    sending (decide again after), 0 for none */
};

struct model;
struct relationship;

/* Decides action a on relationship r of m at time now; peer is --peer (NULL: none). */
void action_decide(const struct model *m, const struct relationship *r, enum ha_action a,
		   const char *peer, double now, struct action_plan *out);

/* The "arguments" of a step (NULL when it has none); the caller frees it. */
cJSON *action_step_args(const struct action_step *s);

/* Whether peer i of r satisfies expectation e in m; state gets what it shows. */
bool action_expect_met(const struct model *m, const struct relationship *r,
		       const struct action_expect *e, char *state, size_t size);

const char *action_name(enum ha_action a);
const char *action_help(enum ha_action a);
bool action_parse(const char *s, enum ha_action *out);

#endif
