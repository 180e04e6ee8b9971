/*
 * A round is a walk over a fixed list of steps (probe, version, config per
 * service, status, heartbeat per service and relationship, statistics per
 * service); each step asks whether it applies now, so what a reply taught
 * (the services behind an agent, a hub's relationships) shapes the rest of
 * the same round. A transport failure ends the round and backs off.
 */
#include "poller.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "discovery.h"
#include "replica.h"
#include "transport.h"
#include "util.h"

#define SMALL_REPLY (1u << 20)        /* status, heartbeat, version */
#define LARGE_REPLY (64u << 20)       /* config-get of a big server */
#define STATS_REPLY (16u << 20)
#define MAX_BACKOFF 4                 /* intervals */
#define REDISCOVER_MS 100             /* configurations gathered before one rebuild */
#define NOTIFY_GAP_MS 20              /* continuous mode: at most one update callback per gap */

enum step_kind { STEP_PROBE, STEP_VERSION, STEP_HASH, STEP_CONFIG, STEP_STATUS, STEP_HEARTBEAT,
		 STEP_STATS, STEP_END };

/*
 * Positions: probe, version, config hash x2, config x2, status, heartbeat
 * x2xHA_MAX_RELS, stats x2. The hash comes before config-get so that a
 * changed one is read again in the same round.
 */
#define POS_HASH 2
#define POS_CONFIG (POS_HASH + KEA_SERVICE_COUNT)
#define POS_STATUS (POS_CONFIG + KEA_SERVICE_COUNT)
#define POS_HEARTBEAT (POS_STATUS + 1)
#define POS_STATS (POS_HEARTBEAT + KEA_SERVICE_COUNT * HA_MAX_RELS)
#define POS_END (POS_STATS + KEA_SERVICE_COUNT)

struct step {
	enum step_kind kind;
	enum kea_service svc;
	int ha_index;
};

struct target {
	struct poller *p;
	int server;
	struct endpoint *ep;
	uv_timer_t timer;
	int pos;                /* next position in the round */
	struct step cur;
	bool running;
	bool done_once;
	bool given_up;
	bool round_failed;
	int fails;
	double last_stats;
	bool want_stats;
	double last_hb;
	bool want_hb;
	enum kea_service asked[KEA_SERVICE_COUNT]; /* services of the status-get in flight */
	int nasked;
};

struct poller {
	uv_loop_t *loop;
	struct model *m;
	const struct keaha_config *cfg;
	struct poller_opts o;
	struct transport *t;
	struct target **targets;   /* parallel to m->servers */
	int ntargets;
	uint64_t started_ms;
	bool stopped;
	uv_timer_t *rediscover;    /* pending discovery rebuild (own allocation: closed after free) */
	bool rediscover_pending;
	uv_timer_t *notifier;      /* a deferred update callback (own allocation too) */
	bool notify_pending;
	uint64_t last_notify;      /* loop time of the last update callback */
	poller_update_fn fn;
	void *ctx;
};

static void start_round(struct target *t);
static void run_next(struct target *t);

static double now_wall(void)
{
	return util_wallclock();
}

static void call_back(struct poller *p)
{
	p->last_notify = uv_now(p->loop);
	if (p->fn)
		p->fn(p->ctx);
}

static void on_notifier(uv_timer_t *timer)
{
	struct poller *p = timer->data;

	p->notify_pending = false;
	call_back(p);
}

/*
 * The model changed: tell the view. In continuous mode at most once per
 * NOTIFY_GAP_MS, the replies in between already applied: what a view does
 * after an update (verdicts, drift, events) then runs some 50 times a second
 * however many servers answer (5,000 servers: 5,500 replies a second, and a
 * failover touches all of them within one interval). One-shot runs are told
 * at once.
 */
static void notify(struct poller *p)
{
	uint64_t since = uv_now(p->loop) - p->last_notify;

	if (p->o.once || since >= NOTIFY_GAP_MS) {
		if (!p->notify_pending)
			call_back(p);
		return;
	}
	if (p->notify_pending || p->stopped)
		return;
	p->notify_pending = true;
	uv_timer_start(p->notifier, on_notifier, NOTIFY_GAP_MS - since, 0);
}

static uint64_t interval_ms(const struct poller *p)
{
	return (uint64_t)(p->o.interval * 1000.0);
}

static void on_timer(uv_timer_t *timer)
{
	start_round(timer->data);
}

/*
 * Rounds run at a fixed rate on a grid of POLLER_SLOT_MS slots: each target keeps
 * its phase (staggered over the interval, so not every transfer is in flight
 * at once) but targets sharing a slot start together, so one loop wake-up
 * serves tens of them. Waking once per request costs twice as much CPU per
 * request at 1,000 servers (bench/RESULTS.md). A round that ends late is not
 * followed by one within a quarter interval: a slow server is polled less.
 */
uint64_t poller_phase_ms(int index, uint64_t interval_ms)
{
	uint64_t ph;

	if (interval_ms == 0 || index < 0)
		return 0;
	ph = (uint64_t)index * 7919u % interval_ms;
	return interval_ms > POLLER_SLOT_MS ? ph - ph % POLLER_SLOT_MS : ph;
}

uint64_t poller_slot_delay(uint64_t now, uint64_t base, uint64_t interval_ms, unsigned intervals)
{
	uint64_t next = base;

	if (interval_ms == 0)
		return 0;
	if (now >= base)
		next = base + ((now - base) / interval_ms + 1) * interval_ms;
	while (next - now < interval_ms / 4)
		next += interval_ms;
	return next - now + (uint64_t)(intervals > 1 ? intervals - 1 : 0) * interval_ms;
}

static uint64_t phase_ms(const struct poller *p, int index)
{
	if (p->o.once || p->ntargets <= 1)
		return 0;
	return poller_phase_ms(index, interval_ms(p));
}

/* From now to the target's next slot, then intervals - 1 more intervals (back-off). */
static uint64_t until_next_slot(const struct poller *p, int index, unsigned intervals)
{
	return poller_slot_delay(uv_now(p->loop), p->started_ms + phase_ms(p, index), interval_ms(p),
				 intervals);
}

static void add_target(struct poller *p, int s)
{
	const struct server *sv = &p->m->servers[s];
	/* Configured servers are the model's first ones, in order: found at once, not by a search
	 * (a search per server made starting 5,000 of them quadratic). */
	const struct server_conf *c = s < p->cfg->nservers && model_url_same(p->cfg->servers[s].url, sv->url) ?
				      &p->cfg->servers[s] : config_server_by_url(p->cfg, sv->url);
	struct endpoint_opts eo;
	struct target *t = xcalloc(1, sizeof(*t));

	config_server_endpoint_opts(c, sv->url, &eo);
	if (c)
		p->m->servers[s].transport_conf = c->transport;
	t->p = p;
	t->server = s;
	t->ep = transport_endpoint_new(p->t, &eo);
	uv_timer_init(p->loop, &t->timer);
	t->timer.data = t;
	p->targets = xrealloc(p->targets, (size_t)(p->ntargets + 1) * sizeof(*p->targets));
	p->targets[p->ntargets++] = t;
	if (p->started_ms && !p->stopped)
		uv_timer_start(&t->timer, on_timer, until_next_slot(p, s, 1), 0);
}

/* Every server of the model gets a target: discovery may have added some. */
static void sync_targets(struct poller *p)
{
	while (p->ntargets < p->m->nservers)
		add_target(p, p->ntargets);
}

struct poller *poller_new(uv_loop_t *loop, struct model *m, const struct keaha_config *cfg,
			  const struct poller_opts *o)
{
	struct poller *p = xcalloc(1, sizeof(*p));

	p->loop = loop;
	p->m = m;
	p->cfg = cfg;
	p->o = *o;
	p->t = transport_new(loop);
	p->rediscover = xcalloc(1, sizeof(*p->rediscover));
	uv_timer_init(loop, p->rediscover);
	p->rediscover->data = p;
	p->notifier = xcalloc(1, sizeof(*p->notifier));
	uv_timer_init(loop, p->notifier);
	p->notifier->data = p;
	return p;
}

static void on_rediscover(uv_timer_t *timer)
{
	struct poller *p = timer->data;

	p->rediscover_pending = false;
	if (discovery_rebuild(p->m))
		sync_targets(p);
	notify(p);
}

/*
 * A configuration arrived: rebuild the relationships soon, once for all that
 * arrive meanwhile. A rebuild reads every server's configuration, so one per
 * config-get made start-up quadratic (1,000 servers: 1,000 rebuilds).
 */
static void want_rediscover(struct poller *p)
{
	if (p->rediscover_pending || p->stopped)
		return;
	p->rediscover_pending = true;
	uv_timer_start(p->rediscover, on_rediscover, p->o.once ? 0 : REDISCOVER_MS, 0);
}

void poller_on_update(struct poller *p, poller_update_fn fn, void *ctx)
{
	p->fn = fn;
	p->ctx = ctx;
}

void poller_start(struct poller *p)
{
	p->started_ms = uv_now(p->loop);
	if (p->started_ms == 0)
		p->started_ms = 1;
	sync_targets(p);
	for (int i = 0; i < p->ntargets; i++)
		uv_timer_start(&p->targets[i]->timer, on_timer, phase_ms(p, i), 0);
}

void poller_refresh(struct poller *p)
{
	for (int i = 0; i < p->ntargets; i++)
		if (!p->targets[i]->running && !p->targets[i]->given_up)
			start_round(p->targets[i]);
}

void poller_rediscover(struct poller *p)
{
	for (int s = 0; s < p->m->nservers; s++)
		for (int k = 0; k < KEA_SERVICE_COUNT; k++)
			if (p->m->servers[s].d[k].present)
				p->m->servers[s].d[k].config_wanted = true;
	poller_refresh(p);
}

bool poller_done(const struct poller *p)
{
	if (p->ntargets < p->m->nservers || p->rediscover_pending)
		return false;
	for (int i = 0; i < p->ntargets; i++)
		if (!p->targets[i]->done_once && !p->targets[i]->given_up)
			return false;
	return true;
}

static double remaining_s(const struct poller *p)
{
	double spent = (double)(uv_now(p->loop) - p->started_ms) / 1000.0;

	return p->o.deadline > 0 ? p->o.deadline - spent : 1e9;
}

/* Whether a position of the round applies now; fills the step. */
static bool step_at(const struct target *t, int pos, struct step *s)
{
	const struct server *sv = &t->p->m->servers[t->server];
	const struct daemon *d;

	memset(s, 0, sizeof(*s));
	if (pos == 0) {
		s->kind = STEP_PROBE;
		return !sv->probed;
	}
	if (pos == 1) {
		s->kind = STEP_VERSION;
		return sv->probed && !sv->version[0] && !sv->ha_listener_only;
	}
	if (pos < POS_CONFIG) {
		/* Kea 3: a hash is cheaper than status-get's reload and never wrong. */
		s->kind = STEP_HASH;
		s->svc = (enum kea_service)(pos - POS_HASH);
		d = &sv->d[s->svc];
		return d->present && !sv->ha_listener_only && !d->config_wanted &&
		       model_watches_hash(d);
	}
	if (pos < POS_STATUS) {
		s->kind = STEP_CONFIG;
		s->svc = (enum kea_service)(pos - POS_CONFIG);
		d = &sv->d[s->svc];
		return d->present && !sv->ha_listener_only && (d->config_wanted || !d->has_config);
	}
	if (pos == POS_STATUS) {
		s->kind = STEP_STATUS;
		return sv->probed;
	}
	if (pos < POS_STATS) {
		s->kind = STEP_HEARTBEAT;
		s->svc = (enum kea_service)((pos - POS_HEARTBEAT) / HA_MAX_RELS);
		s->ha_index = (pos - POS_HEARTBEAT) % HA_MAX_RELS;
		d = &sv->d[s->svc];
		return t->want_hb && d->reach == REACH_OK && d->has_status && s->ha_index < d->status.nrels;
	}
	s->kind = STEP_STATS;
	s->svc = (enum kea_service)(pos - POS_STATS);
	d = &sv->d[s->svc];
	/* An HA-only listener forbids statistic-get-all (403). */
	return t->want_stats && d->reach == REACH_OK && !sv->ha_listener_only;
}

static const char *command_of(enum step_kind k)
{
	static const char *const names[] = { "config-get", "version-get", "config-hash-get",
					     "config-get", "status-get", "ha-heartbeat",
					     "statistic-get-all" };
	return names[k];
}

/*
 * Lease counts: from the lease database (stat_cmds) where the hook is loaded,
 * since statistic-get-all misses the leases ha-sync brings; else the counters.
 */
static const char *stats_command(const struct server *sv, enum kea_service svc)
{
	const struct daemon *d = &sv->d[svc];

	if (d->has_config && d->config.has_stat_cmds_hook)
		return svc == KEA_DHCP4 ? "stat-lease4-get" : "stat-lease6-get";
	return "statistic-get-all";
}

/* The JSON for a step: agents get "service", direct daemons do not need it. */
static char *build_request(struct target *t, const struct step *s)
{
	const struct server *sv = &t->p->m->servers[t->server];
	bool agent = sv->transport == TRANSPORT_AGENT;
	struct sbuf b;

	/* Plain concatenation: this runs for every request (a printf was 3 % of the CPU, bench/). */
	sbuf_init(&b);
	sbuf_puts(&b, "{\"command\":\"");
	sbuf_puts(&b, s->kind == STEP_STATS ? stats_command(sv, s->svc) : command_of(s->kind));
	sbuf_puts(&b, "\"");
	t->nasked = 0;
	if (agent && s->kind == STEP_STATUS) {
		sbuf_puts(&b, ",\"service\":[");
		for (int i = 0; i < KEA_SERVICE_COUNT; i++) {
			if (!sv->d[i].present)
				continue;
			sbuf_puts(&b, t->nasked ? ",\"" : "\"");
			sbuf_puts(&b, kea_service_name((enum kea_service)i));
			sbuf_puts(&b, "\"");
			t->asked[t->nasked++] = (enum kea_service)i;
		}
		sbuf_puts(&b, "]");
	} else if (agent && s->kind != STEP_PROBE && s->kind != STEP_VERSION) {
		sbuf_puts(&b, ",\"service\":[\"");
		sbuf_puts(&b, kea_service_name(s->svc));
		sbuf_puts(&b, "\"]");
	}
	if (s->kind == STEP_STATUS && !agent)
		for (int i = 0; i < KEA_SERVICE_COUNT; i++)
			if (sv->d[i].present)
				t->asked[t->nasked++] = (enum kea_service)i;
	if (s->kind == STEP_HEARTBEAT && sv->d[s->svc].status.nrels > 1) {
		cJSON *name = cJSON_CreateString(sv->d[s->svc].status.rel[s->ha_index].local.server_name);
		char *q = cJSON_PrintUnformatted(name);
		sbuf_printf(&b, ",\"arguments\":{\"server-name\":%s}", q);
		cJSON_free(q);
		cJSON_Delete(name);
	}
	sbuf_puts(&b, "}");
	return sbuf_take(&b);
}

static size_t max_reply(enum step_kind k)
{
	if (k == STEP_PROBE || k == STEP_CONFIG)
		return LARGE_REPLY;
	return k == STEP_STATS ? STATS_REPLY : SMALL_REPLY;
}

static void finish_round(struct target *t)
{
	struct poller *p = t->p;
	struct server *sv = &p->m->servers[t->server];
	unsigned intervals = 1;

	t->running = false;
	t->done_once = true;
	if (t->round_failed) {
		t->fails++;
		intervals = t->fails < 2 ? 1 : t->fails < 3 ? 2 : MAX_BACKOFF;
		if (p->o.once)
			t->given_up = true;
	} else {
		t->fails = 0;
		sv->last_round = now_wall();
	}
	if (t->want_stats)
		t->last_stats = now_wall();
	if (t->want_hb)
		t->last_hb = now_wall();
	if (!p->o.once && !p->stopped)
		uv_timer_start(&t->timer, on_timer, until_next_slot(p, t->server, intervals), 0);
	notify(p);
}

static enum fault fault_of_transport(enum transport_error e)
{
	switch (e) {
	case TRANSPORT_REFUSED: return FAULT_REFUSED;
	case TRANSPORT_TIMEOUT: return FAULT_TIMEOUT;
	case TRANSPORT_DNS: return FAULT_DNS;
	case TRANSPORT_TLS: return FAULT_TLS;
	case TRANSPORT_TOO_LARGE: return FAULT_TOO_LARGE;
	case TRANSPORT_EMPTY:
	case TRANSPORT_PROTOCOL:
	case TRANSPORT_CUT: return FAULT_MALFORMED;
	default: return FAULT_OTHER;
	}
}

/* A reply that says nothing about the daemons: the round ends here. */
static void endpoint_failed(struct target *t, enum fault f, const char *msg)
{
	struct poller *p = t->p;

	model_endpoint_fault(p->m, t->server, f, msg, now_wall());
	/* A configured server that fails no longer holds back peers waiting for it. */
	if (discovery_has_unmapped(p->m))
		want_rediscover(p);
	t->round_failed = true;
	finish_round(t);
}

/*
 * A Kea 3 HA listener (a peer's HA url) refuses config-get with 403 but
 * answers status-get and ha-heartbeat: keep watching through it, for the
 * services its relationships name, and say it cannot be managed.
 */
static void use_ha_listener(struct target *t)
{
	struct model *m = t->p->m;
	struct server *sv = &m->servers[t->server];
	bool services[KEA_SERVICE_COUNT] = { false };

	for (int i = 0; i < m->nrels; i++)
		for (int k = 0; k < m->rels[i].npeers; k++)
			if (m->rels[i].peer[k].server == t->server)
				services[m->rels[i].service] = true;
	sv->ha_listener_only = true;
	snprintf(sv->note, sizeof(sv->note), "%s is an HA-only listener (HTTP 403 to config-get): "
		 "watched, not managed; add a [server %s] entry with its management URL",
		 sv->url, sv->name);
	model_set_endpoint(m, t->server, TRANSPORT_DIRECT, services, now_wall());
	for (int i = 0; i < KEA_SERVICE_COUNT; i++)
		sv->d[i].config_wanted = false;
}

static bool check_http(struct target *t, const struct transport_reply *r)
{
	char msg[MODEL_ERR_LEN];

	if (r->error != TRANSPORT_OK) {
		if (r->error == TRANSPORT_REFUSED || r->error == TRANSPORT_TIMEOUT)
			strlcpy_(msg, transport_error_text(r->error), sizeof(msg));
		else
			snprintf(msg, sizeof(msg), "%s: %.150s", transport_error_text(r->error), r->message);
		endpoint_failed(t, fault_of_transport(r->error), msg);
		return false;
	}
	if (r->http_status == 200)
		return true;
	if (r->http_status == 403 && t->cur.kind == STEP_PROBE) {
		use_ha_listener(t);
		run_next(t);
		return false;
	}
	if (r->http_status == 403 && t->p->m->servers[t->server].ha_listener_only) {
		run_next(t); /* a command the HA listener does not allow: skip it */
		return false;
	}
	if (r->http_status == 401)
		endpoint_failed(t, FAULT_AUTH, "HTTP 401: authentication failed (check user and password-file)");
	else if (r->http_status == 403)
		endpoint_failed(t, FAULT_HA_LISTENER, "HTTP 403: this URL is an HA-only listener; "
				"configure the server's management URL");
	else {
		snprintf(msg, sizeof(msg), "HTTP %ld", r->http_status);
		endpoint_failed(t, FAULT_HTTP, msg);
	}
	return false;
}

/* A Kea error answer for one daemon, in the model's words. */
static void daemon_error(struct target *t, enum kea_service svc, const struct kea_answer *a)
{
	struct model *m = t->p->m;
	double now = now_wall();

	if (a->result == KEA_RESULT_PARTIAL) {
		model_daemon_fault(m, t->server, svc, FAULT_PARTIAL, a->text, now);
		return;
	}
	switch (decode_forward_error(a->text)) {
	case KEA_FWD_NOT_RUNNING:
		model_daemon_fault(m, t->server, svc, FAULT_NOT_RUNNING, a->text, now);
		break;
	case KEA_FWD_HUNG:
		model_daemon_fault(m, t->server, svc, FAULT_HUNG, a->text, now);
		break;
	case KEA_FWD_NOT_CONFIGURED:
		m->servers[t->server].d[svc].present = false;
		model_touch(m, t->server);
		break;
	default:
		model_daemon_fault(m, t->server, svc, FAULT_KEA_ERROR, a->text, now);
	}
}

/* Keeps the replicated part of a configuration, for drift (src/drift.c). */
static void keep_replica(struct target *t, enum kea_service svc, const cJSON *args)
{
	char why[REPLICA_WHY_LEN];
	char *text = replica_part_text(args, svc, why, sizeof(why));

	if (text)
		model_apply_replica(t->p->m, t->server, svc, text, replica_text_hash(text), now_wall());
}

static void apply_probe(struct target *t, const struct kea_answer *a)
{
	struct server *sv = &t->p->m->servers[t->server];
	struct kea_endpoint_info info;
	char err[DECODE_ERR_LEN];
	enum transport_kind kind;

	if (a->result != KEA_RESULT_OK || !decode_endpoint_info(a->args, &info, err, sizeof(err))) {
		endpoint_failed(t, FAULT_MALFORMED, a->result ? a->text : err);
		return;
	}
	kind = info.kind == KEA_ENDPOINT_AGENT ? TRANSPORT_AGENT : TRANSPORT_DIRECT;
	if (sv->transport_conf != TRANSPORT_AUTO)
		kind = sv->transport_conf;
	model_set_endpoint(t->p->m, t->server, kind, info.has_service, now_wall());
	if (info.kind == KEA_ENDPOINT_DAEMON) {
		struct kea_config c;
		if (decode_config(a->args, info.service, &c, err, sizeof(err))) {
			model_apply_config(t->p->m, t->server, info.service, &c, now_wall());
			keep_replica(t, info.service, a->args);
			want_rediscover(t->p);
		}
	}
}

/*
 * A changed hash asks config-get (the next step of this round). A server
 * without the command falls back on status-get's reload for good.
 */
static void apply_hash(struct target *t, enum kea_service svc, const struct kea_answer *a)
{
	char hash[sizeof(((struct kea_config *)0)->hash)], err[DECODE_ERR_LEN];

	if (a->result == KEA_RESULT_UNSUPPORTED) {
		model_no_hash_cmd(t->p->m, t->server, svc);
		return;
	}
	if (a->result != KEA_RESULT_OK) {
		daemon_error(t, svc, a);
		return;
	}
	if (!decode_config_hash(a->args, hash, sizeof(hash), err, sizeof(err)))
		model_no_hash_cmd(t->p->m, t->server, svc);
	else
		model_apply_config_hash(t->p->m, t->server, svc, hash, now_wall());
}

static void apply_config(struct target *t, enum kea_service svc, const struct kea_answer *a)
{
	struct kea_config c;
	char err[DECODE_ERR_LEN];

	if (a->result != KEA_RESULT_OK) {
		daemon_error(t, svc, a);
		return;
	}
	if (!decode_config(a->args, svc, &c, err, sizeof(err))) {
		model_daemon_fault(t->p->m, t->server, svc, FAULT_MALFORMED, err, now_wall());
		return;
	}
	model_apply_config(t->p->m, t->server, svc, &c, now_wall());
	keep_replica(t, svc, a->args);
	want_rediscover(t->p);
}

/* A direct daemon's HTTP Date header is its own clock (an agent's is the agent's). */
static void apply_date_clock(struct target *t, enum kea_service svc, const struct transport_reply *r)
{
	const struct server *sv = &t->p->m->servers[t->server];

	if (sv->transport == TRANSPORT_DIRECT && r->has_date)
		model_apply_clock(t->p->m, t->server, svc, r->date + 0.5 - (r->sent_at + r->rtt / 2),
				  now_wall());
}

static void apply_status(struct target *t, const struct kea_answer *a, int n,
			 const struct transport_reply *r)
{
	char err[DECODE_ERR_LEN];

	for (int i = 0; i < n && i < t->nasked; i++) {
		enum kea_service svc = t->asked[i];
		struct kea_status st;
		if (a[i].result != KEA_RESULT_OK)
			daemon_error(t, svc, &a[i]);
		else if (!decode_status(a[i].args, &st, err, sizeof(err)))
			model_daemon_fault(t->p->m, t->server, svc, FAULT_MALFORMED, err, now_wall());
		else {
			model_apply_status(t->p->m, t->server, svc, &st, now_wall());
			apply_date_clock(t, svc, r);
		}
	}
	/* Fewer answers than services asked: the rest must not keep an old status as fresh. */
	for (int i = n; i < t->nasked; i++) {
		snprintf(err, sizeof(err), "status-get reply has no answer for %s",
			 kea_service_name(t->asked[i]));
		model_daemon_fault(t->p->m, t->server, t->asked[i], FAULT_MALFORMED, err, now_wall());
	}
}

/*
 * The server's clock from ha-heartbeat's date-time: it has 1 s resolution
 * (truncated), so it stands for the middle of its second, compared with the
 * middle of the request's round trip.
 */
static void apply_heartbeat(struct target *t, const struct step *s, const struct kea_answer *a,
			    const struct transport_reply *r)
{
	struct ha_heartbeat hb;
	char err[DECODE_ERR_LEN];
	double now = now_wall();

	if (a->result != KEA_RESULT_OK || !decode_heartbeat(a->args, &hb, err, sizeof(err)))
		return;
	model_apply_heartbeat(t->p->m, t->server, s->svc, s->ha_index, &hb, now);
	if (hb.has_date_time)
		model_apply_clock(t->p->m, t->server, s->svc,
				  hb.date_time + 0.5 - (r->sent_at + r->rtt / 2), now);
}

static void apply_stats(struct target *t, enum kea_service svc, const struct kea_answer *a)
{
	struct kea_pool_usage u;

	if (a->result != KEA_RESULT_OK)
		return;
	if (cJSON_GetObjectItemCaseSensitive(a->args, "result-set") ?
	    decode_lease_stats(a->args, svc, &u) : decode_pool_usage(a->args, svc, &u))
		model_apply_pool(t->p->m, t->server, svc, &u, now_wall());
}

static void apply_reply(struct target *t, const struct transport_reply *r)
{
	struct kea_answer a[KEA_SERVICE_COUNT];
	char err[DECODE_ERR_LEN];
	cJSON *root = decode_parse(r->body, r->body_len, err, sizeof(err));
	int n = root ? decode_answers(root, a, KEA_SERVICE_COUNT, err, sizeof(err)) : -1;
	const struct step *s = &t->cur;

	if (n < 0) {
		cJSON_Delete(root);
		endpoint_failed(t, FAULT_MALFORMED, err);
		return;
	}
	model_endpoint_ok(t->p->m, t->server, now_wall());
	switch (s->kind) {
	case STEP_PROBE: apply_probe(t, &a[0]); break;
	case STEP_VERSION: {
		char v[32];
		if (decode_version(&a[0], v, sizeof(v)))
			model_set_version(t->p->m, t->server, v);
		break;
	}
	case STEP_HASH: apply_hash(t, s->svc, &a[0]); break;
	case STEP_CONFIG: apply_config(t, s->svc, &a[0]); break;
	case STEP_STATUS: apply_status(t, a, n, r); break;
	case STEP_HEARTBEAT: apply_heartbeat(t, s, &a[0], r); break;
	case STEP_STATS: apply_stats(t, s->svc, &a[0]); break;
	default: break;
	}
	cJSON_Delete(root);
}

static void on_reply(void *ctx, const struct transport_reply *r)
{
	struct target *t = ctx;

	if (t->p->stopped || !check_http(t, r))
		return;
	apply_reply(t, r);
	if (!t->running)
		return; /* the probe failed and ended the round */
	notify(t->p);
	run_next(t);
}

static void run_next(struct target *t)
{
	struct poller *p = t->p;
	double left = remaining_s(p);
	char *body;

	while (t->pos < POS_END && !step_at(t, t->pos, &t->cur))
		t->pos++;
	if (t->pos >= POS_END || p->stopped) {
		finish_round(t);
		return;
	}
	t->pos++;
	if (left <= 0.05) {
		model_endpoint_fault(p->m, t->server, FAULT_TIMEOUT, "no time left in this run", now_wall());
		t->round_failed = true;
		finish_round(t);
		return;
	}
	body = build_request(t, &t->cur);
	if (!transport_send(t->ep, body, (long)(fmin(p->o.timeout, left) * 1000.0),
			    max_reply(t->cur.kind), on_reply, t)) {
		t->round_failed = true;
		finish_round(t);
	}
	free(body);
}

static void start_round(struct target *t)
{
	struct poller *p = t->p;

	if (t->running || t->given_up || p->stopped)
		return;
	uv_timer_stop(&t->timer);
	t->running = true;
	t->round_failed = false;
	t->pos = 0;
	t->want_stats = p->o.stats_interval > 0 &&
			now_wall() - t->last_stats >= p->o.stats_interval;
	/* ha-heartbeat (clock, unsent updates) at its own pace; always in the first rounds. */
	t->want_hb = p->o.once || t->last_hb == 0 ||
		     now_wall() - t->last_hb >= p->o.heartbeat_interval - p->o.interval / 2;
	run_next(t);
}

void poller_stop(struct poller *p)
{
	/* What arrived is not lost: the relationships it describes are built now. */
	if (p->rediscover_pending) {
		p->rediscover_pending = false;
		discovery_rebuild(p->m);
	}
	uv_timer_stop(p->rediscover);
	uv_timer_stop(p->notifier);
	p->notify_pending = false;
	p->stopped = true;
	for (int i = 0; i < p->ntargets; i++) {
		uv_timer_stop(&p->targets[i]->timer);
		transport_cancel(p->targets[i]->ep);
		p->targets[i]->running = false;
	}
}

static void free_target(uv_handle_t *h)
{
	free(h->data);
}

static void free_handle(uv_handle_t *h)
{
	free(h);
}

void poller_free(struct poller *p)
{
	if (!p)
		return;
	poller_stop(p);
	for (int i = 0; i < p->ntargets; i++) {
		transport_endpoint_free(p->targets[i]->ep);
		uv_close((uv_handle_t *)&p->targets[i]->timer, free_target);
	}
	transport_free(p->t);
	uv_close((uv_handle_t *)p->rediscover, free_handle);
	uv_close((uv_handle_t *)p->notifier, free_handle);
	free(p->targets);
	free(p);
}

void poller_get_stats(const struct poller *p, struct poller_stats *out)
{
	struct transport_stats ts;
	double now = now_wall();

	transport_get_stats(p->t, &ts);
	memset(out, 0, sizeof(*out));
	out->requests = ts.sent;
	out->failures = ts.failed;
	out->in_flight = ts.in_flight;
	out->servers = p->ntargets;
	for (int i = 0; i < p->ntargets; i++) {
		const struct server *sv = &p->m->servers[p->targets[i]->server];
		double age = sv->last_round > 0 ? now - sv->last_round : 0;
		/* A failing server is counted as failing; staleness is about the others. */
		if (p->targets[i]->fails)
			out->servers_failing++;
		else if (age > out->oldest_round)
			out->oldest_round = age;
	}
}
