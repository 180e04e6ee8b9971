/*
 * Pause: whether a peer's HA state machine is paused. Kea pauses a state
 * machine on entering a state its configuration's `state-machine` section
 * names ("always", or "once": the first time) and holds it there until
 * ha-continue; status-get does not say so. keaha infers it: the peer sits
 * in a state its own configuration pauses in, and a move Kea would make on
 * its own (waiting, syncing and ready pass in seconds; a normal state goes
 * partner-down once the partner is lost; partner-down goes back once the
 * partner is ready) is overdue. Where no move is due a pause cannot be told
 * from outside. Pure: the model, one peer, the clock.
 */
#ifndef KEAHA_PAUSE_H
#define KEAHA_PAUSE_H

#include <stdbool.h>

#include "decode.h"

struct model;
struct relationship;

enum pause_kind {
	PAUSE_NONE,      /* not in a state its configuration pauses in (or not seen) */
	PAUSE_STEADY,    /* in such a state, where Kea would stay anyway now: cannot be told */
	PAUSE_UNPROVEN,  /* a move is due, not overdue yet: watch a little longer */
	PAUSE_PROVEN,    /* the move is overdue: the state machine is paused */
};

struct pause_view {
	enum pause_kind kind;
	enum ha_state state;      /* where it sits */
	enum ha_state due;        /* where Kea would move on its own; HA_STATE_UNKNOWN: nowhere */
	double held;              /* s it has sat in state, at least */
	double due_for;           /* s the move has been due, at least */
	double bound;             /* s after which a due move not made means paused */
	char why[160];            /* why the move is due, or why it would stay, in words */
};

/* Peer i of r, as keaha sees it at now. */
void pause_judge(const struct model *m, const struct relationship *r, int i, double now,
		 struct pause_view *out);

/* The peer most likely paused (proven, else unproven, else steady), -1 when none; its view. */
int pause_find(const struct model *m, const struct relationship *r, double now, struct pause_view *out);

/* Seconds more to watch an UNPROVEN pause before it is proven or gone (0 otherwise). */
double pause_watch_left(const struct pause_view *p);

#endif
