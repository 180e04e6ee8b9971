/*
 * ui/job.c with real child processes (/bin/sh) on a real libuv loop: the
 * output of both pipes, the exit status, a stop by SIGTERM, one job at a
 * time, and an owner forgotten at once. Every loop run is bounded by a
 * timer (5 s) that fails the test.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <uv.h>

#include "job.h"

struct rig {
	uv_loop_t loop;
	uv_timer_t guard;
	struct job *job;
	int changes;
	bool timed_out;
};

static void on_change(void *ctx)
{
	struct rig *r = ctx;

	r->changes++;
	if (!job_busy(r->job))
		uv_stop(&r->loop);
}

static void on_guard(uv_timer_t *t)
{
	struct rig *r = t->data;

	r->timed_out = true;
	uv_stop(&r->loop);
}

static void rig_init(struct rig *r)
{
	memset(r, 0, sizeof(*r));
	uv_loop_init(&r->loop);
	uv_timer_init(&r->loop, &r->guard);
	r->guard.data = r;
	r->job = job_new(&r->loop, on_change, r);
}

/* Runs the loop until the job has ended (or 5 s have passed: a failure). */
static void run_to_end(struct rig *r)
{
	uv_timer_start(&r->guard, on_guard, 5000, 0);
	uv_run(&r->loop, UV_RUN_DEFAULT);
	uv_timer_stop(&r->guard);
	assert_false(r->timed_out);
	assert_false(job_busy(r->job));
}

static void rig_free(struct rig *r)
{
	job_free(r->job);
	uv_close((uv_handle_t *)&r->guard, NULL);
	uv_run(&r->loop, UV_RUN_DEFAULT); /* the handles' close callbacks */
	assert_int_equal(uv_loop_close(&r->loop), 0);
}

static void test_output_and_status(void **state)
{
	static const char *const argv[] = { "/bin/sh", "-c", "echo out; echo err >&2; exit 3", NULL };
	struct rig r;
	char err[200];
	int owner;

	(void)state;
	rig_init(&r);
	assert_null(job_owner(r.job));
	assert_true(job_start(r.job, argv, &owner, err, sizeof(err)));
	assert_true(job_busy(r.job));
	assert_ptr_equal(job_owner(r.job), &owner);
	/* One at a time. */
	assert_false(job_start(r.job, argv, &owner, err, sizeof(err)));
	assert_string_equal(err, "another change is still running");
	run_to_end(&r);
	assert_int_equal(job_status(r.job), 3);
	assert_non_null(strstr(job_output(r.job), "out\n"));
	assert_non_null(strstr(job_output(r.job), "err\n"));
	assert_true(r.changes >= 2);
	job_clear(r.job);
	assert_string_equal(job_output(r.job), "");
	assert_null(job_owner(r.job));
	rig_free(&r);
}

static void test_stop(void **state)
{
	static const char *const argv[] = { "/bin/sh", "-c", "echo started; exec sleep 30", NULL };
	struct rig r;
	char err[200];
	int owner;

	(void)state;
	rig_init(&r);
	assert_true(job_start(r.job, argv, &owner, err, sizeof(err)));
	/* A stopped job's owner is forgotten at once; the child still ends and is read to its end. */
	job_stop(r.job);
	job_clear(r.job);
	assert_null(job_owner(r.job));
	assert_true(job_busy(r.job));
	run_to_end(&r);
	assert_int_equal(job_status(r.job), 128 + SIGTERM);
	rig_free(&r);
}

static void test_cannot_start(void **state)
{
	static const char *const argv[] = { "/nonexistent/keaha", NULL };
	struct rig r;
	char err[200];
	int owner;

	(void)state;
	rig_init(&r);
	assert_false(job_start(r.job, argv, &owner, err, sizeof(err)));
	assert_non_null(strstr(err, "cannot start /nonexistent/keaha"));
	assert_false(job_busy(r.job));
	rig_free(&r);
}

/* Freed while the child runs: the child is stopped and the loop closes cleanly. */
static void test_free_while_running(void **state)
{
	static const char *const argv[] = { "/bin/sh", "-c", "exec sleep 30", NULL };
	struct rig r;
	char err[200];
	int owner;

	(void)state;
	rig_init(&r);
	assert_true(job_start(r.job, argv, &owner, err, sizeof(err)));
	rig_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_output_and_status),
		cmocka_unit_test(test_stop),
		cmocka_unit_test(test_cannot_start),
		cmocka_unit_test(test_free_while_running),
	};

	return cmocka_run_group_tests_name("job", tests, NULL, NULL);
}
