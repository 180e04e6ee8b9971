/*
 * Poller: decides what to ask each server and when. Per server one round
 * every interval: identify the endpoint (agent or daemon) once, config-get
 * where a configuration is wanted, status-get; ha-heartbeat per relationship
 * and statistic-get-all at slower paces of their own. One request in flight per endpoint,
 * a timeout per request, back-off for servers that do not answer. Replies go
 * to decode and into the model; the poller itself knows no HA rules.
 */
#ifndef KEAHA_POLLER_H
#define KEAHA_POLLER_H

#include <stdbool.h>

#include <uv.h>

#include "config.h"
#include "model.h"

/* Clocks and unsent updates move slowly: a heartbeat every few seconds is enough. */
#define POLLER_HEARTBEAT_INTERVAL 5.0
#define POLLER_STATS_INTERVAL 15.0

/* Rounds start on a grid of this many milliseconds (poller.c says why). */
#define POLLER_SLOT_MS 100

struct poller_opts {
	double interval;        /* seconds between rounds */
	double timeout;         /* seconds per request */
	double stats_interval;  /* seconds between pool statistics, 0 for never */
	double heartbeat_interval; /* seconds between ha-heartbeats, 0 for every round */
	bool once;              /* one round per server (keaha status) */
	double deadline;        /* once: seconds from start after which nothing is sent */
};

struct poller_stats {
	unsigned long requests;
	unsigned long failures;
	int in_flight;
	int servers;
	int servers_failing;
	double oldest_round;    /* seconds since the least recent round of a server not failing */
};

typedef void (*poller_update_fn)(void *ctx);

struct poller;

struct poller *poller_new(uv_loop_t *loop, struct model *m, const struct keaha_config *cfg,
			  const struct poller_opts *o);
/* Called after replies were applied to the model (and after discovery): at once in once
 * mode; in continuous mode at most once per 20 ms, covering every reply since. */
void poller_on_update(struct poller *p, poller_update_fn fn, void *ctx);
void poller_start(struct poller *p);
/* A round now for every server not already in one. */
void poller_refresh(struct poller *p);
/* Every configuration read again, then a round now (after keaha changed a server). */
void poller_rediscover(struct poller *p);
/* Once mode: every server has finished its round (or given up). */
bool poller_done(const struct poller *p);
/* Cancels every request and timer; poller_free after the loop closed them. */
void poller_stop(struct poller *p);
void poller_free(struct poller *p);
void poller_get_stats(const struct poller *p, struct poller_stats *out);

/* The schedule, pure. Server index's offset within the interval, on the slot grid. */
uint64_t poller_phase_ms(int index, uint64_t interval_ms);
/* From now to the first slot base + k * interval that is at least a quarter interval
 * away, plus intervals - 1 more intervals (back-off). Loop milliseconds. */
uint64_t poller_slot_delay(uint64_t now, uint64_t base, uint64_t interval_ms, unsigned intervals);

#endif
