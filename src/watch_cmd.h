/*
 * `keaha watch`: poll continuously and print one line per event (a state or
 * reachability change, a verdict that moved) as it happens; for a terminal,
 * a log or journald. It only reads.
 */
#ifndef KEAHA_WATCH_CMD_H
#define KEAHA_WATCH_CMD_H

#include <stdbool.h>

#include "config.h"

struct watch_opts {
	bool json;                 /* JSON lines instead of text */
	double duration;           /* seconds, 0 until interrupted */
	const char *events_file;   /* also append JSON lines here, NULL for none */
	const char *state_dir;
};

int watch_cmd_run(const struct keaha_config *cfg, const struct watch_opts *o);

#endif
