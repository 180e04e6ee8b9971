/*
 * Relationships are keyed by service and primary peer name: two servers
 * describing the same relationship name the same primary. (A hub is primary
 * under a different this-server-name in each of its relationships, so this
 * also keeps a hub's relationships apart.)
 */
#include "discovery.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

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
	if (r->nfaults < REL_MAX_FAULTS)
		strlcpy_(r->fault[r->nfaults++], line, MODEL_ERR_LEN);
}

static struct relationship *find_key(struct relationship *rels, int n, enum kea_service svc,
				     const char *primary)
{
	for (int i = 0; i < n; i++)
		if (rels[i].service == svc && rels[i].conf_known &&
		    strcmp(primary_name(&rels[i].conf), primary) == 0)
			return &rels[i];
	return NULL;
}

static void init_rel(struct relationship *r, const struct ha_rel_config *c, enum kea_service svc,
		     int from)
{
	memset(r, 0, sizeof(*r));
	r->service = svc;
	r->conf = *c;
	r->conf_known = true;
	r->conf_from = from;
	r->npeers = c->npeers;
	for (int i = 0; i < c->npeers; i++) {
		strlcpy_(r->peer[i].name, c->peer[i].name, KEA_NAME_LEN);
		strlcpy_(r->peer[i].ha_url, c->peer[i].url, KEA_URL_LEN);
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

/* Collects every relationship described by any daemon, reporting disagreements. */
static int collect(const struct model *m, struct relationship **out)
{
	struct relationship *rels = NULL;
	int n = 0, cap = 0;

	for (int s = 0; s < m->nservers; s++) {
		for (int svc = 0; svc < KEA_SERVICE_COUNT; svc++) {
			const struct daemon *d = &m->servers[s].d[svc];
			if (!d->has_config)
				continue;
			for (int k = 0; k < d->config.nrels; k++) {
				const struct ha_rel_config *c = &d->config.rel[k];
				struct relationship *r = find_key(rels, n, (enum kea_service)svc,
								  primary_name(c));
				char diff[MODEL_ERR_LEN];
				if (!r) {
					if (n == cap) {
						cap = cap ? cap * 2 : 8;
						rels = xrealloc(rels, (size_t)cap * sizeof(*rels));
					}
					r = &rels[n++];
					init_rel(r, c, (enum kea_service)svc, s);
				} else {
					conf_diff(&r->conf, c, diff, sizeof(diff));
					if (diff[0])
						add_fault(r, "%s and %s disagree: %s",
							  m->servers[r->conf_from].name,
							  m->servers[s].name, diff);
				}
				check_own_view(m, s, r, c);
			}
		}
	}
	*out = rels;
	return n;
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

/* The server a peer is: the one that calls itself so, else by name, else by URL. */
static int match_server(const struct model *m, enum kea_service svc, const struct rel_peer *p)
{
	int i;

	for (i = 0; i < m->nservers; i++)
		if (server_claims(&m->servers[i], svc, p->name))
			return i;
	i = model_find_server(m, p->name);
	if (i >= 0)
		return i;
	return model_find_server_url(m, p->ha_url);
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

/*
 * Maps every peer to a server; a peer none matches gets a server of its own
 * at its HA URL, but only once every configured server has answered (or
 * failed): a configured hub may yet claim the peer under its this-server-name.
 */
static int map_peers(struct model *m)
{
	bool wait = configured_pending(m);
	int added = 0;

	for (int r = 0; r < m->nrels; r++) {
		struct relationship *rel = &m->rels[r];
		for (int i = 0; i < rel->npeers; i++) {
			struct rel_peer *p = &rel->peer[i];
			p->server = match_server(m, rel->service, p);
			/* Remembered peers come from an earlier run: poll them at once. */
			if (p->server < 0 && p->ha_url[0] && (!wait || rel->remembered)) {
				p->server = model_add_server(m, p->name, p->ha_url, ORIGIN_DISCOVERED);
				added++;
			}
		}
	}
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

static bool name_taken(const struct relationship *rels, int upto, const char *name)
{
	for (int j = 0; j < upto; j++)
		if (strcmp(rels[j].name, name) == 0)
			return true;
	return false;
}

/* A repeated name gets "#2", "#3"...: the first free one (bounded by n). */
static void unique_names(struct relationship *rels, int n)
{
	for (int i = 1; i < n; i++) {
		char base[sizeof(rels[0].name)], cand[sizeof(rels[0].name)];
		if (!name_taken(rels, i, rels[i].name))
			continue;
		strlcpy_(base, rels[i].name, sizeof(base) - 8);
		for (int k = 2; k <= n + 1; k++) {
			snprintf(cand, sizeof(cand), "%s#%d", base, k);
			if (!name_taken(rels, i, cand))
				break;
		}
		strlcpy_(rels[i].name, cand, sizeof(rels[i].name));
	}
}

int discovery_rebuild(struct model *m)
{
	struct relationship *fresh;
	int n;

	adopt_names(m);
	n = collect(m, &fresh);
	/* Carry what keaha already judged, and remembered relationships. */
	for (int i = 0; i < n; i++) {
		int old = model_find_rel(m, fresh[i].name);
		if (old >= 0) {
			fresh[i].verdict = m->rels[old].verdict;
			fresh[i].verdict_since = m->rels[old].verdict_since;
			fresh[i].drift = m->rels[old].drift;
		}
	}
	for (int o = 0; o < m->nrels; o++) {
		bool kept = false;
		for (int i = 0; i < n && !kept; i++)
			kept = strcmp(fresh[i].name, m->rels[o].name) == 0;
		if (!kept && still_unconfirmed(m, &m->rels[o])) {
			fresh = xrealloc(fresh, (size_t)(n + 1) * sizeof(*fresh));
			fresh[n] = m->rels[o];
			fresh[n++].remembered = true;
		}
	}
	unique_names(fresh, n);
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
