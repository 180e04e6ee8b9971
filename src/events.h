/*
 * Events: every change of a peer's reachability or HA state and of a
 * relationship's verdict, with its time, as keaha saw it. Found by comparing
 * the model with what was seen last, so the model itself knows nothing of
 * events. Kept in a bounded ring (newest first for the timeline) and, on
 * request, appended to a file as JSON lines.
 */
#ifndef KEAHA_EVENTS_H
#define KEAHA_EVENTS_H

#include <stdbool.h>
#include <stdio.h>

#include "model.h"

/* kind, JSON "kind", what it records */
#define EVENT_KINDS(X) \
	X(REACH, "reach", "a daemon became reachable, down or unknown") \
	X(STATE, "state", "a daemon's HA state in one relationship changed") \
	X(VERDICT, "verdict", "a relationship's status changed") \
	X(TOPOLOGY, "topology", "a relationship appeared or disappeared") \
	X(ACTION, "action", "an on-call action was sent (from: the action, to: done/failed)") \
	X(DRIFT, "drift", "a relationship went into or out of configuration drift") \
	X(REPLICATION, "replication", "an automatic replication started, finished or failed")

enum event_kind {
#define X(e, name, help) EVENT_##e,
	EVENT_KINDS(X)
#undef X
	EVENT_KIND_COUNT
};

/* What an automatic replication (src/autorepl.c) is doing. */
enum repl_phase { REPL_STARTED, REPL_FINISHED, REPL_FAILED };

struct event {
	double time;
	enum event_kind kind;
	char subject[KEA_NAME_LEN * 2 + 8]; /* server or relationship */
	char relationship[KEA_NAME_LEN * 2 + 8];
	char from[40];
	char to[40];
	char text[360];
	bool bad;                           /* a change for the worse */
};

struct seen_daemon {
	enum reach reach;
	enum ha_state state[HA_MAX_RELS];
	int nstates;
};

struct seen_rel {
	char name[KEA_NAME_LEN * 2 + 8];
	enum rel_status status;
	bool present;
	int drift;                          /* -1 never known, else drifted peers last seen */
};

struct events {
	struct event *ring;
	int cap, head, count;
	unsigned long total;
	FILE *file;
	struct seen_daemon *seen;           /* per server and service */
	int nseen;
	struct seen_rel *rels;
	int nrels;
	/* Only what changed is compared again: servers touched since observed_gen
	 * (model_touch), and relationships through rel_slot (which seen_rel each
	 * one is), found by name again only when the relationships are rebuilt. */
	unsigned observed_gen;
	int *rel_slot;
	int nrel_slot;
	unsigned slot_topology;
};

void events_init(struct events *ev, int capacity);
void events_free(struct events *ev);
/* Appends every event to path as a JSON line (created 0600). */
bool events_open_file(struct events *ev, const char *path, char *err, size_t errlen);

void events_add(struct events *ev, const struct event *e);
/* Records every change since the last call; returns how many. */
int events_observe(struct events *ev, const struct model *m, double now);

/*
 * An automatic replication of relationship rel: started (why: what it
 * brings in line), finished, or failed (exit status). Not found by
 * comparing the model: the dashboard's replication runner reports it.
 */
void events_replication(struct events *ev, double now, const char *rel, enum repl_phase phase,
			int exit_status, const char *why);

int events_count(const struct events *ev);
/* i = 0 is the newest. */
const struct event *events_get(const struct events *ev, int i);
/* One JSON object on one line, without the newline; free() it. */
char *events_json_line(const struct event *e);
/* "13:04:05  lb-primary dhcp4: load-balancing -> partner-down" */
void events_format(const struct event *e, char *out, size_t size);
const char *event_kind_name(enum event_kind k);

#endif
