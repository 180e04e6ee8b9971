/*
 * The decision is a pure function (autorepl_decide); the rest is a small
 * process runner. Which side of a drift changed is told by the replication
 * record: the hash of the replicated configuration keaha last made the
 * source's (an edit, a sync) or saw every peer agree on. The source still
 * at that hash means a peer moved; the source elsewhere means someone
 * changed the source outside keaha.
 */
#include "autorepl.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

#define RETRY_FIRST 30.0     /* seconds after a failed sync */
#define RETRY_MAX 600.0

struct track {
	char name[KEA_NAME_LEN * 2 + 8];
	struct replstate st;
	double next_try;
	int failures;
};

struct autorepl {
	uv_loop_t *loop;
	struct autorepl_opts o;
	uv_process_t proc;
	bool running;
	int running_track;
	struct model *m;
	struct track *t;
	int nt;
};

static const struct daemon *daemon_of(const struct model *m, const struct relationship *r, int i)
{
	int s = r->peer[i].server;

	return s >= 0 && s < m->nservers ? &m->servers[s].d[r->service] : NULL;
}

/* The first drifted peer back in its normal HA state, or -1; *any: some peer drifted. */
static int ready_peer(const struct model *m, const struct relationship *r)
{
	for (int i = 0; i < r->npeers; i++) {
		struct peer_view v;
		if (!r->drift.peer_known[i] || !r->drift.peer_diffs[i])
			continue;
		model_peer_view(m, r, i, &v);
		if (v.reach == REACH_OK && v.status &&
		    v.state == ha_state_normal(r->conf.mode, r->peer[i].role))
			return i;
	}
	return -1;
}

enum autorepl_decision autorepl_decide(const struct model *m, const struct relationship *r,
				       const struct replstate *st, bool source_edits, char *why,
				       size_t size)
{
	int src = r->drift.source, peer;
	const struct daemon *sd = src >= 0 ? daemon_of(m, r, src) : NULL;
	bool pinned = r->drift.pinned[0] && src >= 0 && !strcmp(r->peer[src].name, r->drift.pinned);
	bool source_moved = !pinned && !(st->has_in_sync && sd && st->in_sync == sd->replica_hash);

	why[0] = '\0';
	if (r->drift.refused) {
		snprintf(why, size, "%s", r->drift.why);
		return AUTOREPL_NOTHING;
	}
	if (!r->drift.known || !r->drift.ndrifted || !sd)
		return AUTOREPL_NOTHING;
	if (source_moved && !source_edits) {
		snprintf(why, size, st->has_in_sync ?
			 "%s's configuration changed outside keaha: shown, not propagated; 'keaha sync' "
			 "propagates it (or keaReplicateSourceEdits = 1)" :
			 "the peers differ and keaha has no record of which side changed: 'keaha sync' "
			 "makes %s's configuration everyone's", r->peer[src].name);
		return st->has_in_sync ? AUTOREPL_HOLD_SOURCE : AUTOREPL_HOLD_UNKNOWN;
	}
	peer = ready_peer(m, r);
	if (peer < 0) {
		snprintf(why, size, "a peer differs from %s: brought in line when it is back in its "
			 "normal state", r->peer[src].name);
		return AUTOREPL_WAIT_PEER;
	}
	snprintf(why, size, "bringing %s in line with %s", r->peer[peer].name, r->peer[src].name);
	return AUTOREPL_SYNC;
}

struct autorepl *autorepl_new(uv_loop_t *loop, const struct autorepl_opts *o)
{
	struct autorepl *a = xcalloc(1, sizeof(*a));

	a->loop = loop;
	a->o = *o;
	a->running_track = -1;
	return a;
}

static struct track *track_of(struct autorepl *a, const char *name)
{
	for (int i = 0; i < a->nt; i++)
		if (!strcmp(a->t[i].name, name))
			return &a->t[i];
	a->t = xrealloc(a->t, (size_t)(a->nt + 1) * sizeof(*a->t));
	memset(&a->t[a->nt], 0, sizeof(a->t[0]));
	strlcpy_(a->t[a->nt].name, name, sizeof(a->t[0].name));
	replstate_load(a->o.child.state_dir, name, &a->t[a->nt].st);
	return &a->t[a->nt++];
}

static void set_note(struct model *m, struct relationship *r, const char *text)
{
	if (strcmp(r->drift.note, text) != 0) {
		strlcpy_(r->drift.note, text, sizeof(r->drift.note));
		m->generation++;
	}
}

/* Every peer agrees: that is what a later drift is measured from. */
static void note_agreement(struct autorepl *a, const struct model *m, const struct relationship *r,
			   struct track *t)
{
	const struct daemon *sd = r->drift.source >= 0 ? daemon_of(m, r, r->drift.source) : NULL;

	for (int i = 0; i < r->npeers; i++)
		if (i != r->drift.source && !r->drift.peer_known[i])
			return;
	if (!sd || !r->drift.known || r->drift.ndrifted || r->drift.pinned[0] ||
	    (t->st.has_in_sync && t->st.in_sync == sd->replica_hash))
		return;
	t->st.has_in_sync = true;
	t->st.in_sync = sd->replica_hash;
	replstate_save(a->o.child.state_dir, r->name, &t->st);
}

static void on_close(uv_handle_t *h)
{
	(void)h;
}

/* The child ended: new configurations to read, the record to reload, maybe a pause. */
static void on_exit_cb(uv_process_t *p, int64_t status, int signal)
{
	struct autorepl *a = p->data;
	struct track *t = a->running_track >= 0 ? &a->t[a->running_track] : NULL;
	int ri = t ? model_find_rel(a->m, t->name) : -1;

	a->running = false;
	uv_close((uv_handle_t *)p, on_close);
	if (!t)
		return;
	replstate_load(a->o.child.state_dir, t->name, &t->st);
	if (a->o.events)
		events_replication(a->o.events, util_wallclock(), t->name,
				   status == 0 && signal == 0 ? REPL_FINISHED : REPL_FAILED,
				   signal ? 128 + signal : (int)status, NULL);
	if (status == 0 && signal == 0) {
		t->failures = 0;
	} else {
		double pause = RETRY_FIRST * (double)(1 << (t->failures < 5 ? t->failures : 5));
		t->failures++;
		t->next_try = util_monotonic() + (pause < RETRY_MAX ? pause : RETRY_MAX);
	}
	if (ri >= 0) {
		struct relationship *r = &a->m->rels[ri];
		char note[200];
		for (int i = 0; i < r->npeers; i++)
			if (r->peer[i].server >= 0)
				a->m->servers[r->peer[i].server].d[r->service].config_wanted = true;
		strlcpy_(r->drift.pinned, t->st.pinned, sizeof(r->drift.pinned));
		snprintf(note, sizeof(note), status == 0 ? "last automatic sync succeeded" :
			 "last automatic sync failed (exit %d): retried later; see replication.log in the "
			 "state directory", (int)status);
		set_note(a->m, r, note);
	}
	a->running_track = -1;
}

static bool start_child(struct autorepl *a, int track)
{
	const char *words[] = { "sync", a->t[track].name, "--yes", NULL };
	char **argv, log[1024];
	uv_stdio_container_t io[3];
	uv_process_options_t po;
	int fd, rc;

	snprintf(log, sizeof(log), "%s/replication.log", a->o.child.state_dir);
	fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return false;
	argv = child_argv(&a->o.child, words);
	{
		char when[32];
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		dprintf(fd, "--- %s automatic replication: keaha sync %s --yes\n", when, a->t[track].name);
	}
	memset(&po, 0, sizeof(po));
	io[0].flags = UV_IGNORE;
	io[1].flags = io[2].flags = UV_INHERIT_FD;
	io[1].data.fd = io[2].data.fd = fd;
	po.file = argv[0];
	po.args = argv;
	po.stdio = io;
	po.stdio_count = 3;
	po.exit_cb = on_exit_cb;
	a->proc.data = a;
	rc = uv_spawn(a->loop, &a->proc, &po);
	close(fd);
	free(argv);
	if (rc != 0)
		return false;
	a->running = true;
	a->running_track = track;
	return true;
}

void autorepl_tick(struct autorepl *a, struct model *m, double now)
{
	char why[200];

	a->m = m;
	if (!a->o.enabled || !a->o.child.state_dir)
		return;
	for (int i = 0; i < m->nrels; i++) {
		struct relationship *r = &m->rels[i];
		struct track *t = track_of(a, r->name);
		enum autorepl_decision d = autorepl_decide(m, r, &t->st, a->o.source_edits, why, sizeof(why));
		note_agreement(a, m, r, t);
		if (a->running && a->running_track == (int)(t - a->t))
			continue;
		if (d == AUTOREPL_SYNC && (a->running || util_monotonic() < t->next_try))
			snprintf(why, sizeof(why), "a peer differs: a sync is due %s",
				 a->running ? "after the one running" : "after a pause (the last one failed)");
		else if (d == AUTOREPL_SYNC && start_child(a, (int)(t - a->t))) {
			if (a->o.events)
				events_replication(a->o.events, now, r->name, REPL_STARTED, 0, why);
			snprintf(why, sizeof(why), "replicating: keaha sync %s (pid %d)", r->name, a->proc.pid);
		}
		if (why[0])
			set_note(m, r, why);
	}
}

static void free_after_close(uv_handle_t *h)
{
	struct autorepl *a = h->data;

	free(a->t);
	free(a);
}

void autorepl_free(struct autorepl *a)
{
	if (!a)
		return;
	if (a->running) {
		/* The handle goes, the child stays: it finishes (or rolls back) its transaction. */
		uv_close((uv_handle_t *)&a->proc, free_after_close);
		return;
	}
	free(a->t);
	free(a);
}
