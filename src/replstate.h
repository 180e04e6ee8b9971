/*
 * What keaha remembers about each relationship's replication, one small
 * JSON file per relationship in $XDG_STATE_HOME/keaha/replication/: the
 * hash of the replicated configuration the peers last agreed on (so a
 * later drift tells which side changed: the source, an external edit
 * there; or a peer), and the peer holding edits keaha made while the
 * primary was away (it stays the source until the primary has them).
 */
#ifndef KEAHA_REPLSTATE_H
#define KEAHA_REPLSTATE_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"

struct replstate {
	bool has_in_sync;
	uint64_t in_sync;           /* replica_hash() all peers last had */
	char pinned[KEA_NAME_LEN];  /* "" when no edits wait for the primary */
	char pinned_since[32];      /* UTC, for the pane and the audit */
};

/* Reads the record of a relationship; an absent file is an empty record. */
void replstate_load(const char *state_dir, const char *rel, struct replstate *out);
/* Writes it (0600); false when it cannot be written. */
bool replstate_save(const char *state_dir, const char *rel, const struct replstate *st);
/* Puts every relationship's pinned peer into the model (rel_drift.pinned). */
void replstate_apply(struct model *m, const char *state_dir);

#endif
