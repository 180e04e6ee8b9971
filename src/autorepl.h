/*
 * Automatic replication in the running dashboard (keaReplicateConfig): a
 * peer that drifted from the source of truth is brought back in line once
 * it answers and is in its normal HA state again, by a child process
 * `keaha sync RELATIONSHIP --yes` (the same binary, configuration and
 * state directory) started with uv_spawn, so the dashboard's loop never
 * waits on a transaction. One child at a time; a failing relationship is
 * retried with a growing pause. A drift that comes from the source itself
 * (an external edit on the primary) is shown and left alone unless
 * keaReplicateSourceEdits is 1; the product propagates those only with the
 * next change either.
 */
#ifndef KEAHA_AUTOREPL_H
#define KEAHA_AUTOREPL_H

#include <stdbool.h>

#include <uv.h>

#include "child.h"
#include "events.h"
#include "model.h"
#include "replstate.h"

enum autorepl_decision {
	AUTOREPL_NOTHING,         /* in line, not compared, or refused */
	AUTOREPL_SYNC,            /* a peer drifted: bring it in line now */
	AUTOREPL_WAIT_PEER,       /* the drifted peer is not back in its normal state yet */
	AUTOREPL_HOLD_SOURCE,     /* the source changed outside keaha: shown, not propagated */
	AUTOREPL_HOLD_UNKNOWN,    /* no record says which side changed: shown, not propagated */
};

/*
 * The rule, a pure function of the model and the relationship's record:
 * why says it in words (for the details pane).
 */
enum autorepl_decision autorepl_decide(const struct model *m, const struct relationship *r,
				       const struct replstate *st, bool source_edits, char *why,
				       size_t size);

struct autorepl_opts {
	bool enabled;             /* keaReplicateConfig and not --readonly */
	bool source_edits;        /* keaReplicateSourceEdits */
	/* The child's binary, --config and servers; its state_dir is also where the
	 * records and replication.log live (NULL: no records, no automatic replication). */
	struct child_opts child;
	struct events *events;    /* each run started, finished or failed; NULL: none */
};

struct autorepl;

struct autorepl *autorepl_new(uv_loop_t *loop, const struct autorepl_opts *o);
/* Looks at every relationship (once a second is plenty); may start one child. */
void autorepl_tick(struct autorepl *a, struct model *m, double now);
/* Stops watching; a child still running finishes its transaction on its own. */
void autorepl_free(struct autorepl *a);

#endif
