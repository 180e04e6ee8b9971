/*
 * Drift per relationship. Equal hashes of the replicated parts settle most
 * comparisons at once; a pair of hashes already counted is not counted
 * again, so a poll that brings the same configuration costs nothing.
 */
#include "drift.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replica.h"

static const struct daemon *peer_daemon(const struct model *m, const struct relationship *r, int i)
{
	int s = r->peer[i].server;

	return s >= 0 && s < m->nservers ? &m->servers[s].d[r->service] : NULL;
}

int drift_source(const struct model *m, const struct relationship *r)
{
	if (r->drift.pinned[0])
		for (int i = 0; i < r->npeers; i++) {
			const struct daemon *d = peer_daemon(m, r, i);
			if (strcmp(r->peer[i].name, r->drift.pinned) == 0 && d && d->reach == REACH_OK &&
			    d->replica)
				return i;
		}
	return r->verdict.source_of_truth;
}

enum refusal { NOT_REFUSED, REFUSED_BACKEND, REFUSED_HUB };

/* Why this relationship is never replicated (a hub is not even compared). */
static enum refusal refused(const struct model *m, const struct relationship *r, char *why,
			    size_t size)
{
	for (int i = 0; i < r->npeers; i++) {
		const struct daemon *d = peer_daemon(m, r, i);
		if (d && d->has_config && d->config.has_config_control) {
			snprintf(why, size, "%s uses a configuration backend (config-control): never "
				 "replicated", r->peer[i].name);
			return REFUSED_BACKEND;
		}
		if (d && d->has_config && d->config.nrels > 1) {
			snprintf(why, size, "%s is in several relationships (hub and spoke): its subnets "
				 "differ from its partners' by design; not compared", r->peer[i].name);
			return REFUSED_HUB;
		}
	}
	why[0] = '\0';
	return NOT_REFUSED;
}

static bool same_drift(const struct rel_drift *a, const struct rel_drift *b)
{
	if (a->known != b->known || a->source != b->source || a->refused != b->refused ||
	    a->ndrifted != b->ndrifted || strcmp(a->why, b->why) != 0)
		return false;
	for (int i = 0; i < HA_MAX_PEERS; i++)
		if (a->peer_known[i] != b->peer_known[i] || a->peer_diffs[i] != b->peer_diffs[i])
			return false;
	return true;
}

/*
 * The differences of b from a in words: the model keeps the texts, the trees
 * are made here, when hashes differ, and dropped at once.
 */
static int words(const struct daemon *a, const struct daemon *b, enum kea_service svc,
		 const char *name_a, const char *name_b, struct sbuf *out)
{
	cJSON *ta = replica_parse(a->replica), *tb = replica_parse(b->replica);
	int n = replica_drift(ta, tb, svc, name_a, name_b, out);

	cJSON_Delete(ta);
	cJSON_Delete(tb);
	return n;
}

static int count(const struct daemon *a, const struct daemon *b, enum kea_service svc)
{
	struct sbuf out;
	int n;

	sbuf_init(&out);
	n = words(a, b, svc, "a", "b", &out);
	sbuf_free(&out);
	return n;
}

static void update_one(struct model *m, struct relationship *r)
{
	struct rel_drift old = r->drift, *d = &r->drift;
	int src = drift_source(m, r);
	const struct daemon *sd = src >= 0 ? peer_daemon(m, r, src) : NULL;

	enum refusal why = refused(m, r, d->why, sizeof(d->why));

	d->source = src;
	d->refused = why != NOT_REFUSED;
	d->known = false;
	d->ndrifted = 0;
	for (int i = 0; i < r->npeers; i++) {
		const struct daemon *pd = peer_daemon(m, r, i);
		d->peer_known[i] = false;
		if (i == src || !sd || !sd->replica || !pd || !pd->replica || why == REFUSED_HUB)
			continue;
		if (sd->replica_hash == pd->replica_hash)
			d->peer_diffs[i] = 0;
		else if (d->seen_source[i] != sd->replica_hash || d->seen_peer[i] != pd->replica_hash)
			d->peer_diffs[i] = count(sd, pd, r->service);
		d->seen_source[i] = sd->replica_hash;
		d->seen_peer[i] = pd->replica_hash;
		d->peer_known[i] = d->known = true;
		if (d->peer_diffs[i] > 0)
			d->ndrifted++;
	}
	if (!same_drift(&old, d))
		m->generation++;
}

void drift_update_all(struct model *m)
{
	for (int i = 0; i < m->nrels; i++) {
		update_one(m, &m->rels[i]);
		m->rels[i].drifted_gen = m->generation;
	}
}

static bool drift_stale(const struct model *m, const struct relationship *r)
{
	if (r->drifted_gen == 0 || r->judged_gen > r->drifted_gen)
		return true;
	for (int i = 0; i < r->npeers; i++) {
		int s = r->peer[i].server;
		if (s >= 0 && s < m->nservers && m->servers[s].changed_gen > r->drifted_gen)
			return true;
	}
	return false;
}

void drift_update_changed(struct model *m)
{
	for (int i = 0; i < m->nrels; i++) {
		if (!drift_stale(m, &m->rels[i]))
			continue;
		update_one(m, &m->rels[i]);
		m->rels[i].drifted_gen = m->generation;
	}
}

/*
 * The last words described, by the texts (shared, so their address and hash
 * name them) and peer names: the details pane asks again on every redraw
 * while a drift lasts, and parsing two configurations of a large server each
 * second would cost milliseconds every time for the same answer.
 */
static struct {
	const char *text_a, *text_b;
	uint64_t hash_a, hash_b;
	enum kea_service svc;
	char name_a[KEA_NAME_LEN], name_b[KEA_NAME_LEN];
	char *words;
	int n;
} memo;

static bool memo_holds(const struct daemon *a, const struct daemon *b, enum kea_service svc,
		       const char *name_a, const char *name_b)
{
	return memo.words && memo.text_a == a->replica && memo.text_b == b->replica &&
	       memo.hash_a == a->replica_hash && memo.hash_b == b->replica_hash && memo.svc == svc &&
	       strcmp(memo.name_a, name_a) == 0 && strcmp(memo.name_b, name_b) == 0;
}

static void memo_keep(const struct daemon *a, const struct daemon *b, enum kea_service svc,
		      const char *name_a, const char *name_b, struct sbuf *said, int n)
{
	free(memo.words);
	memo.words = sbuf_take(said);
	memo.n = n;
	memo.text_a = a->replica;
	memo.text_b = b->replica;
	memo.hash_a = a->replica_hash;
	memo.hash_b = b->replica_hash;
	memo.svc = svc;
	strlcpy_(memo.name_a, name_a, sizeof(memo.name_a));
	strlcpy_(memo.name_b, name_b, sizeof(memo.name_b));
}

int drift_describe(const struct model *m, const struct relationship *r, int i, struct sbuf *out)
{
	int src = r->drift.source;
	const struct daemon *sd = src >= 0 ? peer_daemon(m, r, src) : NULL;
	const struct daemon *pd = i >= 0 && i < r->npeers ? peer_daemon(m, r, i) : NULL;
	struct sbuf said;
	int n;

	if (i == src || !sd || !pd || !sd->replica || !pd->replica)
		return 0;
	if (!memo_holds(sd, pd, r->service, r->peer[src].name, r->peer[i].name)) {
		sbuf_init(&said);
		n = words(sd, pd, r->service, r->peer[src].name, r->peer[i].name, &said);
		memo_keep(sd, pd, r->service, r->peer[src].name, r->peer[i].name, &said, n);
	}
	sbuf_puts(out, memo.words);
	return memo.n;
}
