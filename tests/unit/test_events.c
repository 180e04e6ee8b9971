/*
 * Events found by comparing the model with what was seen: states, reach,
 * verdicts, configuration drift; and automatic replications as reported.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "events.h"
#include "verdict.h"

static struct kea_status one_rel(enum ha_state state)
{
	struct kea_status st;

	memset(&st, 0, sizeof(st));
	st.has_ha = true;
	st.nrels = 1;
	st.rel[0].mode = HA_MODE_LOAD_BALANCING;
	st.rel[0].local.role = HA_ROLE_PRIMARY;
	st.rel[0].local.state = state;
	st.rel[0].local.scopes.n = 1;
	strcpy(st.rel[0].local.scopes.name[0], "a");
	st.reload = 10;
	return st;
}

static void test_state_and_reach_changes(void **state)
{
	struct model m;
	struct events ev;
	struct kea_status st = one_rel(HA_STATE_LOAD_BALANCING);
	int s;

	(void)state;
	model_init(&m);
	events_init(&ev, 4);
	s = model_add_server(&m, "a", "http://127.0.0.1:1/", ORIGIN_CONFIG);
	model_apply_status(&m, s, KEA_DHCP4, &st, 100);
	assert_int_equal(events_observe(&ev, &m, 100), 0);   /* first sight: not a change */
	assert_int_equal(events_observe(&ev, &m, 101), 0);   /* nothing new */
	st = one_rel(HA_STATE_PARTNER_DOWN);
	model_apply_status(&m, s, KEA_DHCP4, &st, 102);
	assert_int_equal(events_observe(&ev, &m, 102), 1);
	assert_string_equal(events_get(&ev, 0)->from, "load-balancing");
	assert_string_equal(events_get(&ev, 0)->to, "partner-down");
	assert_true(events_get(&ev, 0)->bad);                 /* a failover happened */
	model_endpoint_fault(&m, s, FAULT_TIMEOUT, "timeout", 103);
	assert_int_equal(events_observe(&ev, &m, 103), 1);
	assert_int_equal(events_get(&ev, 0)->kind, EVENT_REACH);
	assert_true(events_get(&ev, 0)->bad);
	assert_non_null(strstr(events_get(&ev, 0)->text, "timeout"));
	assert_int_equal(events_count(&ev), 2);
	st = one_rel(HA_STATE_LOAD_BALANCING);
	model_apply_status(&m, s, KEA_DHCP4, &st, 104);
	assert_int_equal(events_observe(&ev, &m, 104), 2); /* reachable again, back to normal */
	st = one_rel(HA_STATE_WAITING);
	model_apply_status(&m, s, KEA_DHCP4, &st, 105);
	assert_int_equal(events_observe(&ev, &m, 105), 1);
	assert_true(events_get(&ev, 0)->bad);               /* stopped serving */
	/* The ring keeps the newest 4 of 5. */
	assert_int_equal(events_count(&ev), 4);
	assert_int_equal((int)ev.total, 5);
	assert_int_equal(events_get(&ev, 0)->kind, EVENT_STATE);
	assert_null(events_get(&ev, 4));
	events_free(&ev);
	model_free(&m);
}

static void test_verdict_and_json(void **state)
{
	struct model m;
	struct events ev;
	struct relationship *r;
	char *line;

	(void)state;
	model_init(&m);
	events_init(&ev, 16);
	int idx = model_add_rel(&m); /* may move m.rels: index first */

	r = &m.rels[idx];
	strcpy(r->name, "a+b/dhcp4");
	r->verdict.status = REL_OK;
	r->verdict_since = 50;
	assert_int_equal(events_observe(&ev, &m, 50), 1);
	r->verdict.status = REL_SERVICE_DOWN;
	strcpy(r->verdict.reason, "both \"down\"");
	assert_int_equal(events_observe(&ev, &m, 60), 1);
	assert_true(events_get(&ev, 0)->bad);
	line = events_json_line(events_get(&ev, 0));
	assert_non_null(strstr(line, "\"kind\":\"verdict\""));
	assert_non_null(strstr(line, "\"from\":\"ok\",\"to\":\"service-down\""));
	assert_non_null(strstr(line, "both \\\"down\\\""));
	assert_non_null(strstr(line, "1970-01-01T00:01:00Z"));
	free(line);
	model_rel_free(r); /* the relationship disappears, as a rebuild drops it */
	m.nrels = 0;
	assert_int_equal(events_observe(&ev, &m, 70), 1);
	assert_int_equal(events_get(&ev, 0)->kind, EVENT_TOPOLOGY);
	events_free(&ev);
	model_free(&m);
}

/* A pair whose drift the test sets as drift_update_all would. */
static struct relationship *pair(struct model *m)
{
	int idx = model_add_rel(m);
	struct relationship *r = &m->rels[idx];

	strcpy(r->name, "p+s/dhcp4");
	r->npeers = 2;
	strcpy(r->peer[0].name, "p");
	strcpy(r->peer[1].name, "s");
	r->peer[0].server = r->peer[1].server = -1;
	return r;
}

static void set_drift(struct relationship *r, bool known, int diffs)
{
	r->drift.known = known;
	r->drift.source = 0;
	r->drift.peer_known[1] = known;
	r->drift.peer_diffs[1] = diffs;
	r->drift.ndrifted = diffs > 0;
}

static void test_drift_events(void **state)
{
	struct model m;
	struct events ev;
	struct relationship *r;
	char *line;

	(void)state;
	model_init(&m);
	events_init(&ev, 16);
	r = pair(&m);
	/* Not compared yet, then first sight (already drifted): where things stand. */
	assert_int_equal(events_observe(&ev, &m, 10), 0);
	set_drift(r, true, 3);
	assert_int_equal(events_observe(&ev, &m, 11), 0);
	/* In line: an event, for the better. */
	set_drift(r, true, 0);
	assert_int_equal(events_observe(&ev, &m, 12), 1);
	assert_int_equal(events_get(&ev, 0)->kind, EVENT_DRIFT);
	assert_false(events_get(&ev, 0)->bad);
	assert_string_equal(events_get(&ev, 0)->text,
			    "p+s/dhcp4: config drift resolved: every peer in line with p");
	/* A peer away (not compared now): nothing; back and still in line: nothing. */
	set_drift(r, false, 0);
	assert_int_equal(events_observe(&ev, &m, 13), 0);
	set_drift(r, true, 0);
	assert_int_equal(events_observe(&ev, &m, 14), 0);
	/* Drift again: for the worse, naming the peer and the source. */
	set_drift(r, true, 2);
	assert_int_equal(events_observe(&ev, &m, 15), 1);
	assert_true(events_get(&ev, 0)->bad);
	assert_string_equal(events_get(&ev, 0)->text, "p+s/dhcp4: config drift: s differs from p");
	line = events_json_line(events_get(&ev, 0));
	assert_non_null(strstr(line, "\"kind\":\"drift\""));
	assert_non_null(strstr(line, "\"from\":\"in-line\",\"to\":\"drift\""));
	assert_non_null(strstr(line, "\"relationship\":\"p+s/dhcp4\""));
	free(line);
	/* More differences on the same peer: still drifted, no event. */
	set_drift(r, true, 5);
	assert_int_equal(events_observe(&ev, &m, 16), 0);
	/* Never compared (a hub, a configuration backend): never an event. */
	r->drift.refused = true;
	set_drift(r, true, 0);
	assert_int_equal(events_observe(&ev, &m, 17), 0);
	assert_int_equal(events_count(&ev), 2);
	events_free(&ev);
	model_free(&m);
}

static void test_replication_events(void **state)
{
	struct events ev;
	char *line, text[512];

	(void)state;
	events_init(&ev, 8);
	events_replication(&ev, 60, "p+s/dhcp4", REPL_STARTED, 0, "bringing s in line with p");
	assert_int_equal(events_get(&ev, 0)->kind, EVENT_REPLICATION);
	assert_false(events_get(&ev, 0)->bad);
	assert_string_equal(events_get(&ev, 0)->to, "started");
	assert_string_equal(events_get(&ev, 0)->text,
			    "p+s/dhcp4: automatic replication started: bringing s in line with p");
	events_replication(&ev, 62, "p+s/dhcp4", REPL_FINISHED, 0, NULL);
	assert_false(events_get(&ev, 0)->bad);
	assert_string_equal(events_get(&ev, 0)->from, "started");
	assert_string_equal(events_get(&ev, 0)->to, "finished");
	events_replication(&ev, 63, "p+s/dhcp4", REPL_FAILED, 1, NULL);
	assert_true(events_get(&ev, 0)->bad);
	assert_non_null(strstr(events_get(&ev, 0)->text, "failed (exit 1)"));
	line = events_json_line(events_get(&ev, 0));
	assert_non_null(strstr(line, "\"kind\":\"replication\""));
	assert_non_null(strstr(line, "\"to\":\"failed\""));
	assert_non_null(strstr(line, "\"worse\":true"));
	free(line);
	events_format(events_get(&ev, 0), text, sizeof(text));
	assert_non_null(strstr(text, "! p+s/dhcp4: automatic replication failed"));
	assert_int_equal(events_count(&ev), 3);
	assert_string_equal(event_kind_name(EVENT_DRIFT), "drift");
	assert_string_equal(event_kind_name(EVENT_KIND_COUNT), "event");
	events_free(&ev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_and_reach_changes),
		cmocka_unit_test(test_verdict_and_json),
		cmocka_unit_test(test_drift_events),
		cmocka_unit_test(test_replication_events),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
