/*
 * The child process and its two pipes. Each start makes a new run (the
 * process handle and the pipes); a run frees itself once libuv has closed
 * its three handles, so a job can be started again, or freed, while the
 * last run's handles are still closing.
 */
#include "job.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct run {
	uv_process_t proc;
	uv_pipe_t out, err;
	int open;              /* handles not yet closed */
	bool exited, out_eof, err_eof;
	struct job *j;         /* NULL once the job forgot it */
	char buf[16384];
};

struct job {
	uv_loop_t *loop;
	void (*on_change)(void *ctx);
	void *ctx;
	struct run *run;
	const void *owner;
	struct sbuf output;
	bool started, ended;
	int status;
};

struct job *job_new(uv_loop_t *loop, void (*on_change)(void *ctx), void *ctx)
{
	struct job *j = xcalloc(1, sizeof(*j));

	j->loop = loop;
	j->on_change = on_change;
	j->ctx = ctx;
	sbuf_init(&j->output);
	return j;
}

static void on_closed(uv_handle_t *h)
{
	struct run *r = h->data;

	if (--r->open == 0)
		free(r);
}

static void close_run(struct run *r)
{
	uv_handle_t *hs[3] = { (uv_handle_t *)&r->proc, (uv_handle_t *)&r->out, (uv_handle_t *)&r->err };

	for (int i = 0; i < 3; i++)
		if (!uv_is_closing(hs[i]))
			uv_close(hs[i], on_closed);
}

/* The job has ended when the child exited and both pipes reached their end. */
static void maybe_end(struct run *r)
{
	struct job *j = r->j;

	if (!r->exited || !r->out_eof || !r->err_eof)
		return;
	close_run(r);
	if (!j)
		return;
	j->run = NULL;
	j->ended = true;
	j->on_change(j->ctx);
}

static void on_exit_cb(uv_process_t *p, int64_t exit_status, int term_signal)
{
	struct run *r = p->data;

	r->exited = true;
	if (r->j)
		r->j->status = term_signal ? 128 + term_signal : (int)exit_status;
	maybe_end(r);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct run *r = h->data;

	(void)suggested;
	*buf = uv_buf_init(r->buf, sizeof(r->buf));
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct run *r = s->data;
	struct job *j = r->j;

	if (n < 0) {
		uv_read_stop(s);
		if (s == (uv_stream_t *)&r->out)
			r->out_eof = true;
		else
			r->err_eof = true;
		maybe_end(r);
		return;
	}
	if (!j || n == 0)
		return;
	if (j->output.len + (size_t)n <= JOB_MAX_OUTPUT)
		sbuf_add(&j->output, buf->base, (size_t)n);
	else if (j->output.len <= JOB_MAX_OUTPUT)
		sbuf_puts(&j->output, "\n[... more output not kept]\n");
	j->on_change(j->ctx);
}

static bool spawn(struct job *j, struct run *r, const char *const *argv, char *err, size_t errlen)
{
	uv_stdio_container_t stdio[3];
	uv_process_options_t o;
	int rc;

	memset(&o, 0, sizeof(o));
	uv_pipe_init(j->loop, &r->out, 0);
	uv_pipe_init(j->loop, &r->err, 0);
	r->out.data = r->err.data = r->proc.data = r;
	stdio[0].flags = UV_IGNORE; /* /dev/null: the child never reads the terminal */
	stdio[1].flags = stdio[2].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
	stdio[1].data.stream = (uv_stream_t *)&r->out;
	stdio[2].data.stream = (uv_stream_t *)&r->err;
	o.file = argv[0];
	o.args = (char **)argv;
	o.exit_cb = on_exit_cb;
	o.stdio = stdio;
	o.stdio_count = 3;
	rc = uv_spawn(j->loop, &r->proc, &o);
	if (rc != 0) {
		snprintf(err, errlen, "cannot start %s: %s", argv[0], uv_strerror(rc));
		r->open = 3; /* libuv wants a failed spawn's process handle closed too */
		r->j = NULL;
		close_run(r);
		return false;
	}
	r->open = 3;
	uv_read_start((uv_stream_t *)&r->out, on_alloc, on_read);
	uv_read_start((uv_stream_t *)&r->err, on_alloc, on_read);
	return true;
}

bool job_start(struct job *j, const char *const *argv, const void *owner, char *err, size_t errlen)
{
	struct run *r;

	if (job_busy(j)) {
		snprintf(err, errlen, "another change is still running");
		return false;
	}
	job_clear(j);
	r = xcalloc(1, sizeof(*r));
	r->j = j;
	if (!spawn(j, r, argv, err, errlen))
		return false;
	j->run = r;
	j->owner = owner;
	j->started = true;
	return true;
}

bool job_busy(const struct job *j)
{
	return j && j->started && !j->ended;
}

const void *job_owner(const struct job *j)
{
	return j ? j->owner : NULL;
}

const char *job_output(const struct job *j)
{
	return j && j->output.s ? j->output.s : "";
}

int job_status(const struct job *j)
{
	return j->status;
}

void job_stop(struct job *j)
{
	if (j && j->run && !j->run->exited)
		uv_process_kill(&j->run->proc, SIGTERM);
}

void job_clear(struct job *j)
{
	if (job_busy(j))
		return;
	sbuf_free(&j->output);
	sbuf_init(&j->output);
	j->owner = NULL;
	j->started = j->ended = false;
	j->status = 0;
}

void job_free(struct job *j)
{
	if (!j)
		return;
	if (j->run) {
		job_stop(j);
		j->run->j = NULL;
		close_run(j->run);
	}
	sbuf_free(&j->output);
	free(j);
}
