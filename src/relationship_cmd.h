/*
 * `keaha relationship add|remove`: the product's Add Relationship and Remove
 * on the command line. Discovery (what exists), both configurations read,
 * a change plan with its diff, a confirmation, and the transaction.
 */
#ifndef KEAHA_RELATIONSHIP_CMD_H
#define KEAHA_RELATIONSHIP_CMD_H

#include <stdbool.h>

#include "config.h"
#include "model.h"
#include "plan.h"

struct relationship_opts {
	const char *name;
	const char *primary, *partner;   /* server names or URLs */
	enum ha_mode mode;
	enum kea_service service;
	long heartbeat_delay, max_response_delay, max_ack_delay, max_unacked_clients; /* -1: default */
	int auto_failover;               /* -1: default (on), 0 off, 1 on */
	enum plan_scopes scopes;
	bool dry_run;
	bool yes;
	double timeout;                  /* per command, seconds */
	const char *state_dir;
};

#define RELATIONSHIP_SIBLING_NONE (-1)
#define RELATIONSHIP_SIBLING_AMBIGUOUS (-2)

/*
 * The server of the model that is server s's daemon of the other service
 * than svc on the same host (same address in their URLs, any port): for a
 * Kea 3 host reached directly, kea-dhcp6 beside its kea-dhcp4. Its index,
 * RELATIONSHIP_SIBLING_NONE, or RELATIONSHIP_SIBLING_AMBIGUOUS when several
 * endpoints there serve that service. Pure: reads the model only.
 */
int relationship_cmd_sibling(const struct model *m, int s, enum kea_service svc);

int relationship_cmd_add(const struct keaha_config *cfg, const struct relationship_opts *o);
int relationship_cmd_remove(const struct keaha_config *cfg, const struct relationship_opts *o);

#endif
