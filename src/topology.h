/*
 * Remembered topology: what discovery found, kept on disk
 * ($XDG_STATE_HOME/keaha/), so that a later run whose primary is down still
 * knows the relationship and polls the secondary (the product cannot; keaha
 * does). One file per set of configured servers, so labs and sites do not mix.
 */
#ifndef KEAHA_TOPOLOGY_H
#define KEAHA_TOPOLOGY_H

#include "config.h"
#include "model.h"

/* $XDG_STATE_HOME/keaha (or ~/.local/state/keaha). */
void topology_default_dir(char *out, size_t size);
/* Adds remembered servers and relationships; silently nothing when absent. */
void topology_load(struct model *m, const char *dir, const struct keaha_config *cfg);
/* Writes what is known now (mode 0600, atomically); false on I/O errors. */
bool topology_save(const struct model *m, const char *dir, const struct keaha_config *cfg);

#endif
