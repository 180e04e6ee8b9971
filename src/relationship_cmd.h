/*
 * `keaha relationship add|remove`: the product's Add Relationship and Remove
 * on the command line. Discovery (what exists), both configurations read,
 * a change plan with its diff, a confirmation, and the transaction.
 */
#ifndef KEAHA_RELATIONSHIP_CMD_H
#define KEAHA_RELATIONSHIP_CMD_H

#include <stdbool.h>

#include "config.h"
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

int relationship_cmd_add(const struct keaha_config *cfg, const struct relationship_opts *o);
int relationship_cmd_remove(const struct keaha_config *cfg, const struct relationship_opts *o);

#endif
