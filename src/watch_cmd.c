/*
 * The continuous loop without a screen: the poller, verdicts after every
 * update, events found by comparing with what was seen, printed at once.
 * Events start after every server's first round, so start-up (peers not yet
 * asked) is not reported as a string of failures.
 */
#include "watch_cmd.h"

#include <stdio.h>
#include <stdlib.h>

#include <uv.h>

#include "events.h"
#include "drift.h"
#include "poller.h"
#include "topology.h"
#include "util.h"
#include "verdict.h"

struct watch {
	uv_loop_t loop;
	uv_signal_t sigint, sigterm;
	uv_timer_t stop_timer;
	struct poller *poller;
	struct model model;
	struct events events;
	const struct watch_opts *o;
	const struct keaha_config *cfg;
	unsigned long printed;
	bool started;
	unsigned topology_seen;
	unsigned judged_gen;        /* model generation after the last pass */
	double judged_at;
};

static void print_new(struct watch *w)
{
	unsigned long fresh = w->events.total - w->printed;

	for (long i = (long)fresh - 1; i >= 0; i--) {
		const struct event *e = events_get(&w->events, (int)i);
		char line[512];
		if (!e)
			continue;
		if (w->o->json) {
			char *j = events_json_line(e);
			puts(j);
			free(j);
		} else {
			events_format(e, line, sizeof(line));
			puts(line);
		}
	}
	fflush(stdout);
	w->printed = w->events.total;
}

static void on_update(void *ctx)
{
	struct watch *w = ctx;
	double now = util_wallclock();

	if (!w->started && !poller_done(w->poller))
		return;
	w->started = true;
	/* Nothing changed since the last pass and the ages are fresh: a reply that taught nothing. */
	if (w->model.generation == w->judged_gen && now - w->judged_at < VERDICT_REFRESH_S)
		return;
	verdict_update_changed(&w->model, now, NULL, NULL);
	drift_update_changed(&w->model);
	if (w->model.topology_generation != w->topology_seen) {
		w->topology_seen = w->model.topology_generation;
		topology_save(&w->model, w->o->state_dir, w->cfg);
	}
	if (events_observe(&w->events, &w->model, now))
		print_new(w);
	w->judged_gen = w->model.generation;
	w->judged_at = now;
}

static void stop(struct watch *w)
{
	poller_stop(w->poller);
	uv_signal_stop(&w->sigint);
	uv_signal_stop(&w->sigterm);
	uv_timer_stop(&w->stop_timer);
	uv_close((uv_handle_t *)&w->sigint, NULL);
	uv_close((uv_handle_t *)&w->sigterm, NULL);
	uv_close((uv_handle_t *)&w->stop_timer, NULL);
}

static void on_signal(uv_signal_t *h, int signum)
{
	(void)signum;
	stop(h->data);
}

static void on_stop_timer(uv_timer_t *t)
{
	stop(t->data);
}

int watch_cmd_run(const struct keaha_config *cfg, const struct watch_opts *o)
{
	struct watch w = { .o = o, .cfg = cfg };
	struct poller_opts po = {
		.interval = cfg->poll_interval,
		.timeout = cfg->request_timeout,
		.stats_interval = POLLER_STATS_INTERVAL,
		.heartbeat_interval = POLLER_HEARTBEAT_INTERVAL,
	};
	char err[200];

	model_init(&w.model);
	events_init(&w.events, 1000);
	if (o->events_file && !events_open_file(&w.events, o->events_file, err, sizeof(err))) {
		fprintf(stderr, "keaha: %s\n", err);
		events_free(&w.events);
		return 64;
	}
	model_reserve_servers(&w.model, cfg->nservers);
	for (int i = 0; i < cfg->nservers; i++) {
		int s = model_add_server(&w.model, cfg->servers[i].name, cfg->servers[i].url, ORIGIN_CONFIG);
		w.model.servers[s].auto_name = cfg->servers[i].auto_name;
	}
	topology_load(&w.model, o->state_dir, cfg);
	uv_loop_init(&w.loop);
	w.poller = poller_new(&w.loop, &w.model, cfg, &po);
	poller_on_update(w.poller, on_update, &w);
	uv_signal_init(&w.loop, &w.sigint);
	uv_signal_init(&w.loop, &w.sigterm);
	uv_timer_init(&w.loop, &w.stop_timer);
	w.sigint.data = w.sigterm.data = w.stop_timer.data = &w;
	uv_signal_start(&w.sigint, on_signal, SIGINT);
	uv_signal_start(&w.sigterm, on_signal, SIGTERM);
	if (o->duration > 0)
		uv_timer_start(&w.stop_timer, on_stop_timer, (uint64_t)(o->duration * 1000.0), 0);
	poller_start(w.poller);
	uv_run(&w.loop, UV_RUN_DEFAULT);
	poller_free(w.poller);
	uv_run(&w.loop, UV_RUN_DEFAULT);
	uv_loop_close(&w.loop);
	events_free(&w.events);
	model_free(&w.model);
	return 0;
}
