/* Events found by comparing the model with what was seen: states, reach, verdicts. */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_and_reach_changes),
		cmocka_unit_test(test_verdict_and_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
