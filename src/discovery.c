/*
 * Relationships are keyed by service and primary peer name: two servers
 * describing the same relationship name the same primary. (A hub is primary
 * under a different this-server-name in each of its relationships, so this
 * also keeps a hub's relationships apart.)
 */
#include "discovery.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/*
 * Lookups by name or URL in a rebuild go through small hash tables of
 * indices (open addressing; the caller checks each candidate), so a rebuild
 * costs O(servers + relationships), not their product: it runs after every
 * config-get, i.e. once per server at start (bench/: 1,000 servers).
 */
struct index {
	int *slot;       /* -1: empty */
	size_t mask;
};

static void index_init(struct index *x, size_t n)
{
	size_t cap = 16;

	while (cap < 2 * n + 2)
		cap *= 2;
	x->slot = xcalloc(cap, sizeof(int));
	memset(x->slot, 0xff, cap * sizeof(int));
	x->mask = cap - 1;
}

static void index_free(struct index *x)
{
	free(x->slot);
}

/* FNV-1a of a string, case-folded and without trailing slashes for URLs. */
static size_t hash_key(const char *s, int salt, bool url)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)salt;
	size_t n = strlen(s);

	while (url && n && s[n - 1] == '/')
		n--;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)(url ? tolower((unsigned char)s[i]) : s[i]);
		h *= 1099511628211ULL;
	}
	return (size_t)h;
}

/* Adds v; the table is sized for every value the caller will add. */
static void index_add(struct index *x, size_t h, int v)
{
	size_t i = h & x->mask;

	while (x->slot[i] >= 0)
		i = (i + 1) & x->mask;
	x->slot[i] = v;
}

static const char *primary_name(const struct ha_rel_config *c)
{
	for (int i = 0; i < c->npeers; i++)
		if (c->peer[i].role == HA_ROLE_PRIMARY)
			return c->peer[i].name;
	return c->this_server_name;
}

static const char *partner_name(const struct ha_rel_config *c)
{
	for (int i = 0; i < c->npeers; i++)
		if (c->peer[i].role == HA_ROLE_SECONDARY || c->peer[i].role == HA_ROLE_STANDBY)
			return c->peer[i].name;
	for (int i = 0; i < c->npeers; i++)
		if (c->peer[i].role == HA_ROLE_BACKUP)
			return c->peer[i].name;
	return NULL;
}

void discovery_derive_name(const struct ha_rel_config *c, enum kea_service svc,
			   char *out, size_t size)
{
	const char *partner = partner_name(c);

	if (c->keaha_name[0])
		snprintf(out, size, "%s", c->keaha_name);
	else if (partner)
		snprintf(out, size, "%s+%s/%s", primary_name(c), partner, kea_service_name(svc));
	else
		snprintf(out, size, "%s/%s", primary_name(c), kea_service_name(svc));
}

/* One line saying how two servers' views of a relationship differ, or "". */
static void conf_diff(const struct ha_rel_config *a, const struct ha_rel_config *b,
		      char *out, size_t size)
{
	static const struct { const char *name; size_t off; } timings[] = {
		{ "heartbeat-delay", offsetof(struct ha_rel_config, heartbeat_delay) },
		{ "max-response-delay", offsetof(struct ha_rel_config, max_response_delay) },
		{ "max-ack-delay", offsetof(struct ha_rel_config, max_ack_delay) },
		{ "max-unacked-clients", offsetof(struct ha_rel_config, max_unacked_clients) },
	};

	out[0] = '\0';
	if (a->mode != b->mode) {
		snprintf(out, size, "mode %s vs %s", ha_mode_name(a->mode), ha_mode_name(b->mode));
		return;
	}
	for (size_t i = 0; i < ARRAY_LEN(timings); i++) {
		long va = *(const long *)((const char *)a + timings[i].off);
		long vb = *(const long *)((const char *)b + timings[i].off);
		if (va != vb) {
			snprintf(out, size, "%s %ld vs %ld", timings[i].name, va, vb);
			return;
		}
	}
	if (a->npeers != b->npeers) {
		snprintf(out, size, "%d peers vs %d", a->npeers, b->npeers);
		return;
	}
	/* Peers compared by name: the order they are listed in does not matter. */
	for (int i = 0; i < a->npeers; i++) {
		const struct ha_peer_config *pa = &a->peer[i], *pb = NULL;
		for (int k = 0; k < b->npeers && !pb; k++)
			if (strcmp(b->peer[k].name, pa->name) == 0)
				pb = &b->peer[k];
		if (!pb)
			snprintf(out, size, "peer %s is not in both peer lists", pa->name);
		else if (pa->role != pb->role)
			snprintf(out, size, "peer %s: role %s vs %s", pa->name, ha_role_name(pa->role),
				 ha_role_name(pb->role));
		else if (!model_url_same(pa->url, pb->url))
			snprintf(out, size, "peer %s: url %s vs %s", pa->name, pa->url, pb->url);
		if (out[0])
			return;
	}
}

static void add_fault(struct relationship *r, const char *fmt, const char *a, const char *b,
		      const char *c)
{
	char line[MODEL_ERR_LEN];

	snprintf(line, sizeof(line), fmt, a, b, c);
	for (int i = 0; i < r->nfaults; i++)
		if (strcmp(r->fault[i], line) == 0)
			return;
	if (r->nfaults < REL_MAX_FAULTS) {
		r->fault = xrealloc(r->fault, (size_t)(r->nfaults + 1) * sizeof(*r->fault));
		strlcpy_(r->fault[r->nfaults++], line, MODEL_ERR_LEN);
	}
}

/*
 * A fresh relationship from its first configuration. donor, when not NULL,
 * is the one of the same name it replaces: its peer arrays are taken over,
 * so a rebuild does not hold every relationship's peers twice (bench/).
 */
static void init_rel(struct relationship *r, const struct ha_rel_config *c, enum kea_service svc,
		     int from, struct relationship *donor)
{
	struct rel_peer *peers = donor ? donor->peer : NULL;
	size_t n = c->npeers ? (size_t)c->npeers : 1;

	memset(r, 0, sizeof(*r));
	if (donor) {
		r->conf.peer = donor->conf.peer;
		donor->peer = NULL;
		donor->conf.peer = NULL;
	}
	r->service = svc;
	model_conf_copy(&r->conf, c);
	r->conf_known = true;
	r->conf_from = from;
	r->npeers = c->npeers;
	r->peer = xrealloc(peers, n * sizeof(*r->peer));
	memset(r->peer, 0, n * sizeof(*r->peer));
	for (int i = 0; i < c->npeers; i++) {
		strlcpy_(r->peer[i].name, c->peer[i].name, KEA_NAME_LEN);
		r->peer[i].ha_url = r->conf.peer[i].url;
		r->peer[i].role = c->peer[i].role;
		r->peer[i].auto_failover = c->peer[i].auto_failover;
		r->peer[i].server = -1;
	}
	discovery_derive_name(c, svc, r->name, sizeof(r->name));
}

/* Faults a server's own view of a relationship can show on its own. */
static void check_own_view(const struct model *m, int s, struct relationship *r,
			   const struct ha_rel_config *c)
{
	const struct server *sv = &m->servers[s];
	bool listed = false;

	for (int i = 0; i < c->npeers; i++) {
		if (strcmp(c->peer[i].name, c->this_server_name) == 0)
			listed = true;
		else if (model_url_same(c->peer[i].url, sv->url))
			add_fault(r, "%s answers at %s's URL but calls itself %s", sv->name,
				  c->peer[i].name, c->this_server_name);
	}
	if (!listed)
		add_fault(r, "%s: this-server-name %s is not among the peers%s", sv->name,
			  c->this_server_name, "");
}

static int count_configs(const struct model *m)
{
	int n = 0;

	for (int s = 0; s < m->nservers; s++)
		for (int svc = 0; svc < KEA_SERVICE_COUNT; svc++)
			if (m->servers[s].d[svc].has_config)
				n += m->servers[s].d[svc].config.nrels;
	return n;
}

/* The lowest index in rels with this name, through x (an index of their names), or -1. */
static int find_name(const struct relationship *rels, const struct index *x, const char *name)
{
	int best = -1;

	for (size_t i = hash_key(name, 0, false) & x->mask; x->slot[i] >= 0; i = (i + 1) & x->mask)
		if ((best < 0 || x->slot[i] < best) && strcmp(rels[x->slot[i]].name, name) == 0)
			best = x->slot[i];
	return best;
}

static void index_names(struct index *x, const struct relationship *rels, int n)
{
	index_init(x, (size_t)n);
	for (int i = 0; i < n; i++)
		index_add(x, hash_key(rels[i].name, 0, false), i);
}

/* One relationship configuration a daemon holds, and which relationship it describes. */
struct visit {
	const struct ha_rel_config *c;
	int server;
	enum kea_service svc;
	int rel;
};

static int list_configs(const struct model *m, struct visit *v)
{
	int n = 0;

	for (int s = 0; s < m->nservers; s++) {
		for (int svc = 0; svc < KEA_SERVICE_COUNT; svc++) {
			const struct daemon *d = &m->servers[s].d[svc];
			for (int k = 0; d->has_config && k < d->config.nrels; k++)
				v[n++] = (struct visit){ &d->config.rel[k], s, (enum kea_service)svc, -1 };
		}
	}
	return n;
}

/*
 * Numbers the relationships in the order first met, keyed by service and
 * primary through an index of their first visits; returns how many. Counted
 * before any is built, so the array is allocated once at its final size.
 */
static int number_rels(struct visit *v, int nv)
{
	struct index keys;
	int n = 0;

	index_init(&keys, (size_t)nv);
	for (int i = 0; i < nv; i++) {
		const char *primary = primary_name(v[i].c);
		size_t h = hash_key(primary, (int)v[i].svc, false);
		for (size_t j = h & keys.mask; keys.slot[j] >= 0 && v[i].rel < 0; j = (j + 1) & keys.mask) {
			const struct visit *f = &v[keys.slot[j]];
			if (f->svc == v[i].svc && strcmp(primary_name(f->c), primary) == 0)
				v[i].rel = f->rel;
		}
		if (v[i].rel < 0) {
			v[i].rel = n++;
			index_add(&keys, h, i);
		}
	}
	index_free(&keys);
	return n;
}

/* The relationship of this name a fresh one replaces (as carry_over finds it), if not yet taken. */
static struct relationship *donor(struct model *m, const struct index *old, bool *taken,
				  const struct ha_rel_config *c, enum kea_service svc)
{
	char name[sizeof(m->rels[0].name)];
	int o;

	discovery_derive_name(c, svc, name, sizeof(name));
	o = find_name(m->rels, old, name);
	if (o < 0 || taken[o])
		return NULL;
	taken[o] = true;
	return &m->rels[o];
}

/*
 * Collects every relationship described by any daemon, reporting
 * disagreements. The model's relationships stay for carry_over, less the
 * peer arrays the fresh ones of the same name took over.
 */
static int collect(struct model *m, struct relationship **out)
{
	int cap = count_configs(m), nv, n, made = 0;
	struct visit *v = xcalloc(cap ? (size_t)cap : 1, sizeof(*v));
	bool *taken = xcalloc(m->nrels ? (size_t)m->nrels : 1, sizeof(*taken));
	struct relationship *rels;
	struct index old;

	nv = list_configs(m, v);
	n = number_rels(v, nv);
	rels = xcalloc(n ? (size_t)n : 1, sizeof(*rels));
	index_names(&old, m->rels, m->nrels);
	for (int i = 0; i < nv; i++) {
		struct relationship *r = &rels[v[i].rel];
		char diff[MODEL_ERR_LEN];
		if (v[i].rel == made) {
			init_rel(r, v[i].c, v[i].svc, v[i].server, donor(m, &old, taken, v[i].c, v[i].svc));
			made++;
		} else {
			conf_diff(&r->conf, v[i].c, diff, sizeof(diff));
			if (diff[0])
				add_fault(r, "%s and %s disagree: %s", m->servers[r->conf_from].name,
					  m->servers[v[i].server].name, diff);
		}
		check_own_view(m, v[i].server, r, v[i].c);
	}
	index_free(&old);
	free(taken);
	free(v);
	*out = rels;
	return n;
}

/* Servers by the this-server-name they claim (per service), by name and by URL. */
struct server_index {
	struct index claims, names, urls;
};

static void server_index_init(struct server_index *x, const struct model *m, int extra)
{
	index_init(&x->claims, (size_t)count_configs(m));
	index_init(&x->names, (size_t)(m->nservers + extra));
	index_init(&x->urls, (size_t)(m->nservers + extra));
	for (int s = 0; s < m->nservers; s++) {
		const struct server *sv = &m->servers[s];
		for (int svc = 0; svc < KEA_SERVICE_COUNT; svc++)
			for (int k = 0; sv->d[svc].has_config && k < sv->d[svc].config.nrels; k++)
				index_add(&x->claims,
					  hash_key(sv->d[svc].config.rel[k].this_server_name, svc, false), s);
		index_add(&x->names, hash_key(sv->name, 0, false), s);
		index_add(&x->urls, hash_key(sv->url, 0, true), s);
	}
}

static void server_index_free(struct server_index *x)
{
	index_free(&x->claims);
	index_free(&x->names);
	index_free(&x->urls);
}

static bool server_claims(const struct server *sv, enum kea_service svc, const char *peer)
{
	const struct daemon *d = &sv->d[svc];

	if (!d->has_config)
		return false;
	for (int k = 0; k < d->config.nrels; k++)
		if (strcmp(d->config.rel[k].this_server_name, peer) == 0)
			return true;
	return false;
}

/* The lowest server index among the candidates for key that ok() accepts, or -1. */
static int lowest(const struct model *m, const struct index *x, size_t h, enum kea_service svc,
		  const char *key, bool (*ok)(const struct model *, int, enum kea_service, const char *))
{
	int best = -1;

	for (size_t i = h & x->mask; x->slot[i] >= 0; i = (i + 1) & x->mask)
		if ((best < 0 || x->slot[i] < best) && ok(m, x->slot[i], svc, key))
			best = x->slot[i];
	return best;
}

static bool claims_ok(const struct model *m, int s, enum kea_service svc, const char *key)
{
	return server_claims(&m->servers[s], svc, key);
}

static bool name_ok(const struct model *m, int s, enum kea_service svc, const char *key)
{
	(void)svc;
	return strcmp(m->servers[s].name, key) == 0;
}

static bool url_ok(const struct model *m, int s, enum kea_service svc, const char *key)
{
	(void)svc;
	return model_url_same(m->servers[s].url, key);
}

/* The server a peer is: the one that calls itself so, else by name, else by URL. */
static int match_server(const struct model *m, const struct server_index *x,
			enum kea_service svc, const struct rel_peer *p)
{
	int i = lowest(m, &x->claims, hash_key(p->name, svc, false), svc, p->name, claims_ok);

	if (i >= 0)
		return i;
	i = lowest(m, &x->names, hash_key(p->name, 0, false), svc, p->name, name_ok);
	if (i >= 0)
		return i;
	return lowest(m, &x->urls, hash_key(p->ha_url, 0, true), svc, p->ha_url, url_ok);
}

/* A configured server not yet heard from may turn out to be an unmatched peer. */
static bool configured_pending(const struct model *m)
{
	for (int i = 0; i < m->nservers; i++) {
		const struct server *sv = &m->servers[i];
		bool has_config = false;
		for (int k = 0; k < KEA_SERVICE_COUNT; k++)
			has_config |= sv->d[k].has_config;
		if (sv->origin == ORIGIN_CONFIG && sv->reach == REACH_PENDING && !sv->probed && !has_config)
			return true;
	}
	return false;
}

static int count_peers(const struct model *m)
{
	int n = 0;

	for (int r = 0; r < m->nrels; r++)
		n += m->rels[r].npeers;
	return n;
}

/*
 * Maps every peer to a server; a peer none matches gets a server of its own
 * at its HA URL, but only once every configured server has answered (or
 * failed): a configured hub may yet claim the peer under its this-server-name.
 */
static int map_peers(struct model *m)
{
	bool wait = configured_pending(m);
	int added = 0;
	struct server_index x;

	server_index_init(&x, m, count_peers(m));
	for (int r = 0; r < m->nrels; r++) {
		struct relationship *rel = &m->rels[r];
		for (int i = 0; i < rel->npeers; i++) {
			struct rel_peer *p = &rel->peer[i];
			p->server = match_server(m, &x, rel->service, p);
			/* Remembered peers come from an earlier run: poll them at once. */
			if (p->server < 0 && p->ha_url[0] && (!wait || rel->remembered)) {
				p->server = model_add_server(m, p->name, p->ha_url, ORIGIN_DISCOVERED);
				if (p->server == m->nservers - 1) { /* new: findable from now on */
					index_add(&x.names, hash_key(m->servers[p->server].name, 0, false),
						  p->server);
					index_add(&x.urls, hash_key(m->servers[p->server].url, 0, true),
						  p->server);
				}
				added++;
			}
		}
	}
	server_index_free(&x);
	return added;
}

/* Servers named after their URL take the name their configuration gives them. */
static void adopt_names(struct model *m)
{
	for (int s = 0; s < m->nservers; s++) {
		struct server *sv = &m->servers[s];
		for (int svc = 0; sv->auto_name && svc < KEA_SERVICE_COUNT; svc++) {
			const struct daemon *d = &sv->d[svc];
			if (!d->has_config || d->config.nrels == 0)
				continue;
			if (model_find_server(m, d->config.rel[0].this_server_name) < 0)
				strlcpy_(sv->name, d->config.rel[0].this_server_name, sizeof(sv->name));
			sv->auto_name = false;
		}
	}
}

/* A remembered relationship stays until one of its peers tells otherwise. */
static bool still_unconfirmed(const struct model *m, const struct relationship *old)
{
	for (int i = 0; i < old->npeers; i++) {
		/* The server the peer was mapped to (maybe by URL), else by name. */
		int s = old->peer[i].server;
		if (s < 0 || s >= m->nservers)
			s = model_find_server(m, old->peer[i].name);
		if (s >= 0 && m->servers[s].d[old->service].has_config)
			return false;
	}
	return true;
}

/* A repeated name gets "#2", "#3"...: the first free one (bounded by n). */
static void unique_names(struct relationship *rels, int n)
{
	struct index taken;

	index_init(&taken, (size_t)n);
	for (int i = 0; i < n; i++) {
		char base[sizeof(rels[0].name)], cand[sizeof(rels[0].name)];
		if (find_name(rels, &taken, rels[i].name) >= 0) {
			strlcpy_(base, rels[i].name, sizeof(base) - 8);
			for (int k = 2; k <= n + 1; k++) {
				snprintf(cand, sizeof(cand), "%s#%d", base, k);
				if (find_name(rels, &taken, cand) < 0)
					break;
			}
			strlcpy_(rels[i].name, cand, sizeof(rels[i].name));
		}
		index_add(&taken, hash_key(rels[i].name, 0, false), i);
	}
	index_free(&taken);
}

/* What keaha already judged goes on; remembered relationships stay until confirmed. */
static int carry_over(struct model *m, struct relationship **freshp, int n)
{
	struct relationship *fresh = *freshp;
	struct index old, now;

	index_names(&old, m->rels, m->nrels);
	index_names(&now, fresh, n);
	for (int i = 0; i < n; i++) {
		int o = find_name(m->rels, &old, fresh[i].name);
		if (o >= 0) {
			fresh[i].verdict = m->rels[o].verdict;
			fresh[i].verdict_since = m->rels[o].verdict_since;
			fresh[i].drift = m->rels[o].drift;
		}
	}
	for (int o = 0; o < m->nrels; o++) {
		/* now indexes the first n only: the appended ones are old names, all different */
		if (find_name(fresh, &now, m->rels[o].name) >= 0 || !still_unconfirmed(m, &m->rels[o]))
			continue;
		fresh = xrealloc(fresh, (size_t)(n + 1) * sizeof(*fresh));
		fresh[n] = m->rels[o];
		m->rels[o].peer = NULL; /* moved: fresh[n] owns them now */
		m->rels[o].fault = NULL;
		m->rels[o].conf.peer = NULL;
		fresh[n].judged_gen = fresh[n].drifted_gen = 0; /* its peers are mapped again */
		fresh[n++].remembered = true;
	}
	index_free(&old);
	index_free(&now);
	*freshp = fresh;
	return n;
}

int discovery_rebuild(struct model *m)
{
	struct relationship *fresh;
	int n;

	adopt_names(m);
	n = collect(m, &fresh);
	n = carry_over(m, &fresh, n);
	unique_names(fresh, n);
	for (int o = 0; o < m->nrels; o++)
		model_rel_free(&m->rels[o]);
	free(m->rels);
	m->rels = fresh;
	m->nrels = m->cap_rels = n;
	m->generation++;
	m->topology_generation++;
	return map_peers(m);
}

bool discovery_has_unmapped(const struct model *m)
{
	for (int r = 0; r < m->nrels; r++)
		for (int i = 0; i < m->rels[r].npeers; i++)
			if (m->rels[r].peer[i].server < 0 && m->rels[r].peer[i].ha_url[0])
				return true;
	return false;
}
