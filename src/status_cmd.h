/*
 * `keaha status`: poll every discovered peer once, in parallel, within a
 * deadline, judge, print, and exit like a monitoring plugin. It only reads.
 */
#ifndef KEAHA_STATUS_CMD_H
#define KEAHA_STATUS_CMD_H

#include <stdbool.h>

#include "config.h"
#include "model.h"

struct status_opts {
	bool json;
	bool list;                 /* `relationship list`: the topology, not the health detail */
	double timeout;            /* seconds for the whole run */
	const char *state_dir;     /* remembered topology, NULL for none */
};

/* Polls every discovered peer once into m (model_init'ed by the caller) and judges. */
void status_cmd_discover(const struct keaha_config *cfg, const struct status_opts *o,
			 struct model *m);

/* Returns the process exit status (for a list: 0, or 3 when nothing was discovered). */
int status_cmd_run(const struct keaha_config *cfg, const struct status_opts *o);

#endif
