/*
 * The product's rules are per Kea server, across its DHCPv4 and DHCPv6
 * services ("a secondary cannot become primary in another relationship").
 * A Kea 3 host reached directly is two endpoints, one per daemon: keaha
 * takes them for one server when their URLs name the same host
 * (plan_same_host, relationship_cmd_sibling), reads the other daemon's
 * configuration, and the plan applies the rule to it. Real captured
 * configurations; the model is built as the poller would leave it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "configs.h"
#include "fixture.h"
#include "model.h"
#include "plan.h"
#include "relationship_cmd.h"

/* A server as the poller leaves it after probing: its transport and services. */
static int add(struct model *m, const char *name, const char *url, enum transport_kind kind,
	       bool v4, bool v6)
{
	bool services[KEA_SERVICE_COUNT] = { false };
	int s = model_add_server(m, name, url, ORIGIN_CONFIG);

	services[KEA_DHCP4] = v4;
	services[KEA_DHCP6] = v6;
	model_set_endpoint(m, s, kind, services, 1000.0);
	return s;
}

static void test_same_host(void **state)
{
	static const struct { const char *a, *b; bool same; } cases[] = {
		{"http://192.0.2.1:8004/", "http://192.0.2.1:8006/", true},
		{"http://192.0.2.1:8004/", "https://192.0.2.1:443", true},
		{"http://192.0.2.1:8004/", "http://192.0.2.10:8004/", false},
		{"http://[2001:db8::1]:8004/", "http://[2001:0db8:0:0::1]:8006/", true},
		{"http://[2001:db8::1]:8004/", "http://[2001:db8::2]:8004/", false},
		{"http://[::ffff:192.0.2.1]:8004/", "http://192.0.2.1:8004/", false},
		{"http://Kea-A.example.org:8004/", "http://kea-a.example.org:8006", true},
		{"http://kea-a.example.org:8004/", "http://192.0.2.1:8006/", false},
		{"http://kea-a.example.org/", "http://kea-b.example.org/", false},
		{"ftp://192.0.2.1:21/", "ftp://192.0.2.1:21/", false},
		{"http://[2001:db8::1:8004/", "http://[2001:db8::1:8004/", false},
		{NULL, "http://192.0.2.1:8004/", false},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (plan_same_host(cases[i].a, cases[i].b) != cases[i].same ||
		    plan_same_host(cases[i].b, cases[i].a) != cases[i].same)
			fail_msg("%s and %s: expected %s", cases[i].a ? cases[i].a : "(null)", cases[i].b,
				 cases[i].same ? "the same host" : "two hosts");
}

static void test_sibling(void **state)
{
	struct model m;
	int a4, a6, b4, c4, d;

	(void)state;
	model_init(&m);
	a4 = add(&m, "alpha4", "http://127.0.0.160:8160/", TRANSPORT_DIRECT, true, false);
	a6 = add(&m, "alpha6", "http://127.0.0.160:8166/", TRANSPORT_DIRECT, false, true);
	b4 = add(&m, "beta4", "http://127.0.0.161:8161/", TRANSPORT_DIRECT, true, false);
	/* beta's DHCPv6 known only by its HA listener: not a server keaha can read. */
	m.servers[add(&m, "beta6-ha", "http://127.0.0.161:8261/", TRANSPORT_DIRECT, false, true)]
		.ha_listener_only = true;
	c4 = add(&m, "gamma4", "http://127.0.0.162:8162/", TRANSPORT_DIRECT, true, false);
	add(&m, "gamma6-x", "http://127.0.0.162:8166/", TRANSPORT_DIRECT, false, true);
	add(&m, "gamma6-y", "http://127.0.0.162:8167/", TRANSPORT_DIRECT, false, true);
	/* Another host's agent serving both: never alpha's. */
	d = add(&m, "delta", "http://127.0.0.163:8000/", TRANSPORT_AGENT, true, true);

	assert_int_equal(relationship_cmd_sibling(&m, a4, KEA_DHCP4), a6);
	assert_int_equal(relationship_cmd_sibling(&m, a6, KEA_DHCP6), a4);
	/* A second kea-dhcp4 on alpha's address: alpha4 still has one DHCPv6 beside it... */
	add(&m, "alpha4-again", "http://127.0.0.160:8170/", TRANSPORT_DIRECT, true, false);
	assert_int_equal(relationship_cmd_sibling(&m, a4, KEA_DHCP4), a6);
	/* ...but which DHCPv4 is alpha6's cannot be told any more. */
	assert_int_equal(relationship_cmd_sibling(&m, a6, KEA_DHCP6), RELATIONSHIP_SIBLING_AMBIGUOUS);
	assert_int_equal(relationship_cmd_sibling(&m, b4, KEA_DHCP4), RELATIONSHIP_SIBLING_NONE);
	assert_int_equal(relationship_cmd_sibling(&m, c4, KEA_DHCP4), RELATIONSHIP_SIBLING_AMBIGUOUS);
	assert_int_equal(relationship_cmd_sibling(&m, d, KEA_DHCP4), RELATIONSHIP_SIBLING_NONE);
	model_free(&m);
}

/*
 * plain-b is secondary in a DHCPv4 load-balancing relationship (the
 * captured runtime creation). Its kea-dhcp6, reached directly on the same
 * address, cannot become primary of a DHCPv6 relationship; it can be the
 * standby of one.
 */
static void test_direct_secondary_across_services(void **state)
{
	cJSON *b4 = configs_args("config-set.dhcp4.plain-b.add-ha");
	cJSON *b6 = configs_args("config-set.dhcp6.plain-b.remove-ha");
	cJSON *a6 = configs_args("config-set.dhcp6.plain-a.remove-ha");
	cJSON *by_server[4] = { NULL };
	struct plan_add_choices c;
	struct plan_result r;
	struct model m;
	int sib;

	(void)state;
	model_init(&m);
	by_server[add(&m, "plain-b4", "http://127.0.0.32:8032/", TRANSPORT_DIRECT, true, false)] = b4;
	int pb6 = add(&m, "plain-b", "http://127.0.0.32:8132/", TRANSPORT_DIRECT, false, true);
	int pa6 = add(&m, "plain-a", "http://127.0.0.31:8131/", TRANSPORT_DIRECT, false, true);
	by_server[pb6] = b6;
	by_server[pa6] = a6;

	plan_add_choices_init(&c);
	c.name = "v6-rel";
	c.mode = HA_MODE_HOT_STANDBY;
	c.service = KEA_DHCP6;
	c.heartbeat_delay = 1000;
	c.max_response_delay = 4000;
	c.primary = (struct plan_server){ "plain-b", m.servers[pb6].url, b6, NULL, true, 3, 0, 4 };
	c.partner = (struct plan_server){ "plain-a", m.servers[pa6].url, a6, NULL, true, 3, 0, 4 };
	sib = relationship_cmd_sibling(&m, pb6, KEA_DHCP6);
	assert_true(sib >= 0);
	c.primary.other = by_server[sib];
	assert_false(plan_add(&c, &r));
	assert_non_null(strstr(r.refusal, "plain-b is secondary in a DHCPv4 relationship: it cannot "
				  "become primary in another"));
	plan_result_free(&r);

	/* The same two the other way round: plain-b the standby. */
	c.primary = (struct plan_server){ "plain-a", m.servers[pa6].url, a6, NULL, true, 3, 0, 4 };
	c.partner = (struct plan_server){ "plain-b", m.servers[pb6].url, b6, NULL, true, 3, 0, 4 };
	sib = relationship_cmd_sibling(&m, pa6, KEA_DHCP6);
	assert_int_equal(sib, RELATIONSHIP_SIBLING_NONE);
	c.partner.other = by_server[relationship_cmd_sibling(&m, pb6, KEA_DHCP6)];
	if (!plan_add(&c, &r))
		fail_msg("refused: %s", r.refusal);
	plan_result_free(&r);

	model_free(&m);
	cJSON_Delete(b4);
	cJSON_Delete(b6);
	cJSON_Delete(a6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_host),
		cmocka_unit_test(test_sibling),
		cmocka_unit_test(test_direct_secondary_across_services),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
