/*
 * The relationship commands. What the product refuses (service down, a
 * server not answering config-get) is refused here before anything is sent;
 * what Kea itself does not check, the plan checks; what is sent, the
 * transaction sends. Exit 0 only when both servers ended in the intended
 * state and were written.
 */
#include "relationship_cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "status_cmd.h"
#include "txn.h"
#include "util.h"

#define EXIT_FAILED 1
#define EXIT_REFUSED 2
#define EXIT_USAGE 64

struct side {
	int server;                      /* in the model */
	const struct server_conf *conf;
	struct endpoint_opts ep;
	bool agent;
	cJSON *config;                   /* config-get of the service */
	cJSON *other;                    /* of the other service, or NULL */
	int sibling;                     /* server other came from when not this one, else -1 */
};

static void progress(void *ctx, const char *line)
{
	(void)ctx;
	printf("  %s\n", line);
	fflush(stdout);
}

/* A SERVER argument: a server of the model by name, or by URL. */
static int find_server(const struct model *m, const struct keaha_config *cfg, const char *arg)
{
	char url[KEA_URL_LEN];
	int s = model_find_server(m, arg);

	if (s < 0 && config_normalize_url(cfg, arg, url, sizeof(url)))
		s = model_find_server_url(m, url);
	return s;
}

static void side_free(struct side *sd)
{
	cJSON_Delete(sd->config);
	cJSON_Delete(sd->other);
}

/* Reads one server's configuration of the service; false (refused) with why. */
static bool read_side(const struct model *m, const struct keaha_config *cfg, int s,
		      enum kea_service svc, double timeout, struct side *sd, char *why, size_t size)
{
	const struct server *sv = &m->servers[s];
	char msg[400];

	memset(sd, 0, sizeof(*sd));
	sd->server = s;
	sd->sibling = -1;
	sd->conf = config_server_by_url(cfg, sv->url);
	config_endpoint_opts(cfg, sv->url, &sd->ep);
	if (sv->reach != REACH_OK || !sv->d[svc].present) {
		snprintf(why, size, "%s does not answer for %s (%s): nothing was changed", sv->name,
			 kea_service_label(svc), sv->error[0] ? sv->error : sv->d[svc].error);
		return false;
	}
	if (sv->ha_listener_only) {
		snprintf(why, size, "only the HA listener of %s is known (%s): it refuses config-get and "
			 "config-set (HTTP 403); add the server's management URL to keaha's configuration "
			 "under the name %s: nothing was changed", sv->name, sv->url, sv->name);
		return false;
	}
	/* A Kea 3 daemon reached directly takes commands without "service". */
	sd->agent = sv->transport != TRANSPORT_DIRECT;
	if (txn_call(&sd->ep, sd->agent, svc, "config-get", NULL, &sd->config, msg, sizeof(msg), timeout) != 0) {
		snprintf(why, size, "config-get on %s failed: %s", sv->name, msg);
		return false;
	}
	return true;
}

/*
 * A Kea 3 host whose kea-dhcp4 and kea-dhcp6 keaha reaches directly shows
 * up as two servers with one service each; the product's rules are per
 * server, across its services. They are one server when their URLs name
 * the same host: two daemons cannot share an address and port, and the
 * lab, like a real network, gives each Kea host an address of its own.
 * When several endpoints of the other service share the host (Kea
 * instances side by side on one address), which one is this server's
 * cannot be told.
 */
int relationship_cmd_sibling(const struct model *m, int s, enum kea_service svc)
{
	enum kea_service other = svc == KEA_DHCP4 ? KEA_DHCP6 : KEA_DHCP4;
	int found = RELATIONSHIP_SIBLING_NONE;

	for (int t = 0; t < m->nservers; t++) {
		const struct server *sv = &m->servers[t];
		if (t == s || sv->ha_listener_only || !sv->d[other].present ||
		    !plan_same_host(sv->url, m->servers[s].url))
			continue;
		if (found != RELATIONSHIP_SIBLING_NONE)
			return RELATIONSHIP_SIBLING_AMBIGUOUS;
		found = t;
	}
	return found;
}

/*
 * The server's configuration of its other service, for the rules across
 * services (a secondary never becomes primary elsewhere; names in use):
 * behind an agent from the same endpoint, for a direct daemon from its
 * host's other daemon. When it cannot be read the rules are checked on
 * this service alone, and the user is told.
 */
static void read_other(const struct model *m, const struct keaha_config *cfg, enum kea_service svc,
		       double timeout, struct side *sd)
{
	const struct server *sv = &m->servers[sd->server], *from = sv;
	enum kea_service other = svc == KEA_DHCP4 ? KEA_DHCP6 : KEA_DHCP4;
	struct endpoint_opts ep = sd->ep;
	char msg[400];
	int sib;

	if (!sd->agent) {
		sib = relationship_cmd_sibling(m, sd->server, svc);
		if (sib == RELATIONSHIP_SIBLING_AMBIGUOUS)
			fprintf(stderr, "keaha: note: several endpoints on the host of %s serve %s: which "
				"one is %s's cannot be told, so the rules across services were checked on "
				"%s only\n", sv->url, kea_service_label(other), sv->name,
				kea_service_label(svc));
		if (sib < 0)
			return;
		from = &m->servers[sib];
		config_endpoint_opts(cfg, from->url, &ep);
	} else if (!sv->d[other].present) {
		return;
	}
	if (txn_call(&ep, from->transport != TRANSPORT_DIRECT, other, "config-get", NULL, &sd->other,
		     msg, sizeof(msg), timeout) != 0)
		fprintf(stderr, "keaha: note: %s configuration of %s (%s) not read: %s; the rules across "
			"services were checked on %s only\n", kea_service_label(other), sv->name, from->url,
			msg, kea_service_label(svc));
	else if (from != sv)
		sd->sibling = (int)(from - m->servers);
}

/* A refusal about a server's other service names the daemon it was read from. */
static void say_siblings(const struct model *m, const struct side sd[2])
{
	for (int i = 0; i < 2; i++)
		if (sd[i].sibling >= 0)
			fprintf(stderr, "keaha: (%s and %s are one server: the same host in their URLs)\n",
				m->servers[sd[i].server].name, m->servers[sd[i].sibling].name);
}

/* Where the hook libraries are: keaHooksLocation, else the server's build-report. */
static void hooks_dir(const struct keaha_config *cfg, const struct side *sd, enum kea_service svc,
		      double timeout, char *out, size_t size)
{
	cJSON *args = NULL;
	char msg[4096];

	out[0] = '\0';
	if (cfg->hooks_location[0]) {
		strlcpy_(out, cfg->hooks_location, size);
		return;
	}
	if (txn_call(&sd->ep, sd->agent, svc, "build-report", NULL, &args, msg, sizeof(msg), timeout) == 0 &&
	    plan_hooks_dir_from_build_report(msg, out, size)) {
		cJSON_Delete(args);
		return;
	}
	cJSON_Delete(args);
	plan_hooks_dir_from_config(sd->config, svc, out, size);
}

static void print_plan(const struct plan_result *p, const char *const names[2])
{
	for (int i = 0; i < 2; i++) {
		printf("Changes on %s:\n", names[i]);
		fputs(p->diff[i].s ? p->diff[i].s : "  (none)\n", stdout);
	}
	if (p->warnings.len)
		printf("Warnings:\n%s", p->warnings.s);
}

/* Asks on a terminal for the relationship's name; refuses without one. */
static bool confirm(const char *name, bool yes)
{
	char line[256];

	if (yes)
		return true;
	if (!isatty(STDIN_FILENO)) {
		fprintf(stderr, "keaha: not a terminal: give --yes to apply, or --dry-run to see the plan\n");
		return false;
	}
	printf("Type the relationship's name (%s) to apply: ", name);
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return false;
	line[strcspn(line, "\n")] = '\0';
	return strcmp(line, name) == 0;
}

static void state_path(const struct relationship_opts *o, const char *leaf, char *out, size_t size)
{
	snprintf(out, size, "%s/%s", o->state_dir ? o->state_dir : ".", leaf);
}

/* One JSON line per change in audit.log: who, when, what, the diff, the result. */
static void audit(const struct relationship_opts *o, const char *what, const struct plan_result *p,
		  const struct txn_result *r)
{
	cJSON *j = audit_entry(what);

	cJSON_AddStringToObject(j, "diff-0", p->diff[0].s ? p->diff[0].s : "");
	cJSON_AddStringToObject(j, "diff-1", p->diff[1].s ? p->diff[1].s : "");
	cJSON_AddStringToObject(j, "result", audit_txn_result(r));
	cJSON_AddStringToObject(j, "message", r->message);
	audit_append(o->state_dir, j);
}

/* Applies a plan to two servers; prints the outcome; the exit status. */
static int apply(const struct relationship_opts *o, const char *what, struct side sd[2],
		 const char *const names[2], struct plan_result *p, enum txn_expect expect,
		 enum ha_state want, double settle)
{
	struct txn_target t[2];
	char backups[600], journal[600];
	struct txn_opts to = { .step_timeout = o->timeout, .settle_timeout = settle,
			       .backup_dir = backups, .journal_path = journal, .what = what };
	struct txn_result r;

	state_path(o, "backups", backups, sizeof(backups));
	state_path(o, "journal.json", journal, sizeof(journal));
	/* The partner first, then the primary: the primary's config-set completes the pair. */
	for (int k = 0; k < 2; k++) {
		int i = 1 - k;
		memset(&t[k], 0, sizeof(t[k]));
		strlcpy_(t[k].name, names[i], sizeof(t[k].name));
		t[k].ep = sd[i].ep;
		t[k].agent = sd[i].agent;
		t[k].service = o->service;
		t[k].original = sd[i].config;
		t[k].desired = p->config[i];
		t[k].expect = expect;
		t[k].want_state = want;
		/* A hub keeps its other relationships: nothing to wait for on removal. */
		if (expect == TXN_EXPECT_NO_HA && plan_has_ha(p->config[i], o->service))
			t[k].expect = TXN_EXPECT_NOTHING;
		strlcpy_(t[k].ha_name, p->self[i][0] ? p->self[i] : names[i], sizeof(t[k].ha_name));
	}
	printf("Applying:\n");
	txn_run(t, 2, &to, progress, NULL, &r);
	audit(o, what, p, &r);
	if (r.ok) {
		printf("Done: %s. Originals kept in %s\n", what, backups);
		return 0;
	}
	printf("NOT applied: %s\n%s\n", r.message, r.rolled_back ?
	       "Both servers have their original configuration again." :
	       "A server could not be put back yet: keaha completes it at its next run (journal.json).");
	return EXIT_FAILED;
}

/* The plan's view of one server: its name, URL, configurations, and how its HA talks. */
static struct plan_server plan_side(const struct server *sv, const char *name, const struct side *sd)
{
	struct plan_server ps = { name, sv->url, sd->config, sd->other, !sd->agent, 0, 0, 0 };

	plan_server_version(&ps, sv->version);
	return ps;
}

static void known_names(const struct model *m, const char **out, size_t *n)
{
	*n = 0;
	for (int i = 0; i < m->nrels && *n < 64; i++)
		out[(*n)++] = m->rels[i].name;
}

/* The plan's choices from the command line: Kea's defaults where an option was not given. */
static void add_choices(const struct relationship_opts *o, const struct model *m, const int s[2],
			const struct side sd[2], const char *hooks, struct plan_add_choices *c)
{
	plan_add_choices_init(c);
	c->name = o->name;
	c->mode = o->mode;
	c->service = o->service;
	c->primary = plan_side(&m->servers[s[0]], m->servers[s[0]].name, &sd[0]);
	c->partner = plan_side(&m->servers[s[1]], m->servers[s[1]].name, &sd[1]);
	c->hooks_dir = hooks;
	if (o->heartbeat_delay >= 0) c->heartbeat_delay = o->heartbeat_delay;
	if (o->max_response_delay >= 0) c->max_response_delay = o->max_response_delay;
	if (o->max_ack_delay >= 0) c->max_ack_delay = o->max_ack_delay;
	if (o->max_unacked_clients >= 0) c->max_unacked_clients = o->max_unacked_clients;
	if (o->auto_failover >= 0) c->auto_failover = o->auto_failover;
}

int relationship_cmd_add(const struct keaha_config *cfg, const struct relationship_opts *o)
{
	struct status_opts so = { .timeout = 10, .state_dir = o->state_dir };
	struct plan_add_choices c;
	struct plan_result p = { 0 };
	struct side sd[2] = { { 0 } };
	struct model m;
	const char *names_in_use[64], *names[2];
	char hooks[KEA_URL_LEN], why[600], what[300];
	int code = EXIT_REFUSED, s[2];
	size_t nknown;

	model_init(&m);
	status_cmd_discover(cfg, &so, &m);
	s[0] = find_server(&m, cfg, o->primary);
	s[1] = find_server(&m, cfg, o->partner);
	if (s[0] < 0 || s[1] < 0) {
		fprintf(stderr, "keaha: unknown server %s (give a configured name or a URL)\n",
			s[0] < 0 ? o->primary : o->partner);
		model_free(&m);
		return EXIT_USAGE;
	}
	if (!read_side(&m, cfg, s[0], o->service, o->timeout, &sd[0], why, sizeof(why)) ||
	    !read_side(&m, cfg, s[1], o->service, o->timeout, &sd[1], why, sizeof(why))) {
		fprintf(stderr, "keaha: refused: %s\n", why);
		goto out;
	}
	read_other(&m, cfg, o->service, o->timeout, &sd[0]);
	read_other(&m, cfg, o->service, o->timeout, &sd[1]);
	names[0] = m.servers[s[0]].name;
	names[1] = m.servers[s[1]].name;
	hooks_dir(cfg, &sd[0], o->service, o->timeout, hooks, sizeof(hooks));
	add_choices(o, &m, s, sd, hooks, &c);
	known_names(&m, names_in_use, &nknown);
	c.known_names = names_in_use;
	c.nknown = nknown;
	if (!plan_add(&c, &p)) {
		fprintf(stderr, "keaha: refused: %s\n", p.refusal);
		say_siblings(&m, sd);
		goto out;
	}
	snprintf(what, sizeof(what), "add %s relationship %s (%s, %s primary, %s %s)", kea_service_label(o->service),
		 o->name, ha_mode_name(o->mode), names[0], names[1],
		 o->mode == HA_MODE_HOT_STANDBY ? "standby" : "secondary");
	print_plan(&p, names);
	code = 0;
	if (!o->dry_run)
		code = confirm(o->name, o->yes) ?
		       apply(o, what, sd, names, &p, TXN_EXPECT_HA_STATE, ha_state_normal(o->mode, HA_ROLE_PRIMARY),
			     plan_settle_seconds(c.heartbeat_delay, c.max_response_delay, 0)) : EXIT_REFUSED;
out:
	plan_result_free(&p);
	side_free(&sd[0]);
	side_free(&sd[1]);
	model_free(&m);
	return code;
}

int relationship_cmd_remove(const struct keaha_config *cfg, const struct relationship_opts *o)
{
	struct status_opts so = { .timeout = 10, .state_dir = o->state_dir };
	struct plan_remove_choices c = { .name = o->name, .scopes = o->scopes };
	struct plan_result p = { 0 };
	struct side sd[2] = { { 0 } };
	const struct relationship *r;
	struct model m;
	const char *names[2] = { "", "" };
	char why[600], what[300];
	int code = EXIT_REFUSED, ri, k = 0;

	model_init(&m);
	status_cmd_discover(cfg, &so, &m);
	ri = model_find_rel(&m, o->name);
	if (ri < 0) {
		fprintf(stderr, "keaha: no relationship named %s (see 'keaha relationship list')\n", o->name);
		model_free(&m);
		return EXIT_USAGE;
	}
	r = &m.rels[ri];
	c.service = r->service;
	for (int i = 0; i < r->npeers && k < 2; i++) {
		if (!ha_role_is_active(r->peer[i].role) || r->peer[i].server < 0)
			continue;
		if (!read_side(&m, cfg, r->peer[i].server, r->service, o->timeout, &sd[k], why, sizeof(why))) {
			fprintf(stderr, "keaha: refused: %s\n", why);
			goto out;
		}
		names[k] = r->peer[i].name;
		c.config[k] = sd[k].config;
		k++;
	}
	if (k < 2) {
		fprintf(stderr, "keaha: refused: the relationship's two active servers are not both known\n");
		goto out;
	}
	/* plan_remove uses the relationship's this-server-name or its keaha name. */
	c.name = r->conf.keaha_name[0] ? r->conf.keaha_name : r->conf.this_server_name;
	if (!plan_remove(&c, &p)) {
		fprintf(stderr, "keaha: refused: %s\n", p.refusal);
		goto out;
	}
	snprintf(what, sizeof(what), "remove relationship %s (secondary scopes: %s)", r->name,
		 o->scopes == PLAN_SCOPES_KEEP ? "keep" : o->scopes == PLAN_SCOPES_DISABLE ? "disable" : "delete");
	print_plan(&p, names);
	code = 0;
	if (!o->dry_run) {
		struct relationship_opts oo = *o;
		oo.service = r->service;
		code = confirm(r->name, o->yes) ?
		       apply(&oo, what, sd, names, &p, TXN_EXPECT_NO_HA, HA_STATE_UNKNOWN, PLAN_SETTLE_MIN) : EXIT_REFUSED;
	}
out:
	plan_result_free(&p);
	side_free(&sd[0]);
	side_free(&sd[1]);
	model_free(&m);
	return code;
}
