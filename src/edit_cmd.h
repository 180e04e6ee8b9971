/*
 * `keaha edit SERVER|RELATIONSHIP [--yes]`: the source of truth's
 * configuration in an editor, applied to it and replicated to its peers in
 * one transaction. Exit: 0 applied, 1 failed and rolled back, 2 refused or
 * nothing changed, 64 usage. This command line is the contract the
 * dashboard's edit key uses too.
 */
#ifndef KEAHA_EDIT_CMD_H
#define KEAHA_EDIT_CMD_H

#include "config.h"
#include "replicate.h"

int edit_cmd_run(const struct keaha_config *cfg, const struct replicate_opts *o, const char *target);

#endif
