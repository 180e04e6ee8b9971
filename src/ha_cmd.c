/*
 * The steps of `keaha ha`, top to bottom: poll once, decide (action.c),
 * print the plan, confirm, send each command (txn_call, one private loop per
 * command), watch the expected states with status-get until they show or
 * the bound passes, and say what really happened. Kea's words are not taken
 * for the outcome: "The server is likely to be offline" often only means a
 * handler failed, so the server's own status-get decides which it was.
 */
#include "ha_cmd.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "events.h"
#include "status_cmd.h"
#include "txn.h"
#include "util.h"
#include "verdict.h"

#define WATCH_PAUSE_MS 500
#define LEASE_SLACK 2.0

/* What one command got. */
struct sent {
	char server[KEA_NAME_LEN];
	const char *command;
	int result;                  /* Kea's, -1 when no answer came */
	char text[400];
};

struct run {
	const struct keaha_config *cfg;
	const struct ha_cmd_opts *o;
	struct model m;
	const struct relationship *r;
	struct action_plan plan;
	struct sent sent[ACTION_MAX_STEPS];
	int nsent;
	char what[300];              /* "ha maintenance-start REL --peer X" */
	char outcome[700];
};

static const struct server_conf *conf_of(const struct keaha_config *cfg, const struct server *sv)
{
	for (int i = 0; i < cfg->nservers; i++)
		if (model_url_same(cfg->servers[i].url, sv->url))
			return &cfg->servers[i];
	for (int i = 0; i < cfg->nservers; i++)
		if (strcmp(cfg->servers[i].name, sv->name) == 0)
			return &cfg->servers[i];
	return NULL;
}

/* How to reach peer i: its management URL and the credentials of its [server] entry. */
static const struct server *peer_endpoint(const struct run *x, int i, struct endpoint_opts *ep,
					  bool *agent)
{
	int s = x->r->peer[i].server;
	const struct server *sv = s >= 0 ? &x->m.servers[s] : NULL;
	const struct server_conf *c = sv ? conf_of(x->cfg, sv) : NULL;

	memset(ep, 0, sizeof(*ep));
	if (!sv)
		return NULL;
	ep->url = sv->url;
	if (c) {
		ep->user = c->auth.user[0] ? c->auth.user : NULL;
		ep->password = c->password;
		ep->ca_file = c->auth.ca_file[0] ? c->auth.ca_file : NULL;
		ep->cert_file = c->auth.cert_file[0] ? c->auth.cert_file : NULL;
		ep->key_file = c->auth.key_file[0] ? c->auth.key_file : NULL;
	}
	*agent = sv->transport == TRANSPORT_AGENT;
	return sv;
}

static double step_timeout(const struct run *x, double want)
{
	return want > x->cfg->request_timeout ? want : x->cfg->request_timeout;
}

/* One command to peer i; Kea's result or -1; args out when asked. */
static int call(struct run *x, int i, const char *command, const cJSON *args, cJSON **out,
		char *text, size_t size, double timeout)
{
	struct endpoint_opts ep;
	bool agent = false;

	if (!peer_endpoint(x, i, &ep, &agent)) {
		snprintf(text, size, "no management URL for %s", x->r->peer[i].name);
		return -1;
	}
	return txn_call(&ep, agent, x->r->service, command, args, out, text, size,
			step_timeout(x, timeout));
}

/* Reads peer i's status-get into the model; false when it gave none. */
static bool refresh_status(struct run *x, int i)
{
	cJSON *args = NULL;
	struct kea_status st;
	char text[400], err[DECODE_ERR_LEN];
	int s = x->r->peer[i].server;
	bool ok = s >= 0 &&
		  call(x, i, "status-get", NULL, &args, text, sizeof(text), x->cfg->request_timeout) == 0 &&
		  args && decode_status(args, &st, err, sizeof(err));

	cJSON_Delete(args);
	if (s < 0)
		return false;
	if (ok)
		model_apply_status(&x->m, s, x->r->service, &st, util_wallclock());
	else
		model_daemon_fault(&x->m, s, x->r->service, FAULT_OTHER, text, util_wallclock());
	return ok;
}

/* The peer ha-sync fetched from: its "server-name". */
static int find_source(const struct run *x)
{
	for (int i = 0; i < x->r->npeers; i++)
		if (strcmp(x->r->peer[i].name, x->plan.step[0].server_name) == 0)
			return i;
	return -1;
}

/*
 * After a failed command: whether the server itself is fine. Kea says "likely
 * to be offline" when the daemon is gone, when only the command's handler
 * threw (README section 1), and when the command had to reach another server
 * that did not answer (ha-sync relays the partner's agent's words).
 */
static void explain_failure(struct run *x, int i, const struct sent *s)
{
	enum kea_forward_error fe = s->result >= 0 ? decode_forward_error(s->text) : KEA_FWD_NONE;
	struct peer_view v;
	int src;

	if (!refresh_status(x, i)) {
		printf("  %s does not answer status-get either: the server itself is down or unreachable\n",
		       s->server);
		return;
	}
	model_peer_view(&x->m, x->r, i, &v);
	printf("  %s still answers status-get (%s): it is running%s%s\n", s->server,
	       v.status ? ha_state_name(v.state) : "no HA", fe == KEA_FWD_NONE ? "" :
	       "; Kea's \"likely to be offline\" is not about it: ",
	       fe == KEA_FWD_NONE ? "" : fe == KEA_FWD_HANDLER_FAILED ? "only the command's handler failed" :
	       "it is about a server the command had to reach");
	if (strcmp(s->command, "ha-sync") != 0 || (src = find_source(x)) < 0)
		return;
	printf("  %s, the partner it fetches from, %s\n", x->r->peer[src].name, refresh_status(x, src) ?
	       "answers status-get: it refused or failed the sync" :
	       "does not answer status-get: it went down since keaha looked");
}

/* The configuration about to be re-applied, kept in $STATE/backups (0600: it holds secrets). */
static void keep_original(const struct run *x, const char *server, const cJSON *config)
{
	char dir[600], path[800], stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	char *text;
	int fd;

	if (!x->o->state_dir)
		return;
	snprintf(dir, sizeof(dir), "%s/backups", x->o->state_dir);
	if (!util_mkdirs(dir))
		return;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(path, sizeof(path), "%s/%s-%s-%s-recover.json", dir, stamp, server,
		 kea_service_name(x->r->service));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	text = cJSON_Print(config);
	if (fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text))
		printf("  %s: its running configuration kept in %s\n", server, path);
	if (fd >= 0)
		close(fd);
	cJSON_free(text);
}

/* config-set of the peer's own config-get: the way out of terminated, runtime changes kept. */
static int reapply(struct run *x, const struct action_step *st, struct sent *s)
{
	cJSON *config = NULL;
	int rc = call(x, st->peer, "config-get", NULL, &config, s->text, sizeof(s->text), st->timeout);

	if (rc == 0 && config)
		keep_original(x, x->r->peer[st->peer].name, config);
	if (rc == 0 && config)
		rc = call(x, st->peer, "config-set", config, NULL, s->text, sizeof(s->text), st->timeout);
	else if (rc == 0)
		snprintf(s->text, sizeof(s->text), "config-get gave no configuration");
	cJSON_Delete(config);
	return rc == 0 && !config ? -1 : rc;
}

/* Sends every step in order; stops at the first failure. True when all succeeded. */
static bool send_steps(struct run *x)
{
	for (int k = 0; k < x->plan.nsteps; k++) {
		const struct action_step *st = &x->plan.step[k];
		struct sent *s = &x->sent[x->nsent++];
		cJSON *args = action_step_args(st);

		strlcpy_(s->server, x->r->peer[st->peer].name, sizeof(s->server));
		s->command = st->command;
		s->result = st->reapply_config ? reapply(x, st, s) :
			    call(x, st->peer, st->command, args, NULL, s->text, sizeof(s->text), st->timeout);
		cJSON_Delete(args);
		printf("  %s: %s%s: %s\n", s->server, s->command, st->reapply_config ?
		       " (its own running configuration)" : "", s->result == 0 ? "ok" : "FAILED");
		if (s->text[0])
			printf("    Kea: %s\n", s->text);
		if (s->result == KEA_RESULT_PARTIAL)
			printf("    result 5: the configuration may be partly changed: verify %s\n", s->server);
		if (s->result != 0) {
			explain_failure(x, st->peer, s);
			snprintf(x->outcome, sizeof(x->outcome), "%s failed on %s: %s", s->command, s->server,
				 s->result < 0 ? "no answer" : s->text);
			return false;
		}
	}
	return true;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Whether every expectation holds now; what each peer shows goes to line. */
static bool all_met(struct run *x, char *line, size_t size)
{
	bool all = true;
	size_t len = 0;

	line[0] = '\0';
	for (int k = 0; k < x->plan.nexpect; k++) {
		const struct action_expect *e = &x->plan.expect[k];
		char state[64];
		bool met;
		refresh_status(x, e->peer);
		met = action_expect_met(&x->m, x->r, e, state, sizeof(state));
		all = all && met;
		if (len + 2 < size)
			len += (size_t)snprintf(line + len, size - len, "%s%s %s%s", k ? ", " : "",
						x->r->peer[e->peer].name, state, met ? "" : e->leave ?
						" (should have left it)" : " (expected ");
		if (!met && !e->leave && len + 2 < size)
			len += (size_t)snprintf(line + len, size - len, "%s)", ha_state_name(e->state));
	}
	return all;
}

/* The bounded watch: the plan's settle time, polled every half second. */
static bool watch(struct run *x)
{
	double start = util_monotonic();
	int rounds = (int)(x->plan.settle * 1000 / WATCH_PAUSE_MS) + 1;
	char line[500];

	for (int i = 0; i < rounds && util_monotonic() - start <= x->plan.settle; i++) {
		if (all_met(x, line, sizeof(line))) {
			snprintf(x->outcome, sizeof(x->outcome), "reached after %.1f s: %s",
				 util_monotonic() - start, line);
			return true;
		}
		sleep_ms(WATCH_PAUSE_MS);
	}
	all_met(x, line, sizeof(line));
	snprintf(x->outcome, sizeof(x->outcome), "not reached within %.0f s: %s", x->plan.settle, line);
	return false;
}

/* Leases peer i holds, counted in its lease database (stat_cmds); false when unknown. */
static bool lease_count(struct run *x, int i, double *n)
{
	int s = x->r->peer[i].server;
	const struct daemon *d = s >= 0 ? &x->m.servers[s].d[x->r->service] : NULL;
	struct kea_pool_usage u;
	cJSON *args = NULL;
	char text[200];
	bool ok;

	if (!d || !d->has_config || !d->config.has_stat_cmds_hook)
		return false;
	ok = call(x, i, x->r->service == KEA_DHCP4 ? "stat-lease4-get" : "stat-lease6-get", NULL, &args,
		  text, sizeof(text), x->cfg->request_timeout) == 0 &&
	     decode_lease_stats(args, x->r->service, &u);
	cJSON_Delete(args);
	*n = ok ? u.assigned : 0;
	return ok;
}

/* Where the acted-on peer got its leases from: ha-sync's server-name, or ha-reset's partner. */
static int lease_source(const struct run *x)
{
	int t = x->plan.step[0].peer;

	if (x->o->action != HA_ACTION_RESET)
		return find_source(x);
	for (int i = 0; i < x->r->npeers; i++)
		if (i != t && ha_role_is_active(x->r->peer[i].role))
			return i;
	return -1;
}

/* After ha-sync or ha-reset: the resynced server must hold what its source holds. */
static bool check_leases(struct run *x)
{
	const struct action_step *st = &x->plan.step[0];
	int src = lease_source(x);
	double have, want;

	if (src < 0 || !lease_count(x, st->peer, &have) || !lease_count(x, src, &want))
		return true;
	printf("  %s now holds %.0f leases, %s %.0f\n", x->r->peer[st->peer].name, have,
	       x->r->peer[src].name, want);
	if (have + LEASE_SLACK >= want) {
		size_t len = strlen(x->outcome);
		snprintf(x->outcome + len, sizeof(x->outcome) - len, "; %s holds %.0f leases, %s %.0f",
			 x->r->peer[st->peer].name, have, x->r->peer[src].name, want);
		return true;
	}
	snprintf(x->outcome, sizeof(x->outcome), "%s still holds %.0f leases fewer than %s",
		 x->r->peer[st->peer].name, want - have, x->r->peer[src].name);
	return false;
}

static void print_plan(const struct run *x)
{
	const struct action_plan *p = &x->plan;

	printf("Plan for %s:\n", x->r->name);
	for (int k = 0; k < p->nsteps; k++) {
		cJSON *args = action_step_args(&p->step[k]);
		char *text = args ? cJSON_PrintUnformatted(args) : NULL;
		printf("  send %s to %s%s%s\n", p->step[k].command, x->r->peer[p->step[k].peer].name,
		       p->step[k].reapply_config ? " with its own running configuration (from config-get)" :
		       text ? " with " : "", text ? text : "");
		cJSON_free(text);
		cJSON_Delete(args);
	}
	printf("What happens: %s\n", p->effect);
	if (p->warning[0])
		printf("Warning: %s\n", p->warning);
	printf("Expected afterwards (watched for up to %.0f s):", p->settle);
	for (int k = 0; k < p->nexpect; k++)
		printf("%s %s %s%s", k ? "," : "", x->r->peer[p->expect[k].peer].name,
		       p->expect[k].leave ? "leaves " : "", ha_state_name(p->expect[k].state));
	printf("\n");
}

/* Asks on a terminal for the relationship's name; refuses without one. */
static bool confirm(const struct run *x)
{
	char line[256];

	if (x->o->yes)
		return true;
	if (!isatty(STDIN_FILENO)) {
		fprintf(stderr, "keaha: refused: not a terminal: give --yes to act, or --dry-run to see "
			"the plan; nothing was sent\n");
		return false;
	}
	printf("Type the relationship's name (%s) to go ahead: ", x->r->name);
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return false;
	line[strcspn(line, "\n")] = '\0';
	if (strcmp(line, x->r->name) == 0)
		return true;
	fprintf(stderr, "keaha: not confirmed: nothing was sent\n");
	return false;
}

/* One JSON line per action sent, in $STATE/audit.log (0600), as relationship changes are. */
static void audit(const struct run *x, const char *result)
{
	cJSON *j = audit_entry(x->what), *cmds;

	cJSON_AddStringToObject(j, "effect", x->plan.effect);
	cmds = cJSON_AddArrayToObject(j, "commands");
	for (int k = 0; k < x->nsent; k++) {
		cJSON *c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "server", x->sent[k].server);
		cJSON_AddStringToObject(c, "command", x->sent[k].command);
		cJSON_AddNumberToObject(c, "result", x->sent[k].result);
		cJSON_AddStringToObject(c, "text", x->sent[k].text);
		cJSON_AddItemToArray(cmds, c);
	}
	cJSON_AddStringToObject(j, "result", result);
	cJSON_AddStringToObject(j, "message", x->outcome);
	audit_append(x->o->state_dir, j);
}

/* The action on the event timeline (--events FILE), as `keaha watch` records changes. */
static void record_event(const struct run *x, bool ok)
{
	struct events ev;
	struct event e = { .time = util_wallclock(), .kind = EVENT_ACTION, .bad = !ok };
	char err[200];

	if (!x->o->events_file)
		return;
	events_init(&ev, 1);
	if (events_open_file(&ev, x->o->events_file, err, sizeof(err))) {
		strlcpy_(e.subject, x->r->name, sizeof(e.subject));
		strlcpy_(e.relationship, x->r->name, sizeof(e.relationship));
		strlcpy_(e.from, action_name(x->o->action), sizeof(e.from));
		strlcpy_(e.to, ok ? "done" : "failed", sizeof(e.to));
		snprintf(e.text, sizeof(e.text), "%s: %s", x->what, x->outcome);
		events_add(&ev, &e);
	} else {
		fprintf(stderr, "keaha: %s\n", err);
	}
	events_free(&ev);
}

/*
 * ha-continue answers result 0 both when it resumed a pause and when there
 * was none ("HA state machine is not paused."): the second is no success,
 * whatever the states then show.
 */
static bool was_paused(struct run *x)
{
	if (x->o->action != HA_ACTION_CONTINUE || x->nsent < 1 || !strstr(x->sent[0].text, "not paused"))
		return true;
	snprintf(x->outcome, sizeof(x->outcome), "%s was not paused, Kea says: nothing changed",
		 x->sent[0].server);
	return false;
}

/* Sends, watches, reports; the exit status. */
static int act(struct run *x)
{
	bool ok;

	printf("Sending:\n");
	ok = send_steps(x) && was_paused(x);
	if (ok)
		ok = watch(x);
	if (ok && (x->o->action == HA_ACTION_SYNC_LEASES || x->o->action == HA_ACTION_RESET))
		ok = check_leases(x);
	printf("%s: %s\n", ok ? "Done" : "NOT done", x->outcome);
	audit(x, ok ? "done" : x->nsent && x->sent[x->nsent - 1].result != 0 ? "failed" : "not reached");
	record_event(x, ok);
	return ok ? HA_CMD_EXIT_DONE : HA_CMD_EXIT_FAILED;
}

/*
 * continue on a pause not proven yet (the state was seen once, and Kea may
 * be about to leave it): watch the peer as long as Kea would take to move
 * on by itself, then decide again on what was seen. Bounded by the plan's
 * watch, itself bounded by the relationship's timings.
 */
static void watch_pause(struct run *x)
{
	double start = util_monotonic(), wait = x->plan.watch + 1.0;
	int t = x->plan.target, rounds = (int)(wait * 1000 / WATCH_PAUSE_MS) + 1;
	struct peer_view v;
	enum ha_state was;

	if (x->plan.kind != ACTION_PLAN || x->plan.watch <= 0 || t < 0)
		return;
	model_peer_view(&x->m, x->r, t, &v);
	was = v.state;
	printf("%s is in %s, a state its configuration pauses in; unless paused, Kea leaves it within "
	       "%.0f s: watching it for up to %.0f s before deciding\n", x->r->peer[t].name,
	       ha_state_name(was), x->plan.watch, wait);
	for (int i = 0; i < rounds && util_monotonic() - start <= wait; i++) {
		sleep_ms(WATCH_PAUSE_MS);
		refresh_status(x, t);
		model_peer_view(&x->m, x->r, t, &v);
		if (v.state != was)
			break;
		action_decide(&x->m, x->r, x->o->action, x->o->peer, util_wallclock(), &x->plan);
		if (x->plan.kind != ACTION_PLAN || x->plan.watch <= 0)
			break;
	}
	if (v.state != was)
		printf("%s moved on from %s to %s while keaha watched: it was not paused there\n",
		       x->r->peer[t].name, ha_state_name(was), v.status ? ha_state_name(v.state) :
		       reach_name(v.reach));
	action_decide(&x->m, x->r, x->o->action, x->o->peer, util_wallclock(), &x->plan);
}

static int decided(struct run *x)
{
	const struct verdict *v = &x->r->verdict;

	printf("%s: %s (%s)\n", x->r->name, rel_status_label(v->status), v->reason);
	watch_pause(x);
	if (x->plan.kind == ACTION_USAGE) {
		fprintf(stderr, "keaha: %s; nothing was sent\n", x->plan.refusal);
		return HA_CMD_EXIT_USAGE;
	}
	if (x->plan.kind == ACTION_REFUSED) {
		printf("Refused: %s\nNothing was sent.\n", x->plan.refusal);
		return HA_CMD_EXIT_REFUSED;
	}
	print_plan(x);
	if (x->o->dry_run) {
		printf("Dry run: nothing was sent.\n");
		return HA_CMD_EXIT_DONE;
	}
	return confirm(x) ? act(x) : HA_CMD_EXIT_REFUSED;
}

int ha_cmd_run(const struct keaha_config *cfg, const struct ha_cmd_opts *o)
{
	struct status_opts so = { .timeout = o->timeout, .state_dir = o->state_dir };
	struct run *x;
	int ri, code;

	if (o->readonly) {
		fprintf(stderr, "keaha: refused: --readonly: no action changes a server; nothing was sent\n");
		return HA_CMD_EXIT_REFUSED;
	}
	x = xcalloc(1, sizeof(*x));
	x->cfg = cfg;
	x->o = o;
	model_init(&x->m);
	status_cmd_discover(cfg, &so, &x->m);
	ri = model_find_rel(&x->m, o->relationship);
	if (ri < 0) {
		fprintf(stderr, "keaha: no relationship named %s (see 'keaha relationship list')\n",
			o->relationship);
		code = HA_CMD_EXIT_USAGE;
	} else {
		x->r = &x->m.rels[ri];
		snprintf(x->what, sizeof(x->what), "ha %s %s%s%s", action_name(o->action), x->r->name,
			 o->peer ? " --peer " : "", o->peer ? o->peer : "");
		action_decide(&x->m, x->r, o->action, o->peer, util_wallclock(), &x->plan);
		code = decided(x);
	}
	model_free(&x->m);
	free(x);
	return code;
}
