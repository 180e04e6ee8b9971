/*
 * The dashboard: `keaha [URL...]`. Runs the poller, the keys, resizes and the
 * redraw on the one libuv loop; never blocks.
 */
#ifndef KEAHA_APP_H
#define KEAHA_APP_H

#include "config.h"
#include "ui.h"

/* Returns the process exit status. */
int app_run(const struct keaha_config *cfg, const struct ui_opts *o);

#endif
