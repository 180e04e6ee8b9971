/*
 * `keaha ha ACTION RELATIONSHIP [--peer NAME] [--yes] [--dry-run]`: the
 * on-call actions on the command line. One poll (as `keaha status`), the
 * decision of action.c, its plain-words effect, a confirmation naming the
 * relationship, the commands, then a bounded watch of the states Kea
 * really reaches. The dashboard offers the same actions with the same
 * decisions; this is their contract:
 *   exit 0  sent, and the intended end state was reached
 *   exit 1  sent, but a command failed or the end state was not reached
 *   exit 2  refused (the situation, --readonly, no confirmation): nothing sent
 *   exit 64 usage (unknown action, relationship or peer; --peer missing)
 */
#ifndef KEAHA_HA_CMD_H
#define KEAHA_HA_CMD_H

#include <stdbool.h>

#include "action.h"
#include "config.h"

#define HA_CMD_EXIT_DONE 0
#define HA_CMD_EXIT_FAILED 1
#define HA_CMD_EXIT_REFUSED 2
#define HA_CMD_EXIT_USAGE 64

struct ha_cmd_opts {
	const char *relationship;   /* as `keaha status` names it */
	enum ha_action action;
	const char *peer;           /* --peer, NULL for none */
	bool yes;
	bool dry_run;
	bool readonly;              /* --readonly: every action refused */
	double timeout;             /* seconds for the poll before deciding */
	const char *state_dir;      /* remembered topology and audit.log, NULL for none */
	const char *events_file;    /* --events: the action as a JSON line, NULL for none */
};

int ha_cmd_run(const struct keaha_config *cfg, const struct ha_cmd_opts *o);

#endif
