/*
 * The transport against bench/fakeagent: each test starts one fake Kea
 * Control Agent as a child process on loopback, in one fault mode, and
 * checks the typed result the transport reports for it. Callbacks only
 * record what they got; assertions run after the loop. Every loop run is
 * bounded by a guard timer, and the fake is stopped by its PID in the
 * test's teardown, so a failed assertion leaves nothing behind.
 *
 *   $KEAHA_FAKEAGENT  the fake's binary, default build/fakeagent
 *   $KEAHA_FIXTURES   the captured bodies (fixture.h)
 */
#include <signal.h>
#include <unistd.h>

#include "fakeagent.h"

#include "transport.h"
#include "util.h"

#define MAX_EP 20
#define STATUS_BODY "status-get.dhcp4.lb-primary.normal"
#define STATUS_REQ "{\"command\":\"status-get\",\"service\":[\"dhcp4\"]}"
#define SMALL (1u << 20)
#define LARGE (64u << 20)
#define HUGE_LEN (26u + 10u * 1024 * 1024 + 5u) /* "[ { ... \"text\": \"" x... "\" } ]" */

/* ---- the loop, the transport and what came back ---- */

struct call {
	int calls;
	struct transport_reply r;   /* the first reply, body copied */
	char *body;
	double at;                  /* monotonic, when it came */
	struct endpoint *chain;     /* send once more from the callback, into the next call */
	const char *chain_body;
	bool chain_sent;
};

struct env {
	struct fake fake;
	uv_loop_t loop;
	uv_timer_t guard;
	bool guard_fired;
	struct transport *t;
	struct endpoint *ep[MAX_EP];
	struct call call[MAX_EP];
	char *expect;               /* the fixture body */
	size_t expect_len;
};

static void on_done(void *ctx, const struct transport_reply *r)
{
	struct call *c = ctx;

	if (c->calls++ > 0)
		return;
	c->r = *r;
	c->body = xmalloc(r->body_len + 1);
	memcpy(c->body, r->body, r->body_len);
	c->body[r->body_len] = '\0';
	c->r.body = NULL;
	c->at = util_monotonic();
	if (c->chain && !c->chain_sent)
		c->chain_sent = transport_send(c->chain, c->chain_body, 3000, SMALL, on_done, c + 1);
}

static void call_reset(struct call *c)
{
	free(c->body);
	memset(c, 0, sizeof(*c));
}

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	if (!e || uv_loop_init(&e->loop) != 0)
		return -1;
	uv_timer_init(&e->loop, &e->guard);
	e->guard.data = e;
	e->fake.exit_status = -1;
	*state = e;
	return 0;
}


static int teardown(void **state)
{
	struct env *e = *state;
	int rc;

	for (int i = 0; i < MAX_EP; i++)
		transport_endpoint_free(e->ep[i]);
	transport_free(e->t);
	uv_close((uv_handle_t *)&e->guard, NULL);
	rc = loop_close_checked(&e->loop);
	fake_stop(&e->fake);
	for (int i = 0; i < MAX_EP; i++)
		call_reset(&e->call[i]);
	free(e->expect);
	free(e);
	return rc;
}

static void on_guard(uv_timer_t *t)
{
	struct env *e = t->data;

	e->guard_fired = true;
	uv_stop(t->loop);
}

/* One loop run until it has nothing left to do; false when ms passed first. */
static bool run_dry(struct env *e, uint64_t ms)
{
	e->guard_fired = false;
	uv_timer_start(&e->guard, on_guard, ms, 0);
	uv_unref((uv_handle_t *)&e->guard);
	uv_run(&e->loop, UV_RUN_DEFAULT);
	uv_timer_stop(&e->guard);
	uv_ref((uv_handle_t *)&e->guard);
	return !e->guard_fired;
}

/* Runs the loop for ms, whatever happens in it. */
static void run_for(struct env *e, uint64_t ms)
{
	e->guard_fired = false;
	uv_timer_start(&e->guard, on_guard, ms, 0);
	while (!e->guard_fired)
		uv_run(&e->loop, UV_RUN_ONCE);
	uv_timer_stop(&e->guard);
}

static void start_fake(struct env *e, const char *const *args, int nargs)
{
	fake_start(&e->fake, args, nargs);
}

static struct endpoint *endpoint_at(struct env *e, int i, const char *host)
{
	char url[80];
	struct endpoint_opts o = { .url = url };

	if (!e->t)
		e->t = transport_new(&e->loop);
	snprintf(url, sizeof(url), "http://%s:%d/", host, e->fake.port);
	e->ep[i] = transport_endpoint_new(e->t, &o);
	return e->ep[i];
}

/* One request on endpoint 0, the loop run dry; the reply is in e->call[0]. */
static void exchange(struct env *e, const char *body, long timeout_ms, size_t max_body)
{
	struct endpoint *ep = e->ep[0] ? e->ep[0] : endpoint_at(e, 0, "127.0.0.1");

	call_reset(&e->call[0]);
	assert_true(transport_send(ep, body, timeout_ms, max_body, on_done, &e->call[0]));
	assert_true(run_dry(e, (uint64_t)timeout_ms + 5000));
	assert_int_equal(e->call[0].calls, 1);
}

static void expect_status_body(struct env *e)
{
	e->expect = read_raw(STATUS_BODY, &e->expect_len);
}

static void assert_fixture_body(const struct env *e, const struct call *c)
{
	assert_int_equal(c->r.body_len, e->expect_len);
	assert_memory_equal(c->body, e->expect, e->expect_len);
}

static void assert_stats(const struct env *e, unsigned long sent, unsigned long failed)
{
	struct transport_stats st;

	transport_get_stats(e->t, &st);
	assert_int_equal(st.sent, sent);
	assert_int_equal(st.failed, failed);
	assert_int_equal(st.in_flight, 0);
}

/* ---- tests ---- */

/* argv for a mode that needs the status body: --mode M --status-body F. */
struct args {
	const char *v[12];
	int n;
	char status[FIXTURE_PATH_LEN];
};

static void args_mode(struct args *a, const char *mode)
{
	memset(a, 0, sizeof(*a));
	raw_path(a->status, sizeof(a->status), STATUS_BODY);
	a->v[a->n++] = "--mode";
	a->v[a->n++] = mode;
	a->v[a->n++] = "--status-body";
	a->v[a->n++] = a->status;
}

static void test_normal(void **state)
{
	struct env *e = *state;
	struct args a;
	const struct call *c = &e->call[0];
	double now;

	args_mode(&a, "normal");
	start_fake(e, a.v, a.n);
	expect_status_body(e);
	exchange(e, STATUS_REQ, 3000, SMALL);
	now = util_wallclock();
	assert_int_equal(c->r.error, TRANSPORT_OK);
	assert_int_equal(c->r.curl_code, 0);
	assert_string_equal(c->r.message, "");
	assert_int_equal(c->r.http_status, 200);
	assert_fixture_body(e, c);
	/* The Date header: whole seconds of the fake's clock, which is ours. */
	assert_true(c->r.has_date);
	assert_true(c->r.date >= c->r.sent_at - 1.5 && c->r.date <= now + 0.5);
	assert_true(c->r.rtt > 0 && c->r.rtt < 3.0);
	assert_true(c->r.sent_at > now - 10 && c->r.sent_at <= now);
	assert_false(transport_busy(e->ep[0]));
	assert_stats(e, 1, 0);
	assert_string_equal(transport_error_text(c->r.error), "ok");
}

/* The Date header is the agent's clock, not ours. */
static void test_date_is_the_agents_clock(void **state)
{
	struct env *e = *state;
	struct args a;
	const struct call *c = &e->call[0];
	double ahead;

	args_mode(&a, "normal");
	a.v[a.n++] = "--clock-offset";
	a.v[a.n++] = "45";
	start_fake(e, a.v, a.n);
	exchange(e, STATUS_REQ, 3000, SMALL);
	assert_int_equal(c->r.error, TRANSPORT_OK);
	assert_true(c->r.has_date);
	ahead = c->r.date - c->r.sent_at;
	assert_true(ahead > 43.5 && ahead < 46.0);
}

/* Three requests on one endpoint, the second sent from the first's callback: one connection. */
static void test_keep_alive(void **state)
{
	struct env *e = *state;
	struct args a;

	args_mode(&a, "normal");
	start_fake(e, a.v, a.n);
	expect_status_body(e);
	endpoint_at(e, 0, "127.0.0.1");
	e->call[0].chain = e->ep[0];
	e->call[0].chain_body = STATUS_REQ;
	assert_true(transport_send(e->ep[0], STATUS_REQ, 3000, SMALL, on_done, &e->call[0]));
	assert_true(run_dry(e, 8000));
	assert_int_equal(e->call[0].calls, 1);
	assert_true(e->call[0].chain_sent);
	assert_int_equal(e->call[1].calls, 1);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(e->call[i].r.error, TRANSPORT_OK);
		assert_int_equal(e->call[i].r.http_status, 200);
		assert_fixture_body(e, &e->call[i]);
	}
	/* A third, from outside any callback, after the loop went idle. */
	assert_true(transport_send(e->ep[0], STATUS_REQ, 3000, SMALL, on_done, &e->call[2]));
	assert_true(run_dry(e, 5000));
	assert_int_equal(e->call[2].calls, 1);
	assert_int_equal(e->call[2].r.error, TRANSPORT_OK);
	assert_fixture_body(e, &e->call[2]);
	assert_stats(e, 3, 0);

	fake_stop(&e->fake);
	assert_int_equal(e->fake.exit_status, 0);
	assert_int_equal(fake_figure(&e->fake, "requests"), 3);
	assert_int_equal(fake_figure(&e->fake, "connections"), 1);
}

static void test_garbage(void **state)
{
	struct env *e = *state;
	struct args a;
	const struct call *c = &e->call[0];

	args_mode(&a, "garbage");
	start_fake(e, a.v, a.n);
	exchange(e, STATUS_REQ, 3000, SMALL);
	assert_int_equal(c->r.error, TRANSPORT_PROTOCOL);
	assert_int_not_equal(c->r.curl_code, 0);
	assert_true(c->r.message[0] != '\0');
	assert_stats(e, 1, 1);
}

static void test_cut_body(void **state)
{
	struct env *e = *state;
	struct args a;
	const struct call *c = &e->call[0];

	args_mode(&a, "cut-body");
	start_fake(e, a.v, a.n);
	expect_status_body(e);
	exchange(e, STATUS_REQ, 3000, SMALL);
	assert_int_equal(c->r.error, TRANSPORT_CUT);
	assert_int_equal(c->r.http_status, 200);
	/* What did come is the first half of the body, as sent. */
	assert_int_equal(c->r.body_len, e->expect_len / 2);
	assert_memory_equal(c->body, e->expect, c->r.body_len);
	assert_stats(e, 1, 1);
}

static void test_huge_over_limit(void **state)
{
	struct env *e = *state;
	struct args a;
	const struct call *c = &e->call[0];

	args_mode(&a, "huge");
	start_fake(e, a.v, a.n);
	exchange(e, STATUS_REQ, 20000, SMALL);
	assert_int_equal(c->r.error, TRANSPORT_TOO_LARGE);
	assert_true(c->r.body_len <= SMALL);
	/* The message names the limit: "reply too large" alone repeats the error's name. */
	assert_non_null(strstr(c->r.message, "1048576"));
	assert_stats(e, 1, 1);
}

static void test_huge_within_limit(void **state)
{
	struct env *e = *state;
	struct args a;
	const struct call *c = &e->call[0];
	static const char pre[] = "[ { \"result\": 0, \"text\": \"";
	static const char post[] = "\" } ]";

	args_mode(&a, "huge");
	start_fake(e, a.v, a.n);
	exchange(e, STATUS_REQ, 20000, LARGE);
	assert_int_equal(c->r.error, TRANSPORT_OK);
	assert_int_equal(c->r.http_status, 200);
	assert_int_equal(c->r.body_len, HUGE_LEN);
	assert_memory_equal(c->body, pre, sizeof(pre) - 1);
	assert_memory_equal(c->body + HUGE_LEN - (sizeof(post) - 1), post, sizeof(post) - 1);
	for (size_t i = sizeof(pre) - 1; i < HUGE_LEN - (sizeof(post) - 1); i += 4093)
		assert_int_equal(c->body[i], 'x');
}

/* A timeout within a generous bound of the 500 ms asked (a functional bound, not speed). */
static void timeout_case(struct env *e, const char *mode, long status)
{
	struct args a;
	const struct call *c = &e->call[0];
	double t0, took;

	args_mode(&a, mode);
	start_fake(e, a.v, a.n);
	t0 = util_monotonic();
	exchange(e, STATUS_REQ, 500, SMALL);
	took = e->call[0].at - t0;
	assert_int_equal(c->r.error, TRANSPORT_TIMEOUT);
	assert_int_equal(c->r.http_status, status);
	assert_true(took >= 0.45);
	assert_true(took < 3.0);
	assert_stats(e, 1, 1);
}

static void test_hang_after_headers(void **state)
{
	timeout_case(*state, "hang-after-headers", 200);
}

static void test_hang(void **state)
{
	timeout_case(*state, "hang", 0);
}

static void http_error_case(struct env *e, const char *mode, long status, const char *body)
{
	struct args a;
	const struct call *c = &e->call[0];

	args_mode(&a, mode);
	start_fake(e, a.v, a.n);
	exchange(e, STATUS_REQ, 3000, SMALL);
	/* The transfer worked: judging the status is the caller's business. */
	assert_int_equal(c->r.error, TRANSPORT_OK);
	assert_int_equal(c->r.http_status, status);
	assert_string_equal(c->body, body);
	assert_true(c->r.has_date);
	assert_stats(e, 1, 0);
}

static void test_http_500(void **state)
{
	http_error_case(*state, "http-500", 500, "{ \"result\": 500, \"text\": \"Internal Server Error\" }");
}

static void test_http_401(void **state)
{
	http_error_case(*state, "http-401", 401, "{ \"result\": 401, \"text\": \"Unauthorized\" }");
}

static void test_refused(void **state)
{
	struct env *e = *state;
	const struct call *c = &e->call[0];
	int fd, port = closed_port(&fd);

	assert_true(port > 0);
	e->fake.port = port;
	exchange(e, STATUS_REQ, 3000, SMALL);
	close(fd);
	assert_int_equal(c->r.error, TRANSPORT_REFUSED);
	assert_int_equal(c->r.http_status, 0);
	assert_int_equal(c->r.body_len, 0);
	assert_true(c->r.message[0] != '\0');
	assert_true(c->r.rtt < 2.0);
	assert_stats(e, 1, 1);
	assert_string_equal(transport_error_text(c->r.error), "connection refused");
}

static void test_send_while_busy(void **state)
{
	struct env *e = *state;
	struct args a;

	args_mode(&a, "slow");
	a.v[a.n++] = "--delay-ms";
	a.v[a.n++] = "300";
	start_fake(e, a.v, a.n);
	expect_status_body(e);
	endpoint_at(e, 0, "127.0.0.1");
	assert_true(transport_send(e->ep[0], STATUS_REQ, 3000, SMALL, on_done, &e->call[0]));
	assert_true(transport_busy(e->ep[0]));
	assert_false(transport_send(e->ep[0], STATUS_REQ, 3000, SMALL, on_done, &e->call[1]));
	assert_true(run_dry(e, 5000));
	run_for(e, 400); /* room for a second answer that must not come */
	assert_int_equal(e->call[0].calls, 1);
	assert_int_equal(e->call[1].calls, 0);
	assert_int_equal(e->call[0].r.error, TRANSPORT_OK);
	assert_fixture_body(e, &e->call[0]);
	assert_false(transport_busy(e->ep[0]));
	assert_stats(e, 1, 0);
	/* Free again once answered. */
	assert_true(transport_send(e->ep[0], STATUS_REQ, 3000, SMALL, on_done, &e->call[1]));
	assert_true(run_dry(e, 5000));
	assert_int_equal(e->call[1].calls, 1);
	assert_int_equal(e->call[1].r.error, TRANSPORT_OK);
}

static void test_cancel_then_free(void **state)
{
	struct env *e = *state;
	struct args a;
	struct transport_stats st;

	args_mode(&a, "slow");
	a.v[a.n++] = "--delay-ms";
	a.v[a.n++] = "300";
	start_fake(e, a.v, a.n);
	expect_status_body(e);
	endpoint_at(e, 0, "127.0.0.1");

	/* Cancelled after the request left: the answer comes at 300 ms and is dropped. */
	assert_true(transport_send(e->ep[0], STATUS_REQ, 3000, SMALL, on_done, &e->call[0]));
	run_for(e, 100);
	transport_cancel(e->ep[0]);
	assert_false(transport_busy(e->ep[0]));
	transport_get_stats(e->t, &st);
	assert_int_equal(st.in_flight, 0);
	run_for(e, 600);
	assert_int_equal(e->call[0].calls, 0);

	/* The endpoint still works. */
	assert_true(transport_send(e->ep[0], STATUS_REQ, 3000, SMALL, on_done, &e->call[1]));
	assert_true(run_dry(e, 5000));
	assert_int_equal(e->call[1].calls, 1);
	assert_int_equal(e->call[1].r.error, TRANSPORT_OK);
	assert_fixture_body(e, &e->call[1]);

	/* Cancelled and freed while in flight: no callback, nothing left on the loop. */
	assert_true(transport_send(e->ep[0], STATUS_REQ, 3000, SMALL, on_done, &e->call[2]));
	run_for(e, 100);
	transport_cancel(e->ep[0]);
	transport_endpoint_free(e->ep[0]);
	e->ep[0] = NULL;
	run_for(e, 600);
	assert_true(run_dry(e, 2000));
	assert_int_equal(e->call[2].calls, 0);
	transport_get_stats(e->t, &st);
	assert_int_equal(st.in_flight, 0);

	/* And freed in flight without a cancel first. */
	endpoint_at(e, 0, "127.0.0.1");
	assert_true(transport_send(e->ep[0], STATUS_REQ, 3000, SMALL, on_done, &e->call[3]));
	run_for(e, 100);
	transport_endpoint_free(e->ep[0]);
	e->ep[0] = NULL;
	run_for(e, 600);
	assert_int_equal(e->call[3].calls, 0);
	transport_get_stats(e->t, &st);
	assert_int_equal(st.in_flight, 0);
}

/* Twenty agents on one fake, all asked at once, all answered in one loop run. */
static void test_twenty_endpoints(void **state)
{
	struct env *e = *state;
	struct args a;

	args_mode(&a, "normal");
	a.v[a.n++] = "--count";
	a.v[a.n++] = "20";
	fake_start_at(&e->fake, "127.0.3.1", a.v, a.n);
	expect_status_body(e);
	for (int i = 0; i < MAX_EP; i++) {
		char host[32];
		snprintf(host, sizeof(host), "127.0.3.%d", i + 1);
		endpoint_at(e, i, host);
		assert_true(transport_send(e->ep[i], STATUS_REQ, 5000, SMALL, on_done, &e->call[i]));
	}
	assert_true(run_dry(e, 10000));
	for (int i = 0; i < MAX_EP; i++) {
		assert_int_equal(e->call[i].calls, 1);
		assert_int_equal(e->call[i].r.error, TRANSPORT_OK);
		assert_int_equal(e->call[i].r.http_status, 200);
		assert_fixture_body(e, &e->call[i]);
	}
	assert_stats(e, MAX_EP, 0);
	fake_stop(&e->fake);
	assert_int_equal(fake_figure(&e->fake, "requests"), MAX_EP);
	assert_int_equal(fake_figure(&e->fake, "connections"), MAX_EP);
}

static void test_error_texts(void **state)
{
	(void)state;
	assert_string_equal(transport_error_text(TRANSPORT_TIMEOUT), "timeout");
	assert_string_equal(transport_error_text(TRANSPORT_TOO_LARGE), "reply too large");
	assert_string_equal(transport_error_text((enum transport_error)999), "error");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_normal),
		T(test_date_is_the_agents_clock),
		T(test_keep_alive),
		T(test_garbage),
		T(test_cut_body),
		T(test_huge_over_limit),
		T(test_huge_within_limit),
		T(test_hang_after_headers),
		T(test_hang),
		T(test_http_500),
		T(test_http_401),
		T(test_refused),
		T(test_send_while_busy),
		T(test_cancel_then_free),
		T(test_twenty_endpoints),
		cmocka_unit_test(test_error_texts),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
