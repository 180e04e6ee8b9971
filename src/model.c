/*
 * The model's storage and the rules for applying what was learnt. Servers
 * are never removed, so a relationship's peers can point at them by index.
 * Relationships are rebuilt from the daemons' HA configurations whenever a
 * configuration arrives (discovery); their verdicts live with them.
 */
#include "model.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static const char *const fault_texts[] = {
#define X(e, name, text) text,
	FAULTS(X)
#undef X
};

static const char *const fault_names[] = {
#define X(e, name, text) name,
	FAULTS(X)
#undef X
};

const char *fault_name(enum fault f)
{
	return (unsigned)f < FAULT_COUNT ? fault_names[f] : "other";
}

const char *fault_text(enum fault f)
{
	return (unsigned)f < FAULT_COUNT ? fault_texts[f] : "error";
}

const char *reach_name(enum reach r)
{
	static const char *const names[] = { "pending", "ok", "down", "unknown" };

	return (unsigned)r < ARRAY_LEN(names) ? names[r] : "unknown";
}

const char *rel_status_name(enum rel_status s)
{
	static const char *const names[] = { "ok", "impaired", "service-down", "unreachable" };

	return (unsigned)s < ARRAY_LEN(names) ? names[s] : "unreachable";
}

const char *rel_status_label(enum rel_status s)
{
	static const char *const labels[] = { "OK", "Impaired", "Service down", "Unreachable" };

	return (unsigned)s < ARRAY_LEN(labels) ? labels[s] : "Unreachable";
}

const char *transport_kind_name(enum transport_kind k)
{
	static const char *const names[] = { "auto", "agent", "direct" };

	return (unsigned)k < ARRAY_LEN(names) ? names[k] : "auto";
}

bool transport_kind_parse(const char *s, enum transport_kind *out)
{
	for (int k = TRANSPORT_AUTO; k <= TRANSPORT_DIRECT; k++) {
		if (util_streq(s, transport_kind_name((enum transport_kind)k))) {
			*out = (enum transport_kind)k;
			return true;
		}
	}
	return false;
}

/* The error texts: at most MODEL_ERR_LEN - 1 bytes, "" when none (util_text_set). */
static void set_text(char **field, const char *v)
{
	util_text_set(field, v, MODEL_ERR_LEN);
}

void model_init(struct model *m)
{
	memset(m, 0, sizeof(*m));
}

/* What a server owns: its texts and each daemon's records. */
static void server_free(struct server *sv)
{
	for (int k = 0; k < KEA_SERVICE_COUNT; k++) {
		struct daemon_config *c = &sv->d[k].config;
		set_text(&sv->d[k].error, "");
		free(sv->d[k].status.rel);
		for (int i = 0; c->rel && i < c->nrels; i++)
			model_conf_free(&c->rel[i]);
		free(c->rel);
		free(sv->d[k].hb);
	}
	set_text(&sv->error, "");
	free(sv->url);
}

void model_free(struct model *m)
{
	for (int s = 0; s < m->nservers; s++)
		server_free(&m->servers[s]);
	free(m->servers);
	for (int i = 0; i < m->nreplicas; i++)
		cJSON_free(m->replicas[i].text);
	free(m->replicas);
	for (int r = 0; r < m->nrels; r++)
		model_rel_free(&m->rels[r]);
	free(m->rels);
	memset(m, 0, sizeof(*m));
}

static void changed(struct model *m)
{
	m->generation++;
}

/* A change to server s: views redraw, and its relationships are judged again. */
void model_touch(struct model *m, int s)
{
	m->servers[s].changed_gen = ++m->generation;
}

/* "HTTP://Host:8000" and "http://host:8000/" name the same endpoint. */
bool model_url_same(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	while (la && a[la - 1] == '/')
		la--;
	while (lb && b[lb - 1] == '/')
		lb--;
	if (la != lb)
		return false;
	for (size_t i = 0; i < la; i++)
		if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
			return false;
	return la > 0;
}

int model_find_server(const struct model *m, const char *name)
{
	for (int i = 0; i < m->nservers; i++)
		if (strcmp(m->servers[i].name, name) == 0)
			return i;
	return -1;
}

int model_find_server_url(const struct model *m, const char *url)
{
	for (int i = 0; i < m->nservers; i++)
		if (model_url_same(m->servers[i].url, url))
			return i;
	return -1;
}

int model_find_rel(const struct model *m, const char *name)
{
	for (int i = 0; i < m->nrels; i++)
		if (strcmp(m->rels[i].name, name) == 0)
			return i;
	return -1;
}

void model_reserve_servers(struct model *m, int n)
{
	if (n > m->cap_servers) {
		m->cap_servers = n;
		m->servers = xrealloc(m->servers, (size_t)n * sizeof(*m->servers));
	}
}

int model_add_server(struct model *m, const char *name, const char *url, enum server_origin origin)
{
	struct server *s;
	int i = model_find_server(m, name);

	if (i >= 0)
		return i;
	if (m->nservers == m->cap_servers)
		model_reserve_servers(m, m->cap_servers ? m->cap_servers * 2 : 16);
	s = &m->servers[m->nservers];
	memset(s, 0, sizeof(*s));
	strlcpy_(s->name, name, sizeof(s->name));
	s->url = xstrdup(url);
	s->error = util_text_unset;
	for (int k = 0; k < KEA_SERVICE_COUNT; k++)
		s->d[k].error = util_text_unset;
	s->origin = origin;
	model_touch(m, m->nservers);
	return m->nservers++;
}

void model_set_endpoint(struct model *m, int s, enum transport_kind kind,
			const bool has_service[KEA_SERVICE_COUNT], double now)
{
	struct server *sv = &m->servers[s];

	sv->transport = kind;
	sv->probed = true;
	for (int i = 0; i < KEA_SERVICE_COUNT; i++) {
		sv->d[i].present = has_service[i];
		if (has_service[i] && !sv->d[i].has_config)
			sv->d[i].config_wanted = true;
	}
	model_endpoint_ok(m, s, now);
}

void model_set_version(struct model *m, int s, const char *version)
{
	if (strcmp(m->servers[s].version, version) != 0) {
		strlcpy_(m->servers[s].version, version, sizeof(m->servers[s].version));
		model_touch(m, s);
	}
}

void model_endpoint_ok(struct model *m, int s, double now)
{
	struct server *sv = &m->servers[s];

	sv->last_answer = now;
	if (sv->reach != REACH_OK || sv->fault != FAULT_NONE) {
		sv->reach = REACH_OK;
		sv->fault = FAULT_NONE;
		set_text(&sv->error, "");
		model_touch(m, s);
	}
}

static void set_daemon_reach(struct model *m, int s, struct daemon *d, enum reach r,
			     enum fault f, const char *msg, double now)
{
	if (d->reach != r)
		d->reach_since = now;
	if (r == REACH_OK)
		d->first_failure = 0;
	else if (d->first_failure == 0)
		d->first_failure = now;
	if (d->reach != r || d->fault != f || strcmp(d->error, msg ? msg : "") != 0)
		model_touch(m, s);
	d->reach = r;
	d->fault = f;
	set_text(&d->error, msg ? msg : "");
}

/*
 * An endpoint that does not answer: a direct daemon that refuses connections
 * is not running; anything else (an agent that refuses, a timeout, TLS) only
 * says keaha cannot see the daemons behind it.
 */
void model_endpoint_fault(struct model *m, int s, enum fault f, const char *msg, double now)
{
	struct server *sv = &m->servers[s];
	/* Direct as probed, or as configured (a daemon dead from the start is never probed). */
	bool known_down = f == FAULT_REFUSED && (sv->transport == TRANSPORT_DIRECT ||
						 sv->transport_conf == TRANSPORT_DIRECT);

	if (sv->reach != (known_down ? REACH_DOWN : REACH_UNKNOWN) || sv->fault != f)
		model_touch(m, s);
	sv->reach = known_down ? REACH_DOWN : REACH_UNKNOWN;
	sv->fault = f;
	set_text(&sv->error, msg ? msg : fault_text(f));
	for (int i = 0; i < KEA_SERVICE_COUNT; i++) {
		struct daemon *d = &sv->d[i];
		if (d->present || !sv->probed)
			set_daemon_reach(m, s, d, known_down ? REACH_DOWN : REACH_UNKNOWN, f,
					 sv->error, now);
	}
}

void model_daemon_fault(struct model *m, int s, enum kea_service svc, enum fault f,
			const char *msg, double now)
{
	enum reach r = f == FAULT_NOT_RUNNING ? REACH_DOWN : REACH_UNKNOWN;

	set_daemon_reach(m, s, &m->servers[s].d[svc], r, f, msg ? msg : fault_text(f), now);
}

/* Notes when each HA entry changed state, as far as keaha has seen. */
static void track_states(struct daemon *d, const struct kea_status *st, double now)
{
	for (int i = 0; i < st->nrels; i++) {
		enum ha_state s = st->rel[i].local.state;
		if (d->seen_state[i] != s || d->state_since[i] == 0) {
			d->state_change_seen[i] = d->state_since[i] != 0;
			d->seen_state[i] = s;
			d->state_since[i] = now;
			if (s == HA_STATE_PARTNER_DOWN)
				d->last_partner_down[i] = now;
		}
	}
}

/*
 * Copies a decoded record's leading fields and its first n relationships into
 * the model's record, reusing its array; says whether anything differed.
 */
static bool copy_record(void *dst, void **dst_rel, const void *src, const void *src_rel,
			size_t head, size_t rel_size, int n, int old_n)
{
	bool same = old_n == n && memcmp(dst, src, head) == 0 &&
		    (n == 0 || memcmp(*dst_rel, src_rel, rel_size * (size_t)n) == 0);

	if (same)
		return false;
	memcpy(dst, src, head);
	if (n > old_n || !*dst_rel)
		*dst_rel = xrealloc(*dst_rel, rel_size * (size_t)(n ? n : 1));
	memcpy(*dst_rel, src_rel, rel_size * (size_t)n);
	return true;
}

_Static_assert(offsetof(struct kea_status, rel) == offsetof(struct daemon_status, rel),
	       "the stored status shares the decoded one's leading fields");
_Static_assert(offsetof(struct kea_config, rel) == offsetof(struct daemon_config, rel),
	       "the stored configuration shares the decoded one's leading fields");

void model_apply_status(struct model *m, int s, enum kea_service svc,
			const struct kea_status *st, double now)
{
	struct daemon *d = &m->servers[s].d[svc];
	int old_n = d->has_status ? d->status.nrels : 0;

	/*
	 * A new configuration: the reload counter went down, or the moment it
	 * counts from moved on by more than the counter's 1 s resolution (a
	 * config-set just after a poll that saw 0 s would not go down). Kea 3
	 * says it exactly with its hash: a config-set of the same configuration
	 * (a rollback, a re-applied one) resets reload but is no change.
	 */
	if (d->has_status && st->reload >= 0 && !model_watches_hash(d) &&
	    (st->reload < d->status.reload || now - (double)st->reload > d->config_epoch + 2.0))
		d->config_wanted = true;
	if (st->reload >= 0 && (!d->has_status || d->config_wanted || d->config_epoch == 0))
		d->config_epoch = now - (double)st->reload;
	track_states(d, st, now);
	/* uptime and reload go on with the clock: not a change to redraw or judge for. */
	if (d->has_status) {
		d->status.uptime = st->uptime;
		d->status.reload = st->reload;
	}
	if (copy_record(&d->status, (void **)&d->status.rel, st, st->rel,
			offsetof(struct kea_status, rel), sizeof(st->rel[0]), st->nrels, old_n) ||
	    !d->has_status)
		model_touch(m, s);
	d->has_status = true;
	d->status_at = now;
	d->present = true;
	if (!st->has_ha)
		set_daemon_reach(m, s, d, REACH_OK, FAULT_NO_HA, "HA hook not loaded", now);
	else
		set_daemon_reach(m, s, d, REACH_OK, FAULT_NONE, "", now);
	model_endpoint_ok(m, s, now);
}

void model_apply_heartbeat(struct model *m, int s, enum kea_service svc, int ha_index,
			   const struct ha_heartbeat *hb, double now)
{
	struct daemon *d = &m->servers[s].d[svc];

	if (ha_index < 0 || ha_index >= HA_MAX_RELS)
		return;
	if (ha_index >= d->nhb) {
		d->hb = xrealloc(d->hb, (size_t)(ha_index + 1) * sizeof(*d->hb));
		d->nhb = ha_index + 1;
	}
	if (!d->has_hb[ha_index] || d->hb[ha_index].state != hb->state ||
	    d->hb[ha_index].unsent_update_count != hb->unsent_update_count)
		model_touch(m, s);
	d->hb[ha_index] = *hb;
	d->has_hb[ha_index] = true;
	d->hb_at = now;
}

void model_apply_clock(struct model *m, int s, enum kea_service svc, double offset, double now)
{
	struct daemon *d = &m->servers[s].d[svc];

	if (!d->has_clock || (long)(d->clock_offset + 0.5) != (long)(offset + 0.5))
		model_touch(m, s);
	d->has_clock = true;
	d->clock_offset = offset;
	d->clock_at = now;
}

void model_conf_copy(struct ha_rel_config *dst, const struct ha_rel_config *src)
{
	struct ha_peer_config *peers = dst->peer;

	*dst = *src;
	dst->peer = xrealloc(peers, (size_t)(src->npeers ? src->npeers : 1) * sizeof(*dst->peer));
	if (src->npeers)
		memcpy(dst->peer, src->peer, (size_t)src->npeers * sizeof(*dst->peer));
}

void model_conf_free(struct ha_rel_config *c)
{
	free(c->peer);
	c->peer = NULL;
	c->npeers = 0;
}

void model_apply_config(struct model *m, int s, enum kea_service svc,
			const struct kea_config *c, double now)
{
	struct daemon *d = &m->servers[s].d[svc];
	struct daemon_config *dc = &d->config;

	/* Each relationship's peers are its own copy, sized to what Kea lists. */
	for (int i = 0; dc->rel && i < dc->nrels; i++)
		model_conf_free(&dc->rel[i]);
	memcpy(dc, c, offsetof(struct kea_config, rel));
	dc->rel = xrealloc(dc->rel, (size_t)(c->nrels ? c->nrels : 1) * sizeof(*dc->rel));
	for (int i = 0; i < c->nrels; i++) {
		dc->rel[i].peer = NULL;
		model_conf_copy(&dc->rel[i], &c->rel[i]);
	}
	d->has_config = true;
	d->config_at = now;
	d->config_wanted = false;
	d->present = true;
	model_touch(m, s);
}

/* A daemon lets go of its replica; the last one frees it. */
static void replica_release(struct model *m, const char *text)
{
	for (int i = 0; text && i < m->nreplicas; i++) {
		if (m->replicas[i].text != text)
			continue;
		if (--m->replicas[i].refs == 0) {
			cJSON_free(m->replicas[i].text);
			m->replicas[i] = m->replicas[--m->nreplicas];
		}
		return;
	}
}

/* The shared copy equal to text (text freed), or text itself, now shared. */
static const char *replica_hold(struct model *m, char *text, uint64_t hash)
{
	for (int i = 0; i < m->nreplicas; i++) {
		if (m->replicas[i].hash == hash && strcmp(m->replicas[i].text, text) == 0) {
			m->replicas[i].refs++;
			cJSON_free(text);
			return m->replicas[i].text;
		}
	}
	m->replicas = xrealloc(m->replicas, (size_t)(m->nreplicas + 1) * sizeof(*m->replicas));
	m->replicas[m->nreplicas++] = (struct replica_ref){ .hash = hash, .text = text, .refs = 1 };
	return text;
}

void model_apply_replica(struct model *m, int s, enum kea_service svc, char *text,
			 uint64_t hash, double now)
{
	struct daemon *d = &m->servers[s].d[svc];

	(void)now;
	if (d->replica && d->replica_hash == hash && strcmp(d->replica, text) == 0) {
		cJSON_free(text); /* the same again: nothing changed */
		return;
	}
	model_touch(m, s);
	replica_release(m, d->replica);
	d->replica = replica_hold(m, text, hash);
	d->replica_hash = hash;
}

bool model_watches_hash(const struct daemon *d)
{
	return d->has_config && d->config.hash[0] && !d->no_hash_cmd;
}

bool model_apply_config_hash(struct model *m, int s, enum kea_service svc, const char *hash,
			     double now)
{
	struct daemon *d = &m->servers[s].d[svc];

	(void)now;
	if (!model_watches_hash(d) || strcmp(d->config.hash, hash) == 0 || d->config_wanted)
		return false;
	d->config_wanted = true;
	return true;
}

void model_no_hash_cmd(struct model *m, int s, enum kea_service svc)
{
	m->servers[s].d[svc].no_hash_cmd = true;
}

void model_apply_pool(struct model *m, int s, enum kea_service svc,
		      const struct kea_pool_usage *p, double now)
{
	struct daemon *d = &m->servers[s].d[svc];

	if (memcmp(&d->pool, p, sizeof(*p)) != 0)
		model_touch(m, s);
	d->pool = *p;
	d->pool_at = now;
}

void model_peer_view(const struct model *m, const struct relationship *r, int i,
		     struct peer_view *out)
{
	const struct rel_peer *p = &r->peer[i];
	const struct daemon *d;

	memset(out, 0, sizeof(*out));
	out->peer = p;
	out->ha_index = -1;
	out->reach = REACH_PENDING;
	if (p->server < 0 || p->server >= m->nservers)
		return;
	out->server = &m->servers[p->server];
	d = out->daemon = &out->server->d[r->service];
	out->reach = d->reach;
	if (d->reach != REACH_OK || !d->has_status)
		return;
	for (int k = 0; k < d->status.nrels; k++) {
		const char *local = d->status.rel[k].local.server_name;
		if ((!*local && d->status.nrels == 1) || strcmp(local, p->name) == 0) {
			out->ha_index = k;
			break;
		}
	}
	if (out->ha_index < 0) {
		/* Answering without HA: it serves every client, uncoordinated. */
		out->serving = !d->status.dhcp_disabled;
		return;
	}
	out->status = &d->status.rel[out->ha_index];
	out->hb = out->ha_index < d->nhb && d->has_hb[out->ha_index] ? &d->hb[out->ha_index] : NULL;
	out->state = out->status->local.state;
	out->serving = ha_state_serves(out->state) && out->status->local.scopes.n > 0 &&
		       !d->status.dhcp_disabled;
}

int model_add_rel(struct model *m)
{
	if (m->nrels == m->cap_rels) {
		m->cap_rels = m->cap_rels ? m->cap_rels * 2 : 16;
		m->rels = xrealloc(m->rels, (size_t)m->cap_rels * sizeof(*m->rels));
	}
	memset(&m->rels[m->nrels], 0, sizeof(m->rels[0]));
	m->rels[m->nrels].peer = xcalloc(HA_MAX_PEERS, sizeof(struct rel_peer));
	m->rels[m->nrels].conf.peer = xcalloc(HA_MAX_PEERS, sizeof(struct ha_peer_config));
	changed(m);
	return m->nrels++;
}

void model_rel_free(struct relationship *r)
{
	free(r->peer);
	free(r->fault);
	model_conf_free(&r->conf);
	r->peer = NULL;
	r->fault = NULL;
	r->npeers = r->nfaults = 0;
}
