/*
 * Reading a relationship for replication, and applying new configurations
 * to its peers. Discovery is `keaha status`'s (one poll of every peer),
 * so the refusals use the same verdicts the dashboard shows.
 */
#include "replicate.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "drift.h"
#include "replica.h"
#include "status_cmd.h"
#include "txn.h"
#include "util.h"

static const struct server_conf *conf_by_url(const struct keaha_config *cfg, const char *url)
{
	for (int i = 0; i < cfg->nservers; i++)
		if (model_url_same(cfg->servers[i].url, url))
			return &cfg->servers[i];
	return NULL;
}

static void endpoint_of(const struct keaha_config *cfg, const struct server *sv, struct repl_peer *p)
{
	const struct server_conf *c = conf_by_url(cfg, sv->url);

	memset(&p->ep, 0, sizeof(p->ep));
	p->ep.url = sv->url;
	if (c) {
		p->ep.user = c->auth.user;
		p->ep.password = c->password;
		p->ep.ca_file = c->auth.ca_file;
		p->ep.cert_file = c->auth.cert_file;
		p->ep.key_file = c->auth.key_file;
	}
	p->agent = sv->transport != TRANSPORT_DIRECT;
}

/* Reads one peer's configuration; p->read says whether it answered. */
static void read_peer(const struct keaha_config *cfg, const struct replicate_opts *o,
		      const struct server *sv, enum kea_service svc, struct repl_peer *p)
{
	char msg[400];
	const struct daemon *d = &sv->d[svc];

	endpoint_of(cfg, sv, p);
	if (sv->ha_listener_only) {
		snprintf(p->why, sizeof(p->why), "only its HA listener is known: %s", sv->note);
		p->unmanaged = true;
		return;
	}
	if (d->reach != REACH_OK) {
		snprintf(p->why, sizeof(p->why), "%s", d->error[0] ? d->error : sv->error[0] ? sv->error :
			 "does not answer");
		return;
	}
	if (txn_call(&p->ep, p->agent, svc, "config-get", NULL, &p->config, msg, sizeof(msg),
		     o->timeout) != 0 || !p->config) {
		snprintf(p->why, sizeof(p->why), "config-get failed: %s", msg);
		cJSON_Delete(p->config);
		p->config = NULL;
		return;
	}
	p->read = true;
}

/* Fills the peers of relationship r from the model and reads them. */
static void read_rel(const struct keaha_config *cfg, const struct replicate_opts *o,
		     struct repl_set *rs, const struct relationship *r)
{
	rs->svc = r->service;
	rs->n = r->npeers;
	rs->heartbeat_delay = r->conf.heartbeat_delay;
	rs->max_response_delay = r->conf.max_response_delay;
	strlcpy_(rs->rel, r->name, sizeof(rs->rel));
	for (int i = 0; i < r->npeers; i++) {
		struct repl_peer *p = &rs->p[i];
		struct peer_view v;
		strlcpy_(p->name, r->peer[i].name, sizeof(p->name));
		p->role = r->peer[i].role;
		model_peer_view(&rs->m, r, i, &v);
		p->normal_state = ha_state_normal(r->conf.mode, p->role);
		p->normal = v.reach == REACH_OK && v.status && v.state == p->normal_state;
		if (!v.server) {
			snprintf(p->why, sizeof(p->why), "no management URL known");
			continue;
		}
		read_peer(cfg, o, v.server, r->service, p);
	}
	/* With an active peer away, a restarted HA state machine ends in partner-down, not normal. */
	for (int i = 0; i < r->npeers; i++)
		if (ha_role_is_active(rs->p[i].role) && !rs->p[i].read)
			for (int k = 0; k < r->npeers; k++)
				rs->p[k].normal = false;
}

/* Why the product would refuse to replicate this relationship now, or false. */
static bool refused(const struct repl_set *rs, const struct relationship *r, char *why, size_t size)
{
	if (r->verdict.status == REL_SERVICE_DOWN) {
		snprintf(why, size, "the service is down (%s): nothing can be changed", r->verdict.reason);
		return true;
	}
	if (r->drift.refused) {
		snprintf(why, size, "%s", r->drift.why);
		return true;
	}
	if (r->drift.pinned[0] && (rs->source < 0 || strcmp(rs->p[rs->source].name, r->drift.pinned))) {
		snprintf(why, size, "edits keaha made on %s while the primary was away are not on the "
			 "primary yet, and %s does not answer: nothing was changed, so they are not lost",
			 r->drift.pinned, r->drift.pinned);
		return true;
	}
	/* Not away but out of reach for good: a change could never be carried to it. */
	for (int i = 0; i < rs->n; i++)
		if (rs->p[i].unmanaged) {
			snprintf(why, size, "%s: %s; keaha changes every peer or none, so nothing was "
				 "changed", rs->p[i].name, rs->p[i].why);
			return true;
		}
	if (rs->source < 0) {
		snprintf(why, size, "no source of truth: neither the primary nor the %s answers and "
			 "serves", r->conf.mode == HA_MODE_HOT_STANDBY ? "standby" : "secondary");
		return true;
	}
	if (!rs->p[rs->source].read) {
		snprintf(why, size, "the source of truth %s: %s", rs->p[rs->source].name,
			 rs->p[rs->source].why);
		return true;
	}
	return false;
}

/* A server in no relationship of the service: edited alone. */
static int open_server(const struct keaha_config *cfg, const struct replicate_opts *o,
		       struct repl_set *rs, int s)
{
	const struct server *sv = &rs->m.servers[s];
	enum kea_service svc = o->service_given ? o->service : KEA_DHCP4;

	if (!o->service_given && !sv->d[KEA_DHCP4].present && sv->d[KEA_DHCP6].present)
		svc = KEA_DHCP6;
	rs->svc = svc;
	rs->n = 1;
	rs->source = 0;
	strlcpy_(rs->p[0].name, sv->name, sizeof(rs->p[0].name));
	read_peer(cfg, o, sv, svc, &rs->p[0]);
	if (!rs->p[0].read) {
		fprintf(stderr, "keaha: refused: %s: %s\n", sv->name, rs->p[0].why);
		return REPLICATE_EXIT_REFUSED;
	}
	return 0;
}

/* The relationship a SERVER argument means; -1 when none, -2 when it is ambiguous. */
static int rel_of_server(const struct model *m, int s, const struct replicate_opts *o)
{
	int found = -1;

	for (int i = 0; i < m->nrels; i++)
		for (int k = 0; k < m->rels[i].npeers; k++) {
			if (m->rels[i].peer[k].server != s || (o->service_given && m->rels[i].service != o->service))
				continue;
			if (found >= 0 && found != i)
				return -2;
			found = i;
		}
	return found;
}

static int find_target(const struct keaha_config *cfg, const struct replicate_opts *o,
		       struct repl_set *rs, const char *arg, bool server_ok, int *server)
{
	char url[KEA_URL_LEN];
	int ri = model_find_rel(&rs->m, arg), s;

	*server = -1;
	if (ri >= 0 || !server_ok)
		return ri;
	s = model_find_server(&rs->m, arg);
	if (s < 0 && config_normalize_url(cfg, arg, url, sizeof(url)))
		s = model_find_server_url(&rs->m, url);
	*server = s;
	return s >= 0 ? rel_of_server(&rs->m, s, o) : -1;
}

int replicate_open(const struct keaha_config *cfg, const struct replicate_opts *o, const char *arg,
		   bool server_ok, struct repl_set *rs)
{
	struct status_opts so = { .timeout = 10, .state_dir = o->state_dir };
	const struct relationship *r;
	char why[600];
	int ri, server;

	memset(rs, 0, sizeof(*rs));
	rs->source = -1;
	model_init(&rs->m);
	if (o->readonly) {
		fprintf(stderr, "keaha: refused: --readonly: keaha changes no server\n");
		return REPLICATE_EXIT_REFUSED;
	}
	status_cmd_discover(cfg, &so, &rs->m);
	ri = find_target(cfg, o, rs, arg, server_ok, &server);
	if (ri == -2) {
		fprintf(stderr, "keaha: %s is in a DHCPv4 and a DHCPv6 relationship: give --dhcp4 or "
			"--dhcp6, or the relationship's name\n", arg);
		return REPLICATE_EXIT_USAGE;
	}
	if (ri < 0 && server >= 0)
		return open_server(cfg, o, rs, server);
	if (ri < 0) {
		fprintf(stderr, "keaha: no %s named %s (see 'keaha relationship list')\n",
			server_ok ? "relationship or server" : "relationship", arg);
		return REPLICATE_EXIT_USAGE;
	}
	r = &rs->m.rels[ri];
	read_rel(cfg, o, rs, r);
	rs->source = drift_source(&rs->m, r);
	replstate_load(o->state_dir, rs->rel, &rs->st);
	if (refused(rs, r, why, sizeof(why))) {
		fprintf(stderr, "keaha: refused: %s\n", why);
		return REPLICATE_EXIT_REFUSED;
	}
	return 0;
}

void replicate_close(struct repl_set *rs)
{
	for (int i = 0; i < rs->n; i++)
		cJSON_Delete(rs->p[i].config);
	model_free(&rs->m);
	memset(rs, 0, sizeof(*rs));
}

bool replicate_confirm(const struct replicate_opts *o, const char *question)
{
	char line[64];

	if (o->yes)
		return true;
	if (!isatty(STDIN_FILENO)) {
		fprintf(stderr, "keaha: not a terminal: give --yes to apply, or --dry-run to see the changes\n");
		return false;
	}
	printf("%s [y/N] ", question);
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return false;
	return line[0] == 'y' || line[0] == 'Y';
}
