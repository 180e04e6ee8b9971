/*
 * One-shot run on the loop: the poller in once mode, a deadline timer that
 * stops it whatever the agents do, and a zero-delay "finish" timer so that
 * the poller is never torn down from inside one of its own callbacks.
 */
#include "status_cmd.h"

#include <stdio.h>
#include <stdlib.h>

#include <uv.h>

#include "drift.h"
#include "poller.h"
#include "replstate.h"
#include "report.h"
#include "topology.h"
#include "util.h"
#include "verdict.h"

struct run {
	uv_loop_t loop;
	uv_timer_t deadline;
	uv_timer_t finisher;
	struct poller *poller;
	struct model model;
	bool finishing;
};

static void on_finish(uv_timer_t *t)
{
	struct run *r = t->data;

	poller_stop(r->poller);
	uv_timer_stop(&r->deadline);
	uv_close((uv_handle_t *)&r->deadline, NULL);
	uv_close((uv_handle_t *)&r->finisher, NULL);
}

static void finish_soon(struct run *r)
{
	if (r->finishing)
		return;
	r->finishing = true;
	uv_timer_start(&r->finisher, on_finish, 0, 0);
}

static void on_update(void *ctx)
{
	struct run *r = ctx;

	if (poller_done(r->poller))
		finish_soon(r);
}

static void on_deadline(uv_timer_t *t)
{
	finish_soon(t->data);
}

static void add_configured(struct model *m, const struct keaha_config *cfg)
{
	model_reserve_servers(m, cfg->nservers);
	for (int i = 0; i < cfg->nservers; i++) {
		int s = model_add_server(m, cfg->servers[i].name, cfg->servers[i].url, ORIGIN_CONFIG);
		m->servers[s].auto_name = cfg->servers[i].auto_name;
	}
}

static void print(const struct model *m, const struct status_opts *o)
{
	double now = util_wallclock();

	if (o->list) {
		report_list(m, o->json, stdout);
	} else if (o->json) {
		cJSON *j = report_json(m, now);
		char *s = cJSON_Print(j);
		puts(s);
		cJSON_free(s);
		cJSON_Delete(j);
	} else {
		report_table(m, now, stdout);
	}
}

void status_cmd_discover(const struct keaha_config *cfg, const struct status_opts *o,
			 struct model *m)
{
	struct run r = { 0 };
	struct poller_opts po = {
		.interval = cfg->poll_interval,
		.timeout = cfg->request_timeout,
		.stats_interval = 1, /* once: pool usage shows who carries the pools */
		.once = true,
		.deadline = o->timeout,
	};

	r.model = *m;
	add_configured(&r.model, cfg);
	topology_load(&r.model, o->state_dir, cfg);
	uv_loop_init(&r.loop);
	r.poller = poller_new(&r.loop, &r.model, cfg, &po);
	poller_on_update(r.poller, on_update, &r);
	uv_timer_init(&r.loop, &r.deadline);
	uv_timer_init(&r.loop, &r.finisher);
	r.deadline.data = r.finisher.data = &r;
	uv_timer_start(&r.deadline, on_deadline, (uint64_t)(o->timeout * 1000.0), 0);
	poller_start(r.poller);
	uv_run(&r.loop, UV_RUN_DEFAULT);
	poller_free(r.poller);
	uv_run(&r.loop, UV_RUN_DEFAULT);
	uv_loop_close(&r.loop);

	verdict_update_all(&r.model, util_wallclock(), NULL, NULL);
	replstate_apply(&r.model, o->state_dir);
	drift_update_all(&r.model);
	topology_save(&r.model, o->state_dir, cfg);
	*m = r.model;
}

int status_cmd_run(const struct keaha_config *cfg, const struct status_opts *o)
{
	struct model m;
	int code;

	model_init(&m);
	status_cmd_discover(cfg, o, &m);
	print(&m, o);
	code = o->list ? (m.nrels ? 0 : REPORT_EXIT_UNREACHABLE) : (int)report_exit_code(&m);
	model_free(&m);
	return code;
}
