/*
 * The comparison behind events_observe: per server and service the last
 * reach and HA states seen, per relationship (by name) the last status.
 * The first sight of a daemon is not an event (the relationships' first
 * verdicts say where things stand); every change after it is.
 */
#include "events.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

const char *event_kind_name(enum event_kind k)
{
	static const char *const names[] = {
#define X(e, name, help) name,
		EVENT_KINDS(X)
#undef X
	};

	return (unsigned)k < ARRAY_LEN(names) ? names[k] : "event";
}

void events_init(struct events *ev, int capacity)
{
	memset(ev, 0, sizeof(*ev));
	ev->cap = capacity > 0 ? capacity : 1;
	ev->ring = xcalloc((size_t)ev->cap, sizeof(*ev->ring));
}

void events_free(struct events *ev)
{
	if (ev->file)
		fclose(ev->file);
	free(ev->ring);
	free(ev->seen);
	free(ev->rels);
	free(ev->rel_slot);
	memset(ev, 0, sizeof(*ev));
}

bool events_open_file(struct events *ev, const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

	if (fd < 0 || !(ev->file = fdopen(fd, "a"))) {
		snprintf(err, errlen, "cannot open events file %s", path);
		if (fd >= 0)
			close(fd);
		return false;
	}
	return true;
}

char *events_json_line(const struct event *e)
{
	cJSON *o = cJSON_CreateObject();
	char when[40], *s;
	time_t t = (time_t)e->time;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	cJSON_AddStringToObject(o, "time", when);
	cJSON_AddStringToObject(o, "kind", event_kind_name(e->kind));
	cJSON_AddStringToObject(o, "subject", e->subject);
	if (e->relationship[0])
		cJSON_AddStringToObject(o, "relationship", e->relationship);
	cJSON_AddStringToObject(o, "from", e->from);
	cJSON_AddStringToObject(o, "to", e->to);
	cJSON_AddStringToObject(o, "text", e->text);
	cJSON_AddBoolToObject(o, "worse", e->bad);
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

void events_format(const struct event *e, char *out, size_t size)
{
	time_t t = (time_t)e->time;
	struct tm tm;
	char when[16];

	localtime_r(&t, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	snprintf(out, size, "%s  %s%s", when, e->bad ? "! " : "  ", e->text);
}

void events_add(struct events *ev, const struct event *e)
{
	ev->ring[ev->head] = *e;
	ev->head = (ev->head + 1) % ev->cap;
	if (ev->count < ev->cap)
		ev->count++;
	ev->total++;
	if (ev->file) {
		char *line = events_json_line(e);
		fprintf(ev->file, "%s\n", line);
		fflush(ev->file);
		free(line);
	}
}

int events_count(const struct events *ev)
{
	return ev->count;
}

const struct event *events_get(const struct events *ev, int i)
{
	if (i < 0 || i >= ev->count)
		return NULL;
	return &ev->ring[(ev->head - 1 - i + ev->cap) % ev->cap];
}

static void emit(struct events *ev, double now, enum event_kind kind, const char *subject,
		 const char *rel, const char *from, const char *to, bool bad, const char *text)
{
	struct event e;

	memset(&e, 0, sizeof(e));
	e.time = now;
	e.kind = kind;
	e.bad = bad;
	strlcpy_(e.subject, subject, sizeof(e.subject));
	strlcpy_(e.relationship, rel ? rel : "", sizeof(e.relationship));
	strlcpy_(e.from, from, sizeof(e.from));
	strlcpy_(e.to, to, sizeof(e.to));
	strlcpy_(e.text, text, sizeof(e.text));
	events_add(ev, &e);
}

static int observe_daemon(struct events *ev, const struct server *sv, enum kea_service svc,
			  struct seen_daemon *seen, double now)
{
	const struct daemon *d = &sv->d[svc];
	char subject[KEA_NAME_LEN + 8], text[360];
	int n = 0;

	if (!d->present && seen->reach == REACH_PENDING)
		return 0;
	snprintf(subject, sizeof(subject), "%s %s", sv->name, kea_service_name(svc));
	/* First sight is where things stand, not a change: only verdicts report it. */
	if (d->reach != seen->reach && d->reach != REACH_PENDING && seen->reach == REACH_PENDING) {
		seen->reach = d->reach;
	} else if (d->reach != seen->reach && d->reach != REACH_PENDING) {
		snprintf(text, sizeof(text), "%s %s%s%s", subject,
			 d->reach == REACH_OK ? "reachable" : d->reach == REACH_DOWN ? "down" : "unreachable",
			 d->reach == REACH_OK ? "" : ": ", d->reach == REACH_OK ? "" : d->error);
		emit(ev, now, EVENT_REACH, subject, NULL, reach_name(seen->reach), reach_name(d->reach),
		     d->reach != REACH_OK, text);
		seen->reach = d->reach;
		n++;
	}
	for (int i = 0; d->reach == REACH_OK && d->has_status && i < d->status.nrels; i++) {
		enum ha_state now_state = d->status.rel[i].local.state;
		enum ha_state was = i < seen->nstates ? seen->state[i] : HA_STATE_UNKNOWN;
		if (now_state == was)
			continue;
		if (was == HA_STATE_UNKNOWN) {
			seen->state[i] = now_state;
			continue;
		}
		snprintf(text, sizeof(text), "%s: %s -> %s", subject, ha_state_name(was),
			 ha_state_name(now_state));
		/* Worse: it stopped serving, or its partner is gone (a failover). */
		emit(ev, now, EVENT_STATE, subject, NULL, ha_state_name(was), ha_state_name(now_state),
		     !ha_state_serves(now_state) || now_state == HA_STATE_PARTNER_DOWN ||
		     now_state == HA_STATE_TERMINATED, text);
		seen->state[i] = now_state;
		n++;
	}
	if (d->reach == REACH_OK && d->has_status)
		seen->nstates = d->status.nrels;
	return n;
}

/* The seen_rel of a name, tried at hint first (the order rarely changes), else added. */
static int seen_rel(struct events *ev, const char *name, int hint)
{
	if (hint >= 0 && hint < ev->nrels && strcmp(ev->rels[hint].name, name) == 0)
		return hint;
	for (int i = 0; i < ev->nrels; i++)
		if (strcmp(ev->rels[i].name, name) == 0)
			return i;
	ev->rels = xrealloc(ev->rels, (size_t)(ev->nrels + 1) * sizeof(*ev->rels));
	memset(&ev->rels[ev->nrels], 0, sizeof(ev->rels[0]));
	strlcpy_(ev->rels[ev->nrels].name, name, sizeof(ev->rels[0].name));
	ev->rels[ev->nrels].status = REL_STATUS_COUNT; /* never seen */
	ev->rels[ev->nrels].drift = -1;
	return ev->nrels++;
}

/* Relationships rebuilt: which seen_rel each is, and the ones no longer there. */
static int map_rels(struct events *ev, const struct model *m, double now)
{
	char text[360];
	int n = 0, k = -1;

	ev->rel_slot = xrealloc(ev->rel_slot, (size_t)(m->nrels ? m->nrels : 1) * sizeof(int));
	for (int i = 0; i < ev->nrels; i++)
		ev->rels[i].present = false;
	for (int i = 0; i < m->nrels; i++) {
		k = seen_rel(ev, m->rels[i].name, k + 1);
		ev->rels[k].present = true;
		ev->rel_slot[i] = k;
	}
	ev->nrel_slot = m->nrels;
	ev->slot_topology = m->topology_generation;
	for (int i = 0; i < ev->nrels; i++) {
		if (ev->rels[i].present || ev->rels[i].status == REL_STATUS_COUNT)
			continue;
		snprintf(text, sizeof(text), "%s: no longer configured", ev->rels[i].name);
		emit(ev, now, EVENT_TOPOLOGY, ev->rels[i].name, ev->rels[i].name, "present", "removed",
		     false, text);
		ev->rels[i].status = REL_STATUS_COUNT;
		ev->rels[i].drift = -1;
		n++;
	}
	return n;
}

/* "lb-secondary, lb-backup": the peers that differ from the source. */
static void drifted_peers(const struct relationship *r, char *out, size_t size)
{
	size_t n = 0;

	out[0] = '\0';
	for (int i = 0; i < r->npeers && n < size; i++)
		if (r->drift.peer_known[i] && r->drift.peer_diffs[i] > 0)
			n += (size_t)snprintf(out + n, size - n, "%s%s", n ? ", " : "", r->peer[i].name);
}

/*
 * Into or out of configuration drift. First sight is where things stand;
 * a comparison not possible now (a peer away) keeps what was seen last.
 */
static int observe_drift(struct events *ev, const struct relationship *r, struct seen_rel *s,
			 double now)
{
	const struct rel_drift *d = &r->drift;
	char text[360], who[200];
	bool was, is;

	if (!d->known || d->refused || d->source < 0)
		return 0;
	was = s->drift > 0;
	is = d->ndrifted > 0;
	if (s->drift < 0 || was == is) {
		s->drift = d->ndrifted;
		return 0;
	}
	s->drift = d->ndrifted;
	drifted_peers(r, who, sizeof(who));
	if (is)
		snprintf(text, sizeof(text), "%s: config drift: %s differ%s from %s", r->name, who,
			 d->ndrifted == 1 ? "s" : "", r->peer[d->source].name);
	else
		snprintf(text, sizeof(text), "%s: config drift resolved: every peer in line with %s",
			 r->name, r->peer[d->source].name);
	emit(ev, now, EVENT_DRIFT, r->name, r->name, was ? "drift" : "in-line",
	     is ? "drift" : "in-line", is, text);
	return 1;
}

void events_replication(struct events *ev, double now, const char *rel, enum repl_phase phase,
			int exit_status, const char *why)
{
	static const char *const to[] = { "started", "finished", "failed" };
	char text[360];

	if (phase == REPL_STARTED)
		snprintf(text, sizeof(text), "%s: automatic replication started%s%s", rel,
			 why && why[0] ? ": " : "", why ? why : "");
	else if (phase == REPL_FINISHED)
		snprintf(text, sizeof(text), "%s: automatic replication finished: every peer in line",
			 rel);
	else
		snprintf(text, sizeof(text), "%s: automatic replication failed (exit %d): retried "
			 "later; see replication.log in the state directory", rel, exit_status);
	emit(ev, now, EVENT_REPLICATION, rel, rel, phase == REPL_STARTED ? "" : "started",
	     to[phase], phase == REPL_FAILED, text);
}

static int observe_rels(struct events *ev, const struct model *m, double now)
{
	char text[360];
	int n = 0;

	if (ev->slot_topology != m->topology_generation || ev->nrel_slot != m->nrels)
		n += map_rels(ev, m, now);
	for (int i = 0; i < m->nrels; i++) {
		const struct relationship *r = &m->rels[i];
		struct seen_rel *s = &ev->rels[ev->rel_slot[i]];
		n += observe_drift(ev, r, s, now);
		if (r->verdict_since == 0 || s->status == r->verdict.status)
			continue;
		snprintf(text, sizeof(text), "%s: %s%s%s (%s)", r->name,
			 s->status < REL_STATUS_COUNT ? rel_status_label(s->status) : "",
			 s->status < REL_STATUS_COUNT ? " -> " : "", rel_status_label(r->verdict.status),
			 r->verdict.reason);
		emit(ev, now, EVENT_VERDICT, r->name, r->name,
		     s->status < REL_STATUS_COUNT ? rel_status_name(s->status) : "",
		     rel_status_name(r->verdict.status),
		     s->status < REL_STATUS_COUNT && r->verdict.status > s->status, text);
		s->status = r->verdict.status;
		n++;
	}
	return n;
}

int events_observe(struct events *ev, const struct model *m, double now)
{
	int n = 0, need = m->nservers * KEA_SERVICE_COUNT;

	if (need > ev->nseen) {
		ev->seen = xrealloc(ev->seen, (size_t)need * sizeof(*ev->seen));
		memset(ev->seen + ev->nseen, 0, (size_t)(need - ev->nseen) * sizeof(*ev->seen));
		ev->nseen = need;
	}
	/* A server not touched since the last call has nothing new (model_touch). */
	for (int s = 0; s < m->nservers; s++)
		for (int k = 0; m->servers[s].changed_gen > ev->observed_gen && k < KEA_SERVICE_COUNT; k++)
			n += observe_daemon(ev, &m->servers[s], (enum kea_service)k,
					    &ev->seen[s * KEA_SERVICE_COUNT + k], now);
	ev->observed_gen = m->generation;
	return n + observe_rels(ev, m, now);
}
