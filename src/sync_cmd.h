/*
 * `keaha sync RELATIONSHIP [--dry-run] [--yes]`: the source of truth's
 * configuration replicated to every peer. Exit: 0 every peer matches the
 * source of truth afterwards, 1 failed and rolled back or a peer still
 * differs (with --dry-run: some peer differs), 2 refused, 64 usage.
 */
#ifndef KEAHA_SYNC_CMD_H
#define KEAHA_SYNC_CMD_H

#include "config.h"
#include "replicate.h"

int sync_cmd_run(const struct keaha_config *cfg, const struct replicate_opts *o, const char *rel);

#endif
