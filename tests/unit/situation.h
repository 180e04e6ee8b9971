/*
 * Situations for unit tests, built from captured Kea answers (header only):
 * servers get the config-get of one or more peers (discovery adds the other
 * peers), then each peer gets a status-get answer, an agent's "server is
 * offline" answer, or an endpoint fault, and maybe a clock offset. Shared by
 * the verdict table (test_verdict.c), the actions (test_action.c) and the
 * golden screens (test_ui_golden.c, which feeds its answers at its own times
 * with the _at builders).
 *
 *   struct conf_in conf[3] = LB4;
 *   struct peer_in in[4] = { ST("lb-primary", S4("lb-primary.normal")), ... };
 *   situation_build(&m, false, KEA_DHCP4, conf, in);
 *
 * Include <cmocka.h> (with its prerequisites) before this file.
 */
#ifndef KEAHA_TEST_SITUATION_H
#define KEAHA_TEST_SITUATION_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "discovery.h"
#include "fixture.h"
#include "model.h"

/* Management URLs of the lab servers (shared/kea/README.md, section 1). */
#define T0 1800000000.0   /* when every answer and fault arrived */
#define NOW (T0 + 10.0)   /* when the verdict is judged */

static const struct {
	const char *name;
	const char *url;
} urls[] = {
	{ "lb-primary", "http://127.0.0.11:8001/" },
	{ "lb-secondary", "http://127.0.0.12:8002/" },
	{ "hs-primary", "http://127.0.0.13:8003/" },
	{ "hs-standby", "http://127.0.0.14:8004/" },
	{ "bk-primary", "http://127.0.0.15:8005/" },
	{ "bk-secondary", "http://127.0.0.16:8006/" },
	{ "bk-backup", "http://127.0.0.17:8007/" },
	{ "pb-primary", "http://127.0.0.51:8041/" },
	{ "pb-backup", "http://127.0.0.52:8042/" },
	{ "plain-a", "http://127.0.0.18:8008/" },
	{ "plain-b", "http://127.0.0.19:8009/" },
};

static const struct {
	const char *name;
	const char *url;
} urls3[] = {
	{ "lb-primary", "http://127.0.0.151:8151/" },
	{ "lb-secondary", "http://127.0.0.152:8152/" },
	{ "hs-primary", "http://127.0.0.153:8153/" },
	{ "hs-standby", "http://127.0.0.154:8154/" },
	{ "hub", "http://127.0.0.155:8155/" },
	{ "spoke1", "http://127.0.0.156:8156/" },
	{ "spoke2", "http://127.0.0.157:8157/" },
};

enum in_kind {
	IN_NONE,
	IN_STATUS,   /* status-get answered: the fixture's answer */
	IN_DAEMON,   /* the agent answered for the daemon with an error (fixture's text) */
	IN_ENDPOINT, /* the endpoint itself failed */
};

struct peer_in {
	const char *server;
	enum in_kind kind;
	const char *fixture;
	enum fault fault;
	bool has_clock;
	double clock;
};

struct conf_in {
	const char *server;
	const char *fixture;
};


/* A table row's situation (test_verdict's and test_action's rows begin with one): its name,
 * the servers' config-get and answers, and the relationship it is about. */
struct situation {
	const char *name;
	bool kea3;
	enum kea_service svc;
	struct conf_in conf[3];
	const char *rel;
	struct peer_in in[4];
};

#define S4(x) "status-get.dhcp4." x
#define S6(x) "status-get.dhcp6." x
#define K3(x) "status-get.direct." x
#define C4(x) "config-get.dhcp4." x
#define C6(x) "config-get.dhcp6." x
#define CK3(x) "config-get.direct." x

#define ST(srv, fx) { srv, IN_STATUS, fx, FAULT_NONE, false, 0 }
#define STC(srv, fx, off) { srv, IN_STATUS, fx, FAULT_NONE, true, off }
#define OFFLINE(srv, fx) { srv, IN_DAEMON, fx, FAULT_NOT_RUNNING, false, 0 }
#define OFFLINEC(srv, fx, off) { srv, IN_DAEMON, fx, FAULT_NOT_RUNNING, true, off }
#define HUNG(srv, fx) { srv, IN_DAEMON, fx, FAULT_HUNG, false, 0 }
#define EP(srv, f) { srv, IN_ENDPOINT, NULL, f, false, 0 }

#define LB4 { { "lb-primary", C4("lb-primary") } }
#define LB6 { { "lb-primary", C6("lb-primary") } }
#define HS4 { { "hs-standby", C4("hs-standby") } }
#define BK4 { { "bk-backup", C4("bk-backup") } }
#define PB4 { { "pb-primary", C4("pb-primary") } }
#define LB3 { { "lb-primary", CK3("lb-primary.normal") }, { "lb-secondary", CK3("lb-secondary.normal") } }
#define HS3 { { "hs-primary", CK3("hs-primary.normal") }, { "hs-standby", CK3("hs-standby.normal") } }
#define HUB3 { { "hub", CK3("hub.normal") }, { "spoke1", CK3("spoke1.normal") }, \
	       { "spoke2", CK3("spoke2.normal") } }

#define LB4_REL "lb-primary+lb-secondary/dhcp4"
#define LB6_REL "lb-primary+lb-secondary/dhcp6"
#define HS4_REL "hs-primary+hs-standby/dhcp4"
#define BK4_REL "bk-primary+bk-secondary/dhcp4"
#define PB4_REL "pb-primary+pb-backup/dhcp4"



static inline struct fixture *load(bool kea3, const char *name)
{
	return kea3 ? fixture_load3(name) : fixture_load(name);
}

/* response[i] of a fixture, failing the test when it is not there. */
static inline const cJSON *answer(const struct fixture *f, int i)
{
	const cJSON *a = cJSON_GetArrayItem(f->response, i);

	if (!cJSON_IsObject(a))
		fail_msg("fixture %s has no answer %d", f->name, i);
	return a;
}

/* response[0].arguments of a fixture (which stays the caller's to free). */
static inline const cJSON *arguments_of(const struct fixture *f)
{
	return cJSON_GetObjectItemCaseSensitive(answer(f, 0), "arguments");
}

static inline const char *url_of(bool kea3, const char *name)
{
	if (kea3) {
		for (size_t i = 0; i < sizeof(urls3) / sizeof(urls3[0]); i++)
			if (strcmp(urls3[i].name, name) == 0)
				return urls3[i].url;
	} else {
		for (size_t i = 0; i < sizeof(urls) / sizeof(urls[0]); i++)
			if (strcmp(urls[i].name, name) == 0)
				return urls[i].url;
	}
	fail_msg("no URL for server %s", name);
	return NULL;
}

/* A server keaha was told about, its endpoint probed (agent for 2.2, daemon for 3.0) at a time. */
static inline int add_server_at(struct model *m, bool kea3, enum kea_service svc, const char *name, double at)
{
	bool has[KEA_SERVICE_COUNT] = { false };
	int s = model_add_server(m, name, url_of(kea3, name), ORIGIN_CONFIG);

	has[svc] = true;
	model_set_endpoint(m, s, kea3 ? TRANSPORT_DIRECT : TRANSPORT_AGENT, has, at);
	return s;
}

static inline int add_server(struct model *m, bool kea3, enum kea_service svc, const char *name)
{
	return add_server_at(m, kea3, svc, name, T0 - 60);
}

static inline void feed_config_at(struct model *m, int s, bool kea3, enum kea_service svc, const char *fx,
				  double at)
{
	struct fixture *f = load(kea3, fx);
	struct kea_config *c = calloc(1, sizeof(*c));
	char err[DECODE_ERR_LEN] = "";
	bool ok;

	assert_non_null(c);
	ok = decode_config(arguments_of(f), svc, c, err, sizeof(err));
	fixture_free(f);
	if (!ok) {
		free(c);
		fail_msg("%s: decode_config: %s", fx, err);
	}
	model_apply_config(m, s, svc, c, at);
	free(c);
}

static inline void feed_config(struct model *m, int s, bool kea3, enum kea_service svc, const char *fx)
{
	feed_config_at(m, s, kea3, svc, fx, T0 - 60);
}

static inline void feed_status_at(struct model *m, int s, bool kea3, enum kea_service svc, const char *fx,
				  double at)
{
	struct fixture *f = load(kea3, fx);
	struct kea_status st;
	char err[DECODE_ERR_LEN] = "";
	bool ok = decode_status(arguments_of(f), &st, err, sizeof(err));

	fixture_free(f);
	if (!ok)
		fail_msg("%s: decode_status: %s", fx, err);
	model_apply_status(m, s, svc, &st, at);
}

static inline void feed_status(struct model *m, int s, bool kea3, enum kea_service svc, const char *fx)
{
	feed_status_at(m, s, kea3, svc, fx, T0);
}

/* The agent answered for the daemon with an error, as the poller's daemon_error(): the fixture's
 * words must say want (not running or hung); FAULT_NONE: whichever of the two they say. */
static inline void feed_daemon_error_at(struct model *m, int s, enum kea_service svc, const char *fx,
					enum fault want, double at)
{
	struct fixture *f = fixture_load(fx);
	const cJSON *text = cJSON_GetObjectItemCaseSensitive(answer(f, 0), "text");
	enum kea_forward_error fe;
	char msg[MODEL_ERR_LEN];

	if (!cJSON_IsString(text)) {
		fixture_free(f);
		fail_msg("%s has no text", fx);
	}
	snprintf(msg, sizeof(msg), "%s", text->valuestring);
	fixture_free(f);
	fe = decode_forward_error(msg);
	if (want == FAULT_NONE && fe != KEA_FWD_NOT_RUNNING && fe != KEA_FWD_HUNG)
		fail_msg("%s: not an agent's forwarding error", fx);
	if (want == FAULT_NONE)
		want = fe == KEA_FWD_NOT_RUNNING ? FAULT_NOT_RUNNING : FAULT_HUNG;
	/* The fixture must really say what the row claims. */
	if (want == FAULT_NOT_RUNNING)
		assert_int_equal(fe, KEA_FWD_NOT_RUNNING);
	else if (want == FAULT_HUNG)
		assert_int_equal(fe, KEA_FWD_HUNG);
	model_endpoint_ok(m, s, at);
	model_daemon_fault(m, s, svc, want, msg, at);
}

static inline void feed_daemon_error(struct model *m, int s, enum kea_service svc, const char *fx,
				     enum fault want)
{
	feed_daemon_error_at(m, s, svc, fx, want, T0);
}

static inline void situation_build(struct model *m, bool kea3, enum kea_service svc,
				   const struct conf_in conf[3], const struct peer_in in[4])
{
	model_init(m);
	for (int i = 0; i < 4 && in[i].server; i++)
		add_server(m, kea3, svc, in[i].server);
	for (int i = 0; i < 3 && conf[i].server; i++)
		feed_config(m, add_server(m, kea3, svc, conf[i].server), kea3, svc,
			    conf[i].fixture);
	discovery_rebuild(m);
	for (int i = 0; i < 4 && in[i].server; i++) {
		const struct peer_in *p = &in[i];
		int s = model_find_server(m, p->server);

		assert_true(s >= 0);
		switch (p->kind) {
		case IN_STATUS:
			feed_status(m, s, kea3, svc, p->fixture);
			break;
		case IN_DAEMON:
			feed_daemon_error(m, s, svc, p->fixture, p->fault);
			break;
		case IN_ENDPOINT:
			model_endpoint_fault(m, s, p->fault, NULL, T0);
			break;
		case IN_NONE:
			break;
		}
		if (p->has_clock)
			model_apply_clock(m, s, svc, p->clock, T0);
	}
}

/* A row's situation, built into m as situation_build does. */
static inline void situation_build_row(struct model *m, const struct situation *sit)
{
	situation_build(m, sit->kea3, sit->svc, sit->conf, sit->in);
}

#endif
