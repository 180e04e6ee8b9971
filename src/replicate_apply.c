/*
 * Applying new configurations to a relationship's peers: one transaction
 * (the source first, so a configuration Kea rejects is rejected before a
 * peer has it), then every peer read again and compared with the source.
 * The replication record remembers what the peers agreed on, and which
 * peer holds edits the primary has not got yet.
 */
#include "replicate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "replica.h"
#include "txn.h"
#include "util.h"

static void progress(void *ctx, const char *line)
{
	(void)ctx;
	printf("  %s\n", line);
	fflush(stdout);
}

static void state_path(const struct replicate_opts *o, const char *leaf, char *out, size_t size)
{
	snprintf(out, size, "%s/%s", o->state_dir ? o->state_dir : ".", leaf);
}

/* One JSON line per change in audit.log: who, when, what, on which servers, the result. */
static void audit(const struct replicate_opts *o, const char *what, const char *servers,
		  const struct txn_result *r)
{
	cJSON *j = audit_entry(what);

	cJSON_AddStringToObject(j, "servers", servers);
	cJSON_AddStringToObject(j, "result", audit_txn_result(r));
	cJSON_AddStringToObject(j, "message", r->message);
	audit_append(o->state_dir, j);
}

/* A restarted HA state machine needs a few heartbeats, at worst a max-response-delay or two. */
static double settle_time(const struct repl_set *rs)
{
	double t = 10.0 + 5.0 * rs->heartbeat_delay / 1000.0 + 2.0 * rs->max_response_delay / 1000.0;

	return t < 20 ? 20 : t > 300 ? 300 : t;
}

static void fill_target(struct txn_target *t, const struct repl_set *rs, int i, cJSON *desired)
{
	const struct repl_peer *p = &rs->p[i];

	memset(t, 0, sizeof(*t));
	strlcpy_(t->name, p->name, sizeof(t->name));
	t->ep = p->ep;
	t->agent = p->agent;
	t->service = rs->svc;
	t->original = p->config;
	t->desired = desired;
	/* A peer that was in its normal state must be there again; others are left to HA. */
	t->expect = p->normal ? TXN_EXPECT_HA_STATE : TXN_EXPECT_NOTHING;
	t->want_state = p->normal_state;
	strlcpy_(t->ha_name, p->name, sizeof(t->ha_name));
}

/* The targets in order: the source first, then the others as the relationship lists them. */
static int build_targets(const struct repl_set *rs, cJSON *desired[], struct txn_target *t,
			 struct sbuf *names)
{
	int k = 0;

	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < rs->n && k < TXN_MAX_TARGETS; i++) {
			if (!desired[i] || (pass == 0) != (i == rs->source))
				continue;
			fill_target(&t[k++], rs, i, desired[i]);
			sbuf_printf(names, "%s%s", names->len ? ", " : "", rs->p[i].name);
		}
	return k;
}

/* Reads every peer again: which match the source (match[]), which did not answer. */
static uint64_t verify(const struct replicate_opts *o, struct repl_set *rs, bool match[],
		       bool answered[])
{
	char why[REPLICA_WHY_LEN], msg[300];
	uint64_t h[HA_MAX_PEERS] = { 0 };

	for (int i = 0; i < rs->n; i++) {
		cJSON *now = NULL, *part;
		answered[i] = rs->p[i].read && txn_call(&rs->p[i].ep, rs->p[i].agent, rs->svc, "config-get",
						       NULL, &now, msg, sizeof(msg), o->timeout) == 0 && now;
		part = answered[i] ? replica_part(now, rs->svc, why, sizeof(why)) : NULL;
		h[i] = part ? replica_hash(part) : 0;
		cJSON_Delete(part);
		cJSON_Delete(now);
	}
	for (int i = 0; i < rs->n; i++) {
		match[i] = i == rs->source || (h[i] && h[i] == h[rs->source]);
		if (answered[i] && !match[i])
			printf("  %s still differs from %s\n", rs->p[i].name, rs->p[rs->source].name);
	}
	return h[rs->source];
}

static int primary_of(const struct repl_set *rs)
{
	for (int i = 0; i < rs->n; i++)
		if (rs->p[i].role == HA_ROLE_PRIMARY)
			return i;
	return -1;
}

/*
 * What the peers agree on now, and who holds edits the primary lacks: an
 * edit made while the primary was away pins its source until the primary
 * has it; a primary that matches again unpins.
 */
static void record(const struct replicate_opts *o, struct repl_set *rs, uint64_t hash, bool edit,
		   bool primary_matches)
{
	int pri = primary_of(rs);
	time_t now = time(NULL);
	struct tm tm;

	if (!rs->rel[0])
		return;
	/* What keaha made authoritative: a later drift from it is a peer's (or an external edit's). */
	if (hash) {
		rs->st.has_in_sync = true;
		rs->st.in_sync = hash;
	}
	if (primary_matches || pri < 0 || pri == rs->source) {
		rs->st.pinned[0] = '\0';
	} else if (edit && !rs->st.pinned[0]) {
		strlcpy_(rs->st.pinned, rs->p[rs->source].name, sizeof(rs->st.pinned));
		gmtime_r(&now, &tm);
		strftime(rs->st.pinned_since, sizeof(rs->st.pinned_since), "%Y-%m-%dT%H:%M:%SZ", &tm);
		printf("%s does not answer: it gets this edit before it is the source of truth again "
		       "(the dashboard, or 'keaha sync %s')\n", rs->p[pri].name, rs->rel);
	}
	if (!replstate_save(o->state_dir, rs->rel, &rs->st) && o->state_dir)
		fprintf(stderr, "keaha: cannot write the replication record in %s\n", o->state_dir);
}

/* The outcome after a good transaction: every peer read again. */
static int conclude(const struct replicate_opts *o, struct repl_set *rs, bool edit)
{
	bool match[HA_MAX_PEERS], answered[HA_MAX_PEERS], all = true, only_absent_differ = true;
	uint64_t hash = verify(o, rs, match, answered);
	int pri = primary_of(rs), same = 0;

	for (int i = 0; i < rs->n; i++) {
		same += match[i];
		all = all && match[i];
		only_absent_differ = only_absent_differ && (match[i] || !answered[i]);
	}
	record(o, rs, hash, edit, pri < 0 || match[pri]);
	if (all) {
		printf("Every peer has %s's configuration.\n", rs->p[rs->source].name);
		return REPLICATE_EXIT_OK;
	}
	printf("%d of %d peers have %s's configuration%s\n", same, rs->n, rs->p[rs->source].name,
	       only_absent_differ ? "; the others are brought in line when they answer." : ".");
	/* An edit has landed where it could; sync promises every peer. */
	return edit && only_absent_differ ? REPLICATE_EXIT_OK : REPLICATE_EXIT_FAILED;
}

void replicate_record_agreement(const struct replicate_opts *o, struct repl_set *rs)
{
	char why[REPLICA_WHY_LEN];
	cJSON *part = replica_part(rs->p[rs->source].config, rs->svc, why, sizeof(why));

	if (part)
		record(o, rs, replica_hash(part), false, true);
	cJSON_Delete(part);
}

int replicate_apply(const struct replicate_opts *o, struct repl_set *rs, cJSON *desired[],
		    const char *what, bool edit)
{
	struct txn_target t[TXN_MAX_TARGETS];
	char backups[600], journal[600];
	struct txn_opts to = { .step_timeout = o->timeout, .settle_timeout = settle_time(rs),
			       .backup_dir = backups, .journal_path = journal, .what = what };
	struct txn_result r;
	struct sbuf names;
	int k;

	sbuf_init(&names);
	state_path(o, "backups", backups, sizeof(backups));
	state_path(o, "journal.json", journal, sizeof(journal));
	k = build_targets(rs, desired, t, &names);
	printf("Applying to %s:\n", names.s ? names.s : "nobody");
	txn_run(t, k, &to, progress, NULL, &r);
	audit(o, what, names.s ? names.s : "", &r);
	sbuf_free(&names);
	if (!r.ok) {
		printf("NOT applied: %s\n%s\n", r.message, r.rolled_back ?
		       "Every server has its original configuration again." :
		       "A server could not be put back yet: keaha completes it at its next run (journal.json).");
		return REPLICATE_EXIT_FAILED;
	}
	printf("Originals kept in %s\n", backups);
	if (o->replication_off)
		return REPLICATE_EXIT_OK; /* the source alone was asked for */
	return conclude(o, rs, edit);
}
