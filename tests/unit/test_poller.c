/*
 * The poller and the model against bench/fakeagent, as `keaha status` runs
 * them: a configuration with the fake's URL, the model built from it, the
 * poller in once mode with a deadline. The fake plays a Control Agent (its
 * config-get, a two-element status-get for dhcp4+dhcp6, ha-heartbeat with
 * its own clock) or one of its fault modes; each test checks what the model
 * learnt and that the run ends, within its deadline, with a clear message.
 * Callbacks only record; assertions run after the loop; every loop run is
 * bounded; the fake is stopped by its PID in the teardown. Continuous mode
 * (watch, the dashboard) is run for a few seconds: what later rounds ask,
 * and the update callback coalesced to one per 20 ms, judged on the loop's
 * own clock and by counts, never by wall-clock speed.
 *
 *   $KEAHA_FAKEAGENT  the fake's binary, default build/fakeagent
 *   $KEAHA_FIXTURES   the captured bodies (fixture.h)
 *   $KEAHA_COALESCE_TRACE  set: the coalescing test prints its counts
 */
#include <ctype.h>
#include <math.h>
#include <signal.h>
#include <unistd.h>

/* Not the port block test_transport takes for the same PID. */
#define FAKEAGENT_PORT_OFFSET 1000u
#include "fakeagent.h"

#include "config.h"
#include "model.h"
#include "poller.h"
#include "transport.h"
#include "util.h"

#define D4 KEA_DHCP4
#define D6 KEA_DHCP6

/* ---- one `keaha status` run on a loop ---- */

struct env {
	struct fake fake;
	uv_loop_t loop;
	uv_timer_t deadline, finisher, guard;
	bool finishing, deadline_hit, guard_fired;
	struct keaha_config cfg;
	struct model m;
	struct poller *p;
	double t0, done_at;     /* monotonic; done_at 0 until poller_done */
	int updates;
	/* A config-get fault seen on a daemon during the run (status may clear it later). */
	char cfg_fault[KEA_SERVICE_COUNT][MODEL_ERR_LEN];
	char dir[64];           /* temp dir for made-up bodies */
	char status_path[128];
	char url[64];
};

static void on_finish(uv_timer_t *t)
{
	struct env *e = t->data;

	poller_stop(e->p);
	uv_timer_stop(&e->deadline);
}

/* Never tear the poller down from inside its own callback. */
static void finish_soon(struct env *e)
{
	if (e->finishing)
		return;
	e->finishing = true;
	uv_timer_start(&e->finisher, on_finish, 0, 0);
}

static void on_update(void *ctx)
{
	struct env *e = ctx;

	e->updates++;
	for (int s = 0; s < KEA_SERVICE_COUNT && e->m.nservers > 0; s++) {
		const struct daemon *d = &e->m.servers[0].d[s];
		if (d->fault == FAULT_MALFORMED && !e->cfg_fault[s][0])
			strlcpy_(e->cfg_fault[s], d->error, sizeof(e->cfg_fault[s]));
	}
	if (poller_done(e->p) && e->done_at == 0) {
		e->done_at = util_monotonic();
		finish_soon(e);
	}
}

static void on_deadline(uv_timer_t *t)
{
	struct env *e = t->data;

	e->deadline_hit = true;
	finish_soon(e);
}

static void on_guard(uv_timer_t *t)
{
	struct env *e = t->data;

	e->guard_fired = true;
	uv_stop(t->loop);
}

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	if (!e || uv_loop_init(&e->loop) != 0)
		return -1;
	uv_timer_init(&e->loop, &e->deadline);
	uv_timer_init(&e->loop, &e->finisher);
	uv_timer_init(&e->loop, &e->guard);
	e->deadline.data = e->finisher.data = e->guard.data = e;
	e->fake.exit_status = -1;
	config_defaults(&e->cfg);
	model_init(&e->m);
	*state = e;
	return 0;
}


static int teardown(void **state)
{
	struct env *e = *state;
	int rc;

	if (e->p)
		poller_free(e->p);
	uv_close((uv_handle_t *)&e->deadline, NULL);
	uv_close((uv_handle_t *)&e->finisher, NULL);
	uv_close((uv_handle_t *)&e->guard, NULL);
	rc = loop_close_checked(&e->loop);
	fake_stop(&e->fake);
	model_free(&e->m);
	config_free(&e->cfg);
	if (e->status_path[0])
		unlink(e->status_path);
	if (e->dir[0])
		rmdir(e->dir);
	free(e);
	return rc;
}

/* The configuration and the model for one URL, as status_cmd builds them. */
static void add_url(struct env *e, const char *url)
{
	char err[200];

	assert_true(config_add_url(&e->cfg, url, err, sizeof(err)));
	for (int i = 0; i < e->cfg.nservers; i++) {
		int s = model_add_server(&e->m, e->cfg.servers[i].name, e->cfg.servers[i].url,
					 ORIGIN_CONFIG);
		e->m.servers[s].auto_name = e->cfg.servers[i].auto_name;
	}
	assert_int_equal(e->m.nservers, 1);
}

static void add_fake(struct env *e)
{
	snprintf(e->url, sizeof(e->url), "http://127.0.0.1:%d/", e->fake.port);
	add_url(e, e->url);
}

/* The poller in once mode; returns when it is done, the harness deadline hit, or the guard. */
static void run_once(struct env *e, double deadline)
{
	struct poller_opts po = {
		.interval = e->cfg.poll_interval,
		.timeout = e->cfg.request_timeout,
		.stats_interval = 0,
		.once = true,
		.deadline = deadline,
	};

	e->p = poller_new(&e->loop, &e->m, &e->cfg, &po);
	poller_on_update(e->p, on_update, e);
	uv_update_time(&e->loop);
	/* The poller should end itself by its deadline; this one is a safety net. */
	uv_timer_start(&e->deadline, on_deadline, (uint64_t)((deadline + 3.0) * 1000.0), 0);
	uv_timer_start(&e->guard, on_guard, (uint64_t)((deadline + 10.0) * 1000.0), 0);
	uv_unref((uv_handle_t *)&e->guard);
	e->t0 = util_monotonic();
	poller_start(e->p);
	uv_run(&e->loop, UV_RUN_DEFAULT);
	uv_timer_stop(&e->guard);
	assert_false(e->guard_fired);
	assert_false(e->deadline_hit);
	assert_true(poller_done(e->p));
	assert_true(e->done_at > 0);
	assert_true(e->done_at - e->t0 <= deadline + 0.5);
}

/* A message a person can read: words, printable, whole, no phrase said twice. */
static bool clear_text(const char *s)
{
	size_t n = strlen(s);
	const char *colon = strstr(s, ": ");

	if (n < 7 || n >= MODEL_ERR_LEN - 1 || !isalpha((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isprint((unsigned char)s[i]))
			return false;
	if (colon) {
		char head[MODEL_ERR_LEN];
		snprintf(head, sizeof(head), "%.*s", (int)(colon - s), s);
		if (strstr(colon + 2, head))
			return false;
	}
	return true;
}

#define assert_clear_text(s) assert_true(clear_text(s))

/* Two captured single-service answers made one, in the order the poller asks. */
static void make_two_service_status(struct env *e)
{
	size_t l4, l6;
	char *b4 = read_raw("status-get.dhcp4.lb-primary.normal", &l4);
	char *b6 = read_raw("status-get.dhcp6.lb-primary.normal", &l6);
	char *end4 = strrchr(b4, ']'), *start6 = strchr(b6, '[');
	FILE *fp;

	strlcpy_(e->dir, "/tmp/keaha-poller.XXXXXX", sizeof(e->dir));
	assert_non_null(mkdtemp(e->dir));
	snprintf(e->status_path, sizeof(e->status_path), "%s/status-get.dhcp4+dhcp6.body", e->dir);
	assert_non_null(end4);
	assert_non_null(start6);
	fp = fopen(e->status_path, "wb");
	assert_non_null(fp);
	fprintf(fp, "%.*s, %s", (int)(end4 - b4), b4, start6 + 1);
	fclose(fp);
	free(b4);
	free(b6);
}

/* status-get's pid in a captured body: tells the two daemons' answers apart. */
static long pid_in(const char *name)
{
	size_t len;
	char *b = read_raw(name, &len);
	cJSON *j = cJSON_Parse(b);
	const cJSON *pid = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(j, 0),
								   "arguments"), "pid");
	long v = cJSON_IsNumber(pid) ? (long)pid->valuedouble : -1;

	cJSON_Delete(j);
	free(b);
	return v;
}

struct args {
	const char *v[16];
	int n;
	char config[FIXTURE_PATH_LEN];
	char heartbeat[FIXTURE_PATH_LEN];
	char status[FIXTURE_PATH_LEN];
};

/* A Control Agent with dhcp4 and dhcp6 behind it, as captured. */
static void args_agent(struct args *a, struct env *e, const char *clock_offset)
{
	memset(a, 0, sizeof(*a));
	make_two_service_status(e);
	raw_path(a->config, sizeof(a->config), "config-get.agent.lb-primary");
	raw_path(a->heartbeat, sizeof(a->heartbeat), "ha-heartbeat.dhcp4.lb-primary.normal");
	a->v[a->n++] = "--status-body";
	a->v[a->n++] = e->status_path;
	a->v[a->n++] = "--config-body";
	a->v[a->n++] = a->config;
	a->v[a->n++] = "--heartbeat-body";
	a->v[a->n++] = a->heartbeat;
	a->v[a->n++] = "--clock-offset";
	a->v[a->n++] = clock_offset;
}

static void agent_case(struct env *e, const char *offset_arg, double offset)
{
	struct args a;
	const struct server *sv;
	struct poller_stats ps;

	args_agent(&a, e, offset_arg);
	fake_start(&e->fake, a.v, a.n);
	add_fake(e);
	run_once(e, 5.0);
	sv = &e->m.servers[0];

	/* Probed as an agent with both daemons behind it. */
	assert_true(sv->probed);
	assert_int_equal(sv->transport, TRANSPORT_AGENT);
	assert_int_equal(sv->reach, REACH_OK);
	assert_int_equal(sv->fault, FAULT_NONE);
	assert_true(sv->last_round > 0);
	for (int s = 0; s < KEA_SERVICE_COUNT; s++) {
		const struct daemon *d = &sv->d[s];
		assert_true(d->present);
		assert_int_equal(d->reach, REACH_OK);
		assert_true(d->has_status);
		assert_true(d->status.has_ha);
		assert_int_equal(d->status.nrels, 1);
		assert_int_equal(d->status.rel[0].mode, HA_MODE_LOAD_BALANCING);
		assert_int_equal(d->status.rel[0].local.state, HA_STATE_LOAD_BALANCING);
		assert_int_equal(d->status.rel[0].remote.last_state, HA_STATE_LOAD_BALANCING);
		/* The heartbeat, and the clock it carries. */
		assert_true(d->has_hb[0]);
		assert_int_equal(d->hb[0].state, HA_STATE_LOAD_BALANCING);
		assert_true(d->has_clock);
		assert_true(fabs(d->clock_offset - offset) < 2.0);
		/* The fake answers config-get for a daemon with the agent's own body. */
		assert_false(d->has_config);
		assert_true(d->config_wanted);
		assert_clear_text(e->cfg_fault[s]);
		assert_non_null(strstr(e->cfg_fault[s], "Dhcp4/Dhcp6"));
	}
	/* One answer per service, in the order asked: dhcp4 first. */
	assert_int_equal(sv->d[D4].status.pid, pid_in("status-get.dhcp4.lb-primary.normal"));
	assert_int_equal(sv->d[D6].status.pid, pid_in("status-get.dhcp6.lb-primary.normal"));
	assert_int_not_equal(sv->d[D4].status.pid, sv->d[D6].status.pid);
	assert_int_equal(e->m.nrels, 0);

	poller_get_stats(e->p, &ps);
	assert_int_equal(ps.failures, 0);
	assert_int_equal(ps.in_flight, 0);
	assert_int_equal(ps.servers, 1);
	assert_int_equal(ps.servers_failing, 0);
	poller_free(e->p);
	e->p = NULL;
	fake_stop(&e->fake);
	/* Every request on one kept-alive connection. */
	assert_int_equal(fake_figure(&e->fake, "requests"), (long)ps.requests);
	assert_int_equal(fake_figure(&e->fake, "connections"), 1);
}

static void test_agent(void **state)
{
	agent_case(*state, "0", 0.0);
}

static void test_agent_clock_ahead(void **state)
{
	agent_case(*state, "45", 45.0);
}

/* A server already known from an earlier round (as test_huge_status): probed, configs in. */
static void known_agent(struct env *e, const bool has[KEA_SERVICE_COUNT])
{
	double now = util_wallclock();
	struct kea_config none;

	model_set_endpoint(&e->m, 0, TRANSPORT_AGENT, has, now);
	model_set_version(&e->m, 0, "2.2.0");
	for (int s = 0; s < KEA_SERVICE_COUNT; s++) {
		if (!has[s])
			continue;
		memset(&none, 0, sizeof(none));
		none.service = (enum kea_service)s;
		model_apply_config(&e->m, 0, (enum kea_service)s, &none, now);
	}
}

/*
 * One answer where two were asked, after a round where both answered: the
 * daemon left without an answer must not keep looking fine.
 */
static void test_agent_one_answer_for_two(void **state)
{
	struct env *e = *state;
	bool both[KEA_SERVICE_COUNT] = { [D4] = true, [D6] = true };
	struct kea_status earlier;
	struct args a;
	const struct server *sv;

	memset(&a, 0, sizeof(a));
	raw_path(a.status, sizeof(a.status), "status-get.dhcp4.lb-primary.normal");
	a.v[a.n++] = "--status-body";
	a.v[a.n++] = a.status;
	fake_start(&e->fake, a.v, a.n);
	add_fake(e);
	known_agent(e, both);
	memset(&earlier, 0, sizeof(earlier));
	earlier.pid = 1234;
	model_apply_status(&e->m, 0, D6, &earlier, util_wallclock() - 10);
	assert_int_equal(e->m.servers[0].d[D6].reach, REACH_OK);

	run_once(e, 5.0);
	sv = &e->m.servers[0];
	assert_int_equal(sv->d[D4].reach, REACH_OK);
	assert_true(sv->d[D4].has_status);
	assert_int_equal(sv->d[D4].status.pid, pid_in("status-get.dhcp4.lb-primary.normal"));
	assert_int_equal(sv->d[D6].reach, REACH_UNKNOWN);
	assert_int_equal(sv->d[D6].fault, FAULT_MALFORMED);
	assert_clear_text(sv->d[D6].error);
	assert_non_null(strstr(sv->d[D6].error, "dhcp6"));
}

/*
 * A slow agent (250 ms an answer) and a run too short for its seven requests:
 * the status arrives, the deadline then cuts the heartbeats, and the run ends
 * on time. (The cut is reported as the endpoint's "timeout", daemons unknown.)
 */
static void test_slow_agent_deadline(void **state)
{
	struct env *e = *state;
	struct args a;
	const struct server *sv;

	args_agent(&a, e, "0");
	a.v[a.n++] = "--mode";
	a.v[a.n++] = "slow";
	a.v[a.n++] = "--delay-ms";
	a.v[a.n++] = "250";
	fake_start(&e->fake, a.v, a.n);
	add_fake(e);
	run_once(e, 1.6);
	sv = &e->m.servers[0];
	assert_true(e->done_at - e->t0 >= 1.4);
	assert_true(sv->probed);
	assert_true(sv->d[D4].has_status);
	assert_true(sv->d[D6].has_status);
	assert_int_equal(sv->fault, FAULT_TIMEOUT);
	assert_clear_text(sv->error);
}

/* The endpoint failed: the server carries the fault, every daemon is unknown. */
static void assert_endpoint_fault(const struct env *e, enum fault f)
{
	const struct server *sv = &e->m.servers[0];

	assert_int_equal(sv->fault, f);
	assert_int_equal(sv->reach, REACH_UNKNOWN);
	assert_false(sv->probed);
	assert_clear_text(sv->error);
	for (int s = 0; s < KEA_SERVICE_COUNT; s++) {
		assert_int_equal(sv->d[s].reach, REACH_UNKNOWN);
		assert_int_equal(sv->d[s].fault, f);
		assert_false(sv->d[s].has_status);
	}
}

/* A fake in mode M (with the status body the mode may need), one once run. */
static void mode_case(struct env *e, const char *mode, double deadline)
{
	struct args a;

	memset(&a, 0, sizeof(a));
	raw_path(a.status, sizeof(a.status), "status-get.dhcp4.lb-primary.normal");
	a.v[a.n++] = "--mode";
	a.v[a.n++] = mode;
	a.v[a.n++] = "--status-body";
	a.v[a.n++] = a.status;
	fake_start(&e->fake, a.v, a.n);
	add_fake(e);
	run_once(e, deadline);
}

static void test_garbage(void **state)
{
	struct env *e = *state;

	mode_case(e, "garbage", 5.0);
	assert_endpoint_fault(e, FAULT_MALFORMED);
	assert_true(strncmp(e->m.servers[0].error, "not an HTTP reply: ", 19) == 0);
}

static void test_cut_body(void **state)
{
	struct env *e = *state;

	mode_case(e, "cut-body", 5.0);
	assert_endpoint_fault(e, FAULT_MALFORMED);
	assert_true(strncmp(e->m.servers[0].error, "reply cut short: ", 17) == 0);
}

static void test_http_401(void **state)
{
	struct env *e = *state;

	mode_case(e, "http-401", 5.0);
	assert_endpoint_fault(e, FAULT_AUTH);
	assert_string_equal(e->m.servers[0].error,
			    "HTTP 401: authentication failed (check user and password-file)");
}

static void test_http_500(void **state)
{
	struct env *e = *state;

	mode_case(e, "http-500", 5.0);
	assert_endpoint_fault(e, FAULT_HTTP);
	assert_string_equal(e->m.servers[0].error, "HTTP 500");
}

/* A request timeout longer than the run's deadline: the deadline ends it. */
static void test_hang_deadline(void **state)
{
	struct env *e = *state;

	e->cfg.request_timeout = 10.0;
	mode_case(e, "hang", 1.5);
	assert_endpoint_fault(e, FAULT_TIMEOUT);
	assert_string_equal(e->m.servers[0].error, "timeout");
	assert_true(e->done_at - e->t0 >= 1.3);
}

static void test_hang_timeout(void **state)
{
	struct env *e = *state;

	e->cfg.request_timeout = 0.5;
	mode_case(e, "hang", 5.0);
	assert_endpoint_fault(e, FAULT_TIMEOUT);
	assert_true(e->done_at - e->t0 >= 0.45);
	assert_true(e->done_at - e->t0 < 3.0);
}

static void test_refused(void **state)
{
	struct env *e = *state;
	int fd, port = closed_port(&fd);

	assert_true(port > 0);
	snprintf(e->url, sizeof(e->url), "http://127.0.0.1:%d/", port);
	add_url(e, e->url);
	run_once(e, 5.0);
	close(fd);
	assert_endpoint_fault(e, FAULT_REFUSED);
	assert_string_equal(e->m.servers[0].error, "connection refused");
}

static void test_not_json(void **state)
{
	struct env *e = *state;

	mode_case(e, "not-json", 5.0);
	assert_endpoint_fault(e, FAULT_MALFORMED);
	assert_string_equal(e->m.servers[0].error, "reply is not JSON");
}

static void test_empty_list(void **state)
{
	struct env *e = *state;

	mode_case(e, "empty-list", 5.0);
	assert_endpoint_fault(e, FAULT_MALFORMED);
	assert_string_equal(e->m.servers[0].error, "reply is an empty list");
}

/* The probe (config-get) may be 64 MB: the 10 MB answer arrives, and says nothing. */
static void test_huge_probe(void **state)
{
	struct env *e = *state;

	e->cfg.request_timeout = 10.0;
	mode_case(e, "huge", 15.0);
	assert_endpoint_fault(e, FAULT_MALFORMED);
	assert_string_equal(e->m.servers[0].error,
			    "config-get answer is neither a Control Agent's nor a DHCP server's");
}

/* A server already known (a later round): status-get is limited to 1 MB. */
static void test_huge_status(void **state)
{
	struct env *e = *state;
	bool has[KEA_SERVICE_COUNT] = { [D4] = true };
	const struct server *sv;
	struct args a;

	memset(&a, 0, sizeof(a));
	a.v[a.n++] = "--mode";
	a.v[a.n++] = "huge";
	fake_start(&e->fake, a.v, a.n);
	add_fake(e);
	known_agent(e, has);
	e->cfg.request_timeout = 10.0;
	run_once(e, 15.0);
	sv = &e->m.servers[0];
	assert_int_equal(sv->fault, FAULT_TOO_LARGE);
	assert_int_equal(sv->reach, REACH_UNKNOWN);
	assert_int_equal(sv->d[D4].fault, FAULT_TOO_LARGE);
	assert_int_equal(sv->d[D4].reach, REACH_UNKNOWN);
	assert_clear_text(sv->error);
	assert_string_equal(sv->error, "reply too large: over the limit of 1048576 bytes");
	poller_free(e->p);
	e->p = NULL;
	fake_stop(&e->fake);
	assert_int_equal(fake_figure(&e->fake, "requests"), 1); /* status-get only */
}

/* The checker itself must be able to fail. */
/* ---- running (not once): what later rounds ask ---- */

static void on_update_running(void *ctx)
{
	((struct env *)ctx)->updates++;
}

/* The poller as watch and the dashboard run it, for seconds, then stopped by the harness. */
static void run_for(struct env *e, double seconds)
{
	struct poller_opts po = {
		.interval = 0.3,
		.timeout = 2.0,
		.stats_interval = 0,
		.heartbeat_interval = 600,
	};

	e->p = poller_new(&e->loop, &e->m, &e->cfg, &po);
	poller_on_update(e->p, on_update_running, e);
	uv_update_time(&e->loop);
	uv_timer_start(&e->finisher, on_finish, (uint64_t)(seconds * 1000.0), 0);
	uv_timer_start(&e->guard, on_guard, (uint64_t)((seconds + 10.0) * 1000.0), 0);
	uv_unref((uv_handle_t *)&e->guard);
	poller_start(e->p);
	uv_run(&e->loop, UV_RUN_DEFAULT);
	uv_timer_stop(&e->guard);
	assert_false(e->guard_fired);
}

/*
 * A Kea 3 daemon (its captured config-get carries a hash) is asked
 * config-hash-get in the rounds after the first; this one (the fake) does
 * not know the command (result 2): the poller falls back on status-get's
 * reload for it. A Kea 2.2 agent (no hash) is never asked.
 */
static void test_config_hash_rounds(void **state)
{
	struct env *e = *state;
	char config[FIXTURE_PATH_LEN], status[FIXTURE_PATH_LEN], hb[FIXTURE_PATH_LEN];
	const char *v[] = { "--config-body", config, "--status-body", status, "--heartbeat-body", hb };
	const struct daemon *d;

	snprintf(config, sizeof(config), "%s/raw/config-get.direct.lb-primary.normal.body", fixture_dir3());
	snprintf(status, sizeof(status), "%s/raw/status-get.direct.lb-primary.normal.body", fixture_dir3());
	snprintf(hb, sizeof(hb), "%s/raw/ha-heartbeat.direct.lb-primary.normal.body", fixture_dir3());
	fake_start(&e->fake, v, 6);
	add_fake(e);
	run_for(e, 2.0);
	d = &e->m.servers[0].d[D4];
	assert_int_equal(e->m.servers[0].transport, TRANSPORT_DIRECT);
	assert_true(d->has_config);
	assert_string_equal(d->config.hash, "3928765433FE23E03ABC5051DCD215A9F6383F97956EC36F9E250522890CDA0E");
	assert_true(d->no_hash_cmd);
	assert_false(model_watches_hash(d));
	assert_int_equal(d->reach, REACH_OK);
	assert_true(e->updates > 3);
}

static void test_no_config_hash_for_kea2(void **state)
{
	struct env *e = *state;
	struct args a;

	args_agent(&a, e, "0");
	fake_start(&e->fake, a.v, a.n);
	add_fake(e);
	run_for(e, 1.5);
	for (int s = 0; s < KEA_SERVICE_COUNT; s++) {
		assert_string_equal(e->m.servers[0].d[s].config.hash, "");
		assert_false(e->m.servers[0].d[s].no_hash_cmd);
	}
	assert_int_equal(e->m.servers[0].transport, TRANSPORT_AGENT);
}

/* ---- continuous mode: the update callback coalesced (poller.h: at most one per 20 ms) ---- */

#define GAP_MS 20u               /* poller.h's promise; NOTIFY_GAP_MS in poller.c */
#define QUIET_MS 60u             /* no model change for this long: every change must have been told */
#define ANSWER_MS 250u           /* the fake answers this long, then is held (SIGSTOP) for a quiet spell */
#define HOLD_MAX_MS 2000u        /* a spell that never gets quiet: given up (and the test fails) */
#define COALESCE_ENDPOINTS 16
#define COALESCE_REC 4096

/*
 * What the update callbacks and the model did, on the loop's own clock (ms):
 * each callback with the generation it saw, and each loop pass that changed
 * the model (a uv_check handle runs after the pass's replies were applied).
 * The fake is held now and then (SIGSTOP, by its PID) so that quiet spells
 * come whatever the poller's round schedule is.
 */
struct coalesce {
	struct env *e;
	uv_check_t check;
	uv_timer_t tick;
	uint64_t t0, run_ms, last_change, phase_start;
	unsigned seen_gen;
	bool held;                       /* the fake is stopped: a quiet spell is awaited */
	bool armed;                      /* quiet at the last tick too: judged at this one */
	int armed_ncb;
	int ncb, nch;
	uint64_t cb_t[COALESCE_REC], ch_t[COALESCE_REC];
	unsigned cb_gen[COALESCE_REC], ch_gen[COALESCE_REC];
	uint64_t spell_t[COALESCE_REC];  /* when each quiet spell was judged */
	int quiet_spells, never_quiet, lost;
	unsigned lost_gen, lost_told;
	bool overflow, ended;
};

static void on_update_coalesce(void *ctx)
{
	struct coalesce *c = ctx;

	if (c->ncb == COALESCE_REC) {
		c->overflow = true;
		return;
	}
	c->cb_t[c->ncb] = uv_now(&c->e->loop);
	c->cb_gen[c->ncb++] = c->e->m.generation;
}

static void on_pass(uv_check_t *h)
{
	struct coalesce *c = h->data;
	uint64_t now = uv_now(h->loop);

	if (c->e->m.generation == c->seen_gen)
		return;
	if (c->nch == COALESCE_REC) {
		c->overflow = true;
		return;
	}
	c->ch_t[c->nch] = now;
	c->ch_gen[c->nch++] = c->e->m.generation;
	c->seen_gen = c->e->m.generation;
	c->last_change = now;
	c->armed = false;
}

/* A quiet spell, seen at two ticks in a row (so a callback due meanwhile has run): judged. */
static bool judge_quiet(struct coalesce *c, uint64_t now)
{
	unsigned gen = c->e->m.generation;

	if (gen != c->seen_gen || now - c->last_change < QUIET_MS) {
		c->armed = false;
		return false;
	}
	if (!c->armed || c->armed_ncb != c->ncb) {
		c->armed = true;
		c->armed_ncb = c->ncb;
		return false;
	}
	c->armed = false;
	c->spell_t[c->quiet_spells++] = now;
	if (c->ncb == 0 || c->cb_gen[c->ncb - 1] != gen) {
		c->lost++;
		c->lost_gen = gen;
		c->lost_told = c->ncb ? c->cb_gen[c->ncb - 1] : 0;
	}
	return true;
}

static void hold_fake(struct coalesce *c, bool hold, uint64_t now)
{
	kill(c->e->fake.pid, hold ? SIGSTOP : SIGCONT);
	c->held = hold;
	c->armed = false;
	c->phase_start = now;
}

/* Every 10 ms: the fake answers for a while, then is held until the model is quiet and judged. */
static void on_tick(uv_timer_t *t)
{
	struct coalesce *c = t->data;
	uint64_t now = uv_now(t->loop);

	if (!c->held) {
		if (now - c->phase_start >= ANSWER_MS)
			hold_fake(c, true, now);
		return;
	}
	if (!judge_quiet(c, now)) {
		if (now - c->phase_start >= HOLD_MAX_MS) {
			c->never_quiet++;
			hold_fake(c, false, now);
		}
		return;
	}
	if (now - c->t0 >= c->run_ms) {
		/* Stopped in a quiet spell, so no callback can still be due. */
		c->ended = true;
		poller_stop(c->e->p);
		uv_timer_stop(t);
		uv_check_stop(&c->check);
		return;
	}
	hold_fake(c, false, now);
}

/* The poller as the dashboard runs it, recorded until a quiet spell after run_ms. */
static void run_recorded(struct env *e, struct coalesce *c, double interval, uint64_t run_ms)
{
	struct poller_opts po = { .interval = interval, .timeout = 5.0, .heartbeat_interval = 600 };

	c->e = e;
	c->run_ms = run_ms;
	e->p = poller_new(&e->loop, &e->m, &e->cfg, &po);
	poller_on_update(e->p, on_update_coalesce, c);
	uv_check_init(&e->loop, &c->check);
	uv_timer_init(&e->loop, &c->tick);
	c->check.data = c->tick.data = c;
	uv_update_time(&e->loop);
	c->t0 = c->last_change = c->phase_start = uv_now(&e->loop);
	c->seen_gen = e->m.generation;
	uv_check_start(&c->check, on_pass);
	uv_timer_start(&c->tick, on_tick, 10, 10);
	uv_timer_start(&e->guard, on_guard, run_ms + 30000, 0);
	uv_unref((uv_handle_t *)&e->guard);
	poller_start(e->p);
	uv_run(&e->loop, UV_RUN_DEFAULT);
	uv_timer_stop(&e->guard);
	kill(e->fake.pid, SIGCONT);
	uv_close((uv_handle_t *)&c->check, NULL);
	uv_close((uv_handle_t *)&c->tick, NULL);
	assert_false(e->guard_fired);
	assert_true(c->ended);
	assert_false(c->overflow);
}

/*
 * Quiet spells after which the first callback came no later than the first
 * change: the first reply after the gap was told at once (a reply that
 * changed nothing may be that one), not held back for 20 ms.
 */
static int told_at_once(const struct coalesce *c)
{
	int n = 0, k = 0, i = 0;

	for (int j = 0; j < c->quiet_spells; j++) {
		while (k < c->ncb && c->cb_t[k] <= c->spell_t[j])
			k++;
		while (i < c->nch && c->ch_t[i] <= c->spell_t[j])
			i++;
		if (k < c->ncb && i < c->nch && c->cb_t[k] <= c->ch_t[i])
			n++;
	}
	return n;
}

/*
 * Sixteen agents on one fake, polled every 0.2 s for about 3 s, the fake
 * held now and then for a quiet spell. Shown on the loop's clock, not the
 * wall's: no two callbacks within 20 ms however many replies arrive (a
 * burst is told once, plus its trailing change), far fewer callbacks than
 * replies, the first change after a quiet spell told in its own pass, and
 * in every quiet spell (the last one too) the last callback saw the model as
 * it is: the trailing change of a burst is never lost.
 */
static void test_update_coalescing(void **state)
{
	struct env *e = *state;
	struct coalesce *c = calloc(1, sizeof(*c));
	struct poller_stats ps;
	struct args a;
	char err[200];

	assert_non_null(c);
	args_agent(&a, e, "0");
	a.v[a.n++] = "--count";
	a.v[a.n++] = "16";
	fake_start_at(&e->fake, "127.0.6.1", a.v, a.n);
	for (int i = 0; i < COALESCE_ENDPOINTS; i++) {
		char url[64];
		snprintf(url, sizeof(url), "http://127.0.6.%d:%d/", i + 1, e->fake.port);
		assert_true(config_add_url(&e->cfg, url, err, sizeof(err)));
		model_add_server(&e->m, e->cfg.servers[i].name, e->cfg.servers[i].url, ORIGIN_CONFIG);
		e->m.servers[i].auto_name = e->cfg.servers[i].auto_name;
	}
	run_recorded(e, c, 0.2, 3000);
	poller_get_stats(e->p, &ps);
	if (getenv("KEAHA_COALESCE_TRACE"))
		fprintf(stderr, "%d callbacks, %d changing passes, %lu requests, %d quiet spells, "
			"%d told at once\n", c->ncb, c->nch, ps.requests, c->quiet_spells, told_at_once(c));

	/* Every endpoint answered, round after round. */
	for (int i = 0; i < COALESCE_ENDPOINTS; i++)
		assert_int_equal(e->m.servers[i].reach, REACH_OK);
	assert_true(ps.requests >= COALESCE_ENDPOINTS * 4);
	/* At most one callback per 20 ms of loop time, whatever arrives in between. */
	assert_true(c->ncb >= 2);
	for (int k = 1; k < c->ncb; k++) {
		if (c->cb_t[k] - c->cb_t[k - 1] < GAP_MS)
			fail_msg("callbacks %d and %d %llu ms apart (at most one per %u ms)", k - 1, k,
				 (unsigned long long)(c->cb_t[k] - c->cb_t[k - 1]), GAP_MS);
		assert_true(c->cb_gen[k] >= c->cb_gen[k - 1]);
	}
	/* Many replies, few callbacks: not one callback per reply. */
	if ((unsigned long)c->ncb * 2 >= ps.requests)
		fail_msg("%d callbacks for %lu requests: not coalesced", c->ncb, ps.requests);
	/* No update lost: in every quiet spell (the end too) the model was as last told. */
	assert_int_equal(c->never_quiet, 0);
	assert_true(c->quiet_spells >= 3);
	if (c->lost)
		fail_msg("%d of %d quiet spells with a change never told (generation %u, last told %u)",
			 c->lost, c->quiet_spells, c->lost_gen, c->lost_told);
	assert_int_equal(c->cb_gen[c->ncb - 1], e->m.generation);
	/* A change after a gap is told at once, in the pass that brought it. */
	assert_true(told_at_once(c) >= 1);
	poller_free(e->p);
	e->p = NULL;
	loop_drain(&e->loop); /* the recorder's handles close before it goes */
	free(c);
}

static void test_clear_text(void **state)
{
	(void)state;
	assert_true(clear_text("reply too large: over the limit of 1048576 bytes"));
	assert_true(clear_text("connection refused"));
	assert_false(clear_text("reply too large: reply too large"));
	assert_false(clear_text(""));
	assert_false(clear_text("bad\x01 byte in it"));
	assert_false(clear_text("\x7f\x45LF garbage"));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_agent),
		T(test_agent_clock_ahead),
		T(test_agent_one_answer_for_two),
		T(test_slow_agent_deadline),
		T(test_garbage),
		T(test_cut_body),
		T(test_http_401),
		T(test_http_500),
		T(test_hang_deadline),
		T(test_hang_timeout),
		T(test_refused),
		T(test_not_json),
		T(test_empty_list),
		T(test_huge_probe),
		T(test_huge_status),
		T(test_config_hash_rounds),
		T(test_no_config_hash_for_kea2),
		T(test_update_coalescing),
		cmocka_unit_test(test_clear_text),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
