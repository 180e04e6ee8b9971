/*
 * bench-poll: keaha's poller against N fake agents, for bench/run.sh.
 *
 * Builds a configuration of N servers (http://A+i:P/, consecutive loopback
 * addresses as bench/fakeagent serves them), a model, and runs the poller in
 * continuous mode (interval 1 s, timeout 3 s, no pool statistics) for D seconds
 * on one libuv loop, the way `keaha watch` wires it. Then it prints one line of
 * key=value figures:
 *
 *   run_*     from poller_start to the stop (configuration and model set-up excluded)
 *   steady_*  from --warmup seconds after the start to the stop: the first
 *             rounds (probe, config-get, the O(N) discovery after each config)
 *             are over and every round is status-get + ha-heartbeat
 *   maxrss_kb peak RSS of the process (ru_maxrss)
 *   rels_*    the relationships discovered from the fake's HA configurations
 *             (fakeagent --ha-pairs: endpoints 2k and 2k+1 are one load-balancing
 *             pair), how many were OK at the end of the warm-up, how many showed
 *             the switch at the end (Impaired, primary down, secondary in
 *             --alt-state)
 *   delay_*   how long after the fake's status switch (SIGUSR1, logged by the
 *             fake with CLOCK_REALTIME in --switch-log) each relationship's
 *             verdict changed (verdict_since, stamped with CLOCK_REALTIME when
 *             the reply that changed it was judged)
 *
 * On every update callback of the poller it does what the dashboard does (ui/app.c on_update):
 * once every server had its first round, verdicts, drift and events.
 *
 * With --count 0 it polls nothing and only reports the fixed memory (the
 * baseline that run.sh subtracts to get KB per endpoint).
 */
#include <sys/resource.h>
#include <sys/time.h>

#include <errno.h>
#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>
#include <curl/curl.h>
#include <uv.h>

#include "config.h"
#include "drift.h"
#include "events.h"
#include "model.h"
#include "poller.h"
#include "transport.h"
#include "util.h"
#include "verdict.h"

struct opts {
	long count;
	const char *addr_base;
	long port;
	double seconds;
	double warmup;
	double interval;
	double timeout;
	const char *switch_log;
	enum ha_state alt_state;
	bool version_preset;
	bool transport_only;
};

struct snap {
	double wall;
	double user, sys;
	unsigned long requests, failures;
};

/* --transport-only: the same two requests per round straight on the transport. */
struct raw_target {
	struct bench *b;
	struct endpoint *ep;
	uv_timer_t timer;
	int step;
};

struct bench {
	struct opts o;
	struct transport *raw;
	struct raw_target *rt;
	uv_loop_t loop;
	uv_timer_t warm_timer, stop_timer;
	struct keaha_config cfg;
	struct model model;
	struct events events;
	struct poller *poller;
	bool started;
	unsigned judged_gen;       /* model generation after the last judging pass */
	double judged_at;
	int warm_rels, warm_rels_ok;
	unsigned seen_generation;
	unsigned long updates, changes;
	struct snap start, warm, stop;
	bool warm_taken;
};

static void take(struct bench *b, struct snap *s)
{
	struct rusage ru;
	struct poller_stats ps = { 0 };

	getrusage(RUSAGE_SELF, &ru);
	s->wall = util_monotonic();
	s->user = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
	s->sys = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	if (b->poller)
		poller_get_stats(b->poller, &ps);
	if (b->raw) {
		struct transport_stats ts;
		transport_get_stats(b->raw, &ts);
		ps.requests = ts.sent;
		ps.failures = ts.failed;
	}
	s->requests = ps.requests;
	s->failures = ps.failures;
}

/* What the dashboard does on the poller's update callback (ui/app.c on_update, without the screen). */
static void on_update(void *ctx)
{
	struct bench *b = ctx;
	double now = util_wallclock();

	b->updates++;
	if (!b->started && !poller_done(b->poller))
		return;
	b->started = true;
	if (b->model.generation == b->judged_gen && now - b->judged_at < VERDICT_REFRESH_S)
		return; /* nothing changed, and the verdicts' ages are fresh */
	verdict_update_changed(&b->model, now, NULL, NULL);
	drift_update_changed(&b->model);
	events_observe(&b->events, &b->model, now);
	b->judged_gen = b->model.generation;
	b->judged_at = now;
	if (b->model.generation != b->seen_generation) {
		b->seen_generation = b->model.generation;
		b->changes++;
	}
}

static void on_warm(uv_timer_t *t)
{
	struct bench *b = t->data;

	take(b, &b->warm);
	b->warm_taken = true;
	b->warm_rels = b->model.nrels;
	for (int i = 0; i < b->model.nrels; i++)
		b->warm_rels_ok += b->model.rels[i].verdict_since > 0 &&
				   b->model.rels[i].verdict.status == REL_OK;
}

static const char *const raw_bodies[2] = {
	"{\"command\":\"status-get\",\"service\":[\"dhcp4\"]}",
	"{\"command\":\"ha-heartbeat\",\"service\":[\"dhcp4\"]}",
};

static void raw_round(uv_timer_t *timer);

/* A reply parsed and dropped, then the next request or the next round. */
static void raw_reply(void *ctx, const struct transport_reply *r)
{
	struct raw_target *t = ctx;
	uint64_t interval = (uint64_t)(t->b->o.interval * 1000.0);
	cJSON *root = r->error == TRANSPORT_OK ? cJSON_ParseWithLength(r->body, r->body_len) : NULL;

	cJSON_Delete(root);
	if (root && ++t->step < 2 &&
	    transport_send(t->ep, raw_bodies[t->step], (long)(t->b->o.timeout * 1000.0),
			   1u << 20, raw_reply, t))
		return;
	uv_timer_start(&t->timer, raw_round, interval, 0);
}

static void raw_round(uv_timer_t *timer)
{
	struct raw_target *t = timer->data;

	t->step = 0;
	if (!transport_send(t->ep, raw_bodies[0], (long)(t->b->o.timeout * 1000.0), 1u << 20,
			    raw_reply, t))
		uv_timer_start(&t->timer, raw_round, (uint64_t)(t->b->o.interval * 1000.0), 0);
}

static void raw_start(struct bench *b)
{
	uint64_t interval = (uint64_t)(b->o.interval * 1000.0);

	b->raw = transport_new(&b->loop);
	b->rt = xcalloc(b->cfg.nservers ? (size_t)b->cfg.nservers : 1, sizeof(*b->rt));
	for (int i = 0; i < b->cfg.nservers; i++) {
		struct endpoint_opts eo = { .url = b->cfg.servers[i].url };
		struct raw_target *t = &b->rt[i];
		t->b = b;
		t->ep = transport_endpoint_new(b->raw, &eo);
		uv_timer_init(&b->loop, &t->timer);
		t->timer.data = t;
		uv_timer_start(&t->timer, raw_round,
			       b->cfg.nservers > 1 ? (uint64_t)i * 7919u % (interval ? interval : 1) : 0, 0);
	}
}

static void raw_stop(struct bench *b)
{
	for (int i = 0; i < b->cfg.nservers; i++) {
		uv_timer_stop(&b->rt[i].timer);
		transport_cancel(b->rt[i].ep);
		uv_close((uv_handle_t *)&b->rt[i].timer, NULL);
	}
}

static void raw_free(struct bench *b)
{
	for (int i = 0; i < b->cfg.nservers; i++)
		transport_endpoint_free(b->rt[i].ep);
	transport_free(b->raw);
	free(b->rt);
}

static void on_stop(uv_timer_t *t)
{
	struct bench *b = t->data;

	take(b, &b->stop);
	if (b->raw)
		raw_stop(b);
	else
		poller_stop(b->poller);
	uv_timer_stop(&b->warm_timer);
	uv_close((uv_handle_t *)&b->warm_timer, NULL);
	uv_close((uv_handle_t *)&b->stop_timer, NULL);
}

static void raise_fd_limit(long count)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		fprintf(stderr, "bench-poll: setrlimit: %s\n", strerror(errno));
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < (rlim_t)(count + 64))
		fprintf(stderr, "bench-poll: warning: %llu file descriptors for %ld endpoints\n",
			(unsigned long long)rl.rlim_cur, count);
}

/* N servers as `keaha URL...` would have them, built in O(N). */
static bool build_config(struct bench *b)
{
	struct in_addr base;
	uint32_t first;

	config_defaults(&b->cfg);
	b->cfg.poll_interval = b->o.interval;
	b->cfg.request_timeout = b->o.timeout;
	if (inet_pton(AF_INET, b->o.addr_base, &base) != 1) {
		fprintf(stderr, "bench-poll: bad --addr-base %s\n", b->o.addr_base);
		return false;
	}
	first = ntohl(base.s_addr);
	/* Through the configuration's own API, as URLs on the command line are. */
	for (long i = 0; i < b->o.count; i++) {
		struct in_addr a = { .s_addr = htonl(first + (uint32_t)i) };
		char host[INET_ADDRSTRLEN], url[64], err[CONFIG_ERR_LEN];

		inet_ntop(AF_INET, &a, host, sizeof(host));
		snprintf(url, sizeof(url), "http://%s:%ld/", host, b->o.port);
		if (!config_add_url(&b->cfg, url, err, sizeof(err))) {
			fprintf(stderr, "bench-poll: %s\n", err);
			return false;
		}
	}
	return true;
}

/* The last "status-switch alt T" line of the fake's stderr, or 0. */
static double switch_time(const char *path)
{
	char line[512];
	double t = 0, v;
	FILE *f;

	if (!path || !(f = fopen(path, "r")))
		return 0;
	while (fgets(line, sizeof(line), f)) {
		const char *p = strstr(line, "status-switch alt ");
		if (p && sscanf(p + 18, "%lf", &v) == 1)
			t = v;
	}
	fclose(f);
	return t;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of a sorted array. */
static double pct(const double *v, int n, double p)
{
	int k = (int)ceil(p / 100.0 * n) - 1;

	if (k < 0)
		k = 0;
	if (k >= n)
		k = n - 1;
	return v[k];
}

/* The fake's switch as a relationship shows it: Impaired, the primary down, the secondary in alt. */
static bool rel_switched(const struct model *m, const struct relationship *r, enum ha_state alt)
{
	bool primary_down = false, secondary_alt = false;

	if (r->verdict.status != REL_IMPAIRED)
		return false;
	for (int i = 0; i < r->npeers; i++) {
		struct peer_view v;
		model_peer_view(m, r, i, &v);
		if (r->peer[i].role == HA_ROLE_PRIMARY)
			primary_down = v.reach == REACH_DOWN;
		else if (r->peer[i].role == HA_ROLE_SECONDARY)
			secondary_alt = v.reach == REACH_OK && v.state == alt;
	}
	return primary_down && secondary_alt;
}

static void report(struct bench *b)
{
	double sw = switch_time(b->o.switch_log);
	double *delay = xcalloc(b->model.nrels ? (size_t)b->model.nrels : 1, sizeof(double));
	int seen = 0, reach_ok = 0, with_status = 0, nd = 0, switched = 0;
	struct rusage ru;
	struct mallinfo2 mi;
	const struct snap *w = b->warm_taken ? &b->warm : &b->start;
	char dl[160];

	getrusage(RUSAGE_SELF, &ru);
	mi = mallinfo2();
	for (int i = 0; i < b->model.nservers; i++) {
		const struct server *sv = &b->model.servers[i];
		const struct daemon *d = &sv->d[KEA_DHCP4];
		if (sv->reach == REACH_OK)
			reach_ok++;
		if (!d->has_status || d->status.nrels < 1)
			continue;
		with_status++;
		if (d->status.rel[0].local.state == b->o.alt_state)
			seen++;
	}
	for (int i = 0; i < b->model.nrels; i++) {
		const struct relationship *r = &b->model.rels[i];
		if (!rel_switched(&b->model, r, b->o.alt_state))
			continue;
		switched++;
		if (sw > 0)
			delay[nd++] = r->verdict_since - sw;
	}
	qsort(delay, (size_t)nd, sizeof(double), cmp_double);
	if (nd > 0)
		snprintf(dl, sizeof(dl), "delay_n=%d delay_min_ms=%.1f delay_median_ms=%.1f "
			 "delay_p99_ms=%.1f delay_max_ms=%.1f", nd, delay[0] * 1e3,
			 pct(delay, nd, 50) * 1e3, pct(delay, nd, 99) * 1e3, delay[nd - 1] * 1e3);
	else
		snprintf(dl, sizeof(dl), "delay_n=0 delay_min_ms=na delay_median_ms=na "
			 "delay_p99_ms=na delay_max_ms=na");
	printf("bench-poll endpoints=%ld seconds=%.3f "
	       "run_requests=%lu run_failures=%lu run_cpu_user_s=%.6f run_cpu_sys_s=%.6f "
	       "steady_seconds=%.3f steady_requests=%lu steady_failures=%lu "
	       "steady_cpu_user_s=%.6f steady_cpu_sys_s=%.6f "
	       "setup_cpu_s=%.6f maxrss_kb=%ld heap_used_kb=%zu heap_total_kb=%zu "
	       "updates=%lu model_changes=%lu "
	       "servers=%d reach_ok=%d with_status=%d seen_alt=%d rels=%d warm_rels=%d "
	       "warm_rels_ok=%d rels_switched=%d switch_at=%.6f %s "
	       "mode=%s version_preset=%d sizeof_server=%zu libcurl=%s libuv=%s cjson=%s\n",
	       b->o.count, b->stop.wall - b->start.wall,
	       b->stop.requests, b->stop.failures,
	       b->stop.user - b->start.user, b->stop.sys - b->start.sys,
	       b->stop.wall - w->wall, b->stop.requests - w->requests,
	       b->stop.failures - w->failures,
	       b->stop.user - w->user, b->stop.sys - w->sys,
	       b->start.user + b->start.sys, ru.ru_maxrss, (mi.uordblks + mi.hblkhd) / 1024,
	       (mi.arena + mi.hblkhd) / 1024, b->updates, b->changes,
	       b->model.nservers, reach_ok, with_status, seen, b->model.nrels, b->warm_rels,
	       b->warm_rels_ok, switched, sw, dl,
	       b->o.transport_only ? "transport-only" : "poller", b->o.version_preset, sizeof(struct server), curl_version_info(CURLVERSION_NOW)->version,
	       uv_version_string(), cJSON_Version());
	fflush(stdout);
	free(delay);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: bench-poll --count N [--addr-base 127.20.0.1] [--port 8000] [--seconds 20]\n"
		"                  [--warmup 4] [--interval 1] [--timeout 3] [--switch-log FAKE_STDERR]\n"
		"                  [--alt-state partner-down] [--ask-version] [--transport-only]\n"
		"--ask-version: do not preset the servers' Kea version (the fake answers\n"
		"version-get \"not supported\", so every round then asks it again)\n"
		"--transport-only: no poller, decode or model: per server a timer sending\n"
		"status-get then ha-heartbeat on keaha's transport, each reply parsed with\n"
		"cJSON and dropped (what the poller adds on top of the transport)\n");
}

static bool parse_args(struct opts *o, int argc, char **argv)
{
	*o = (struct opts){ .count = -1, .addr_base = "127.20.0.1", .port = 8000, .seconds = 20,
			    .warmup = 4, .interval = 1, .timeout = 3,
			    .alt_state = HA_STATE_PARTNER_DOWN, .version_preset = true };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end = NULL;

		if (!strcmp(a, "--ask-version")) {
			o->version_preset = false;
			continue;
		}
		if (!strcmp(a, "--transport-only")) {
			o->transport_only = true;
			continue;
		}
		if (!strcmp(a, "--help") || !v) {
			usage();
			return false;
		}
		i++;
		if (!strcmp(a, "--count"))
			o->count = strtol(v, &end, 10);
		else if (!strcmp(a, "--port"))
			o->port = strtol(v, &end, 10);
		else if (!strcmp(a, "--seconds"))
			o->seconds = strtod(v, &end);
		else if (!strcmp(a, "--warmup"))
			o->warmup = strtod(v, &end);
		else if (!strcmp(a, "--interval"))
			o->interval = strtod(v, &end);
		else if (!strcmp(a, "--timeout"))
			o->timeout = strtod(v, &end);
		else if (!strcmp(a, "--addr-base"))
			o->addr_base = v;
		else if (!strcmp(a, "--switch-log"))
			o->switch_log = v;
		else if (!strcmp(a, "--alt-state")) {
			o->alt_state = ha_state_parse(v);
			if (o->alt_state == HA_STATE_UNKNOWN) {
				fprintf(stderr, "bench-poll: unknown HA state %s\n", v);
				return false;
			}
		} else {
			fprintf(stderr, "bench-poll: unknown option %s\n", a);
			usage();
			return false;
		}
		if (end && *end) {
			fprintf(stderr, "bench-poll: %s: not a number: %s\n", a, v);
			return false;
		}
	}
	if (o->count < 0 || o->count > 100000 || o->port < 1 || o->port > 65535 ||
	    !(o->seconds > 0 && o->seconds <= 3600) || !(o->interval > 0) || !(o->timeout > 0) ||
	    !(o->warmup >= 0)) {
		usage();
		return false;
	}
	if (o->warmup >= o->seconds)
		o->warmup = o->seconds / 4;
	return true;
}

int main(int argc, char **argv)
{
	static struct bench b;
	struct poller_opts po;

	if (!parse_args(&b.o, argc, argv))
		return 2;
	raise_fd_limit(b.o.count);
	if (!build_config(&b))
		return 2;
	model_init(&b.model);
	events_init(&b.events, 1000);
	model_reserve_servers(&b.model, b.cfg.nservers);
	for (int i = 0; i < b.cfg.nservers; i++) {
		int s = model_add_server(&b.model, b.cfg.servers[i].name, b.cfg.servers[i].url,
					 ORIGIN_CONFIG);
		b.model.servers[s].auto_name = b.cfg.servers[i].auto_name;
		/* The fake answers version-get "not supported", so the poller would ask it
		 * every round; a real agent answers it once. Known already: every round is
		 * status-get + ha-heartbeat, as with a real Kea. */
		if (b.o.version_preset)
			strlcpy_(b.model.servers[s].version, "2.2.0", sizeof(b.model.servers[s].version));
	}
	po = (struct poller_opts){ .interval = b.o.interval, .timeout = b.o.timeout,
				   .stats_interval = 0, .once = false,
				   .heartbeat_interval = POLLER_HEARTBEAT_INTERVAL };
	uv_loop_init(&b.loop);
	if (!b.o.transport_only) {
		b.poller = poller_new(&b.loop, &b.model, &b.cfg, &po);
		poller_on_update(b.poller, on_update, &b);
	}
	uv_timer_init(&b.loop, &b.warm_timer);
	uv_timer_init(&b.loop, &b.stop_timer);
	b.warm_timer.data = b.stop_timer.data = &b;
	uv_update_time(&b.loop);
	uv_timer_start(&b.warm_timer, on_warm, (uint64_t)(b.o.warmup * 1000.0), 0);
	uv_timer_start(&b.stop_timer, on_stop, (uint64_t)(b.o.seconds * 1000.0), 0);
	take(&b, &b.start);
	if (b.o.transport_only)
		raw_start(&b);
	else
		poller_start(b.poller);
	uv_run(&b.loop, UV_RUN_DEFAULT);
	report(&b);
	if (b.o.transport_only)
		raw_free(&b);
	else
		poller_free(b.poller);
	uv_run(&b.loop, UV_RUN_DEFAULT);
	uv_loop_close(&b.loop);
	events_free(&b.events);
	model_free(&b.model);
	config_free(&b.cfg);
	return 0;
}
