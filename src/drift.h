/*
 * Drift: for every relationship, which peers' replicated configuration
 * differs from the replication source's, and how. The source is the
 * verdict's source of truth, except while a peer holds edits keaha made
 * when the primary was away (rel_drift.pinned): that peer stays the source
 * until the primary has them. A function of the model only, like the
 * verdict; the counts are cached by configuration hash.
 */
#ifndef KEAHA_DRIFT_H
#define KEAHA_DRIFT_H

#include "model.h"
#include "util.h"

/* The peer the others are compared with, or -1. */
int drift_source(const struct model *m, const struct relationship *r);

/* Compares every relationship's peers with its source (after verdict_update_all). */
void drift_update_all(struct model *m);
/*
 * The same for the relationships where it may have moved: judged again since
 * (the source may have changed), a peer's server touched since (model_touch),
 * or never compared (rebuilt). After verdict_update_changed, after every reply.
 */
void drift_update_changed(struct model *m);

/* The differences of peer i from the source, one line each; their count. */
int drift_describe(const struct model *m, const struct relationship *r, int i, struct sbuf *out);

#endif
