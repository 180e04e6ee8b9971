/*
 * replica.c on captured configurations: the real peers of the labs' pairs
 * differ only in server-local parts, so their replicated parts are equal;
 * a change on one side is described in words; the configuration computed
 * for a peer keeps its own local parts and has the source's replicated
 * part; hubs and configuration backends are refused.
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
#include "plan.h"
#include "replica.h"

/* The Kea 3 lab's load-balancing pair, whose replicated parts are equal as captured. */
#define LB_PRIMARY "config-get.direct.lb-primary.normal"
#define LB_SECONDARY "config-get.direct.lb-secondary.normal"
/* The HA hook's relationship in those (the second hook library). */
#define HA3 "Dhcp4.hooks-libraries.1.parameters.high-availability.0"

/* Changes made to a captured configuration: key of the node at path set to v; v appended. */
static void set(cJSON *o, const char *path, const char *key, cJSON *v)
{
	assert_non_null(configs_get(o, path));
	cJSON_ReplaceItemInObjectCaseSensitive(configs_get(o, path), key, v);
}

static void append(cJSON *o, const char *path, cJSON *v)
{
	assert_non_null(configs_get(o, path));
	cJSON_AddItemToArray(configs_get(o, path), v);
}

/* The drift between two configurations, as text; the count in *n. */
static char *drift(const cJSON *a, const cJSON *b, enum kea_service svc, int *n)
{
	struct sbuf out;
	cJSON *pa, *pb;
	char why[REPLICA_WHY_LEN];

	sbuf_init(&out);
	pa = replica_part(a, svc, why, sizeof(why));
	pb = replica_part(b, svc, why, sizeof(why));
	assert_non_null(pa);
	assert_non_null(pb);
	*n = replica_drift(pa, pb, svc, "lb-primary", "lb-secondary", &out);
	cJSON_Delete(pa);
	cJSON_Delete(pb);
	return out.s ? sbuf_take(&out) : xstrdup("");
}

/* ---- the table --------------------------------------------------------- */

static void test_table_has_each_key_once_with_a_reason(void **state)
{
	size_t n;
	const struct replica_local *t = replica_local_table(&n);

	(void)state;
	assert_true(n >= 12);
	for (size_t i = 0; i < n; i++) {
		assert_true(strlen(t[i].why) > 10);
		for (size_t k = i + 1; k < n; k++)
			assert_string_not_equal(t[i].key, t[k].key);
	}
	assert_true(replica_is_local("interfaces-config", KEA_DHCP4));
	assert_true(replica_is_local("server-id", KEA_DHCP6));
	assert_false(replica_is_local("server-id", KEA_DHCP4));
	assert_false(replica_is_local("subnet4", KEA_DHCP4));
	assert_false(replica_is_local("client-classes", KEA_DHCP4));
	assert_false(replica_is_local("valid-lifetime", KEA_DHCP6));
	assert_true(replica_ha_key_is_local("this-server-name"));
	assert_true(replica_ha_key_is_local("cert-file"));
	assert_false(replica_ha_key_is_local("heartbeat-delay"));
	assert_true(replica_ha_peer_key_is_local("key-file"));
	assert_false(replica_ha_peer_key_is_local("url"));
}

/* The README's table names every server-local key of the code's table. */
static void test_readme_lists_the_table(void **state)
{
	size_t n, len;
	const struct replica_local *t = replica_local_table(&n);
	char *readme = fixture_read_file("README.md", &len), needle[80];

	(void)state;
	if (!readme)
		fail_msg("README.md not found (run from the repository root)");
	for (size_t i = 0; i < n; i++) {
		snprintf(needle, sizeof(needle), "`%s`", t[i].key);
		if (!strstr(readme, needle))
			fail_msg("README.md does not list %s", needle);
	}
	free(readme);
}

/* ---- the split --------------------------------------------------------- */

static void test_part_leaves_out_local_parts(void **state)
{
	cJSON *a = configs_args("config-get.dhcp6.lb-primary");
	char why[REPLICA_WHY_LEN];
	cJSON *p = replica_part(a, KEA_DHCP6, why, sizeof(why));

	(void)state;
	assert_non_null(p);
	assert_null(configs_get(p, "Dhcp6.server-id"));
	assert_null(configs_get(p, "Dhcp6.data-directory"));
	assert_null(configs_get(p, "Dhcp6.lease-database"));
	assert_null(configs_get(p, "Dhcp6.loggers"));
	assert_null(configs_get(p, "Dhcp6.hooks-libraries"));
	assert_non_null(configs_get(p, "Dhcp6.subnet6"));
	assert_non_null(configs_get(p, "Dhcp6.preferred-lifetime"));
	/* The relationship's shared parameters, without this server's name. */
	assert_string_equal(configs_sget(p, "Dhcp6.high-availability.0.mode"), "load-balancing");
	assert_null(configs_get(p, "Dhcp6.high-availability.0.this-server-name"));
	assert_null(configs_get(p, "Dhcp6.high-availability.0.multi-threading"));
	assert_null(replica_part(a, KEA_DHCP4, why, sizeof(why)));
	assert_string_equal(why, "no Dhcp4 configuration");
	cJSON_Delete(p);
	cJSON_Delete(a);
}

/* Real peers, captured from the labs: only local parts differ. */
static void test_real_peers_do_not_drift(void **state)
{
	static const char *const pairs[][2] = {
		{ "3:config-get.direct.lb-primary.normal", "3:config-get.direct.lb-secondary.normal" },
		{ "3:config-get.direct.hs-primary.normal", "3:config-get.direct.hs-standby.normal" },
		{ "2:config-get.dhcp4.bk-backup", "2:config-get.dhcp4.bk-secondary.after-failed-hook-load" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(pairs); i++) {
		cJSON *a = pairs[i][0][0] == '3' ? configs_args3(pairs[i][0] + 2) : configs_args(pairs[i][0] + 2);
		cJSON *b = pairs[i][1][0] == '3' ? configs_args3(pairs[i][1] + 2) : configs_args(pairs[i][1] + 2);
		int n;
		char *text = drift(a, b, KEA_DHCP4, &n);
		char why[REPLICA_WHY_LEN];
		cJSON *pa = replica_part(a, KEA_DHCP4, why, sizeof(why));
		cJSON *pb = replica_part(b, KEA_DHCP4, why, sizeof(why));
		if (n != 0)
			fail_msg("%s vs %s: %s", pairs[i][0], pairs[i][1], text);
		assert_true(replica_hash(pa) == replica_hash(pb));
		/* The full configurations do differ: in local parts. */
		struct sbuf full;
		sbuf_init(&full);
		assert_int_not_equal(replica_drift(a, b, KEA_DHCP4, "x", "y", &full), 0);
		sbuf_free(&full);
		free(text);
		cJSON_Delete(pa);
		cJSON_Delete(pb);
		cJSON_Delete(a);
		cJSON_Delete(b);
	}
}

/* ---- the compact text the model keeps ----------------------------------- */

/* FNV-1a of cJSON's compact print: what replica_hash has always meant (and what
 * replication records keep as the hash last made everyone's). */
static uint64_t fnv_of_print(const cJSON *part)
{
	char *s = cJSON_PrintUnformatted(part);
	uint64_t h = 14695981039346656037ull;

	for (const char *p = s; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	cJSON_free(s);
	return h;
}

static cJSON *args_named(const char *name)
{
	return name[0] == '3' ? configs_args3(name + 2) : configs_args(name + 2);
}

/* Text, tree again and hash agree on every captured configuration, Kea 2.2 and 3.0. */
static void test_text_round_trip(void **state)
{
	static const struct { const char *name; enum kea_service svc; } cases[] = {
		{ "2:config-get.dhcp4.lb-primary", KEA_DHCP4 },
		{ "2:config-get.dhcp4.lb-primary.tls", KEA_DHCP4 },
		{ "2:config-get.dhcp4.bk-backup", KEA_DHCP4 },
		{ "2:config-get.dhcp4.plain-a.no-ha", KEA_DHCP4 },
		{ "2:config-get.dhcp6.lb-primary", KEA_DHCP6 },
		{ "3:config-get.direct.lb-primary.normal", KEA_DHCP4 },
		{ "3:config-get.direct.hs-standby.normal", KEA_DHCP4 },
		{ "3:config-get.direct.hub.normal", KEA_DHCP4 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		cJSON *a = args_named(cases[i].name), *a2 = args_named(cases[i].name), *tree;
		char why[REPLICA_WHY_LEN];
		cJSON *part = replica_part(a, cases[i].svc, why, sizeof(why));
		cJSON *part2 = replica_part(a2, cases[i].svc, why, sizeof(why));
		char *text, *again, *pretty;

		assert_non_null(part);
		assert_non_null(part2);
		text = replica_text(part);
		pretty = cJSON_Print(part);
		/* Compact: no layout, a good part smaller than the printed form. */
		assert_null(strchr(text, '\n'));
		assert_true(strlen(text) < strlen(pretty));
		assert_non_null(strstr(text, "\"subnet"));
		/* The tree made again is the part, and prints to the same text. */
		tree = replica_parse(text);
		if (!cJSON_Compare(tree, part, true))
			fail_msg("%s: the parsed text is not the part", cases[i].name);
		again = replica_text(tree);
		assert_string_equal(again, text);
		/* One hash for part, text and tree; its meaning unchanged; a second
		 * read of the same configuration gives the same text and hash. */
		assert_true(replica_text_hash(text) == replica_hash(part));
		assert_true(replica_hash(tree) == replica_hash(part));
		assert_true(replica_hash(part) == fnv_of_print(part));
		assert_true(replica_hash(part2) == replica_hash(part));
		cJSON_free(again);
		/* Printed straight from the configuration: the same text, the
		 * configuration untouched (its members were only borrowed). */
		again = replica_part_text(a, cases[i].svc, why, sizeof(why));
		assert_non_null(again);
		assert_string_equal(again, text);
		assert_true(cJSON_Compare(a, a2, true));
		cJSON_free(again);
		again = replica_text(part2);
		assert_string_equal(again, text);
		cJSON_free(again);
		cJSON_free(pretty);
		cJSON_free(text);
		cJSON_Delete(tree);
		cJSON_Delete(part);
		cJSON_Delete(part2);
		cJSON_Delete(a);
		cJSON_Delete(a2);
	}
	{
		cJSON *none = cJSON_Parse("{\"Dhcp6\": {}}");
		char why[REPLICA_WHY_LEN];
		assert_null(replica_part_text(none, KEA_DHCP4, why, sizeof(why)));
		assert_string_equal(why, "no Dhcp4 configuration");
		cJSON_Delete(none);
	}
	assert_null(replica_parse(NULL));
	assert_true(replica_text_hash(NULL) == replica_hash(NULL));
}

/* The words from trees made again out of the texts are the words from the parts. */
static void test_drift_words_from_texts(void **state)
{
	cJSON *a = configs_args3(LB_PRIMARY), *b = configs_args3(LB_SECONDARY);
	cJSON *pa, *pb, *ta, *tb;
	char why[REPLICA_WHY_LEN], *xa, *xb;
	struct sbuf w1, w2;
	int n1, n2;

	(void)state;
	set(b, "Dhcp4", "valid-lifetime", cJSON_CreateNumber(1234));
	set(b, "Dhcp4.subnet4.0", "t1-percent", cJSON_CreateNumber(0.6)); /* a double */
	append(b, "Dhcp4.subnet4.0.pools", cJSON_Parse("{\"pool\": \"10.9.9.1-10.9.9.9\"}"));
	set(b, HA3, "heartbeat-delay", cJSON_CreateNumber(12345));
	pa = replica_part(a, KEA_DHCP4, why, sizeof(why));
	pb = replica_part(b, KEA_DHCP4, why, sizeof(why));
	xa = replica_text(pa);
	xb = replica_text(pb);
	ta = replica_parse(xa);
	tb = replica_parse(xb);
	sbuf_init(&w1);
	sbuf_init(&w2);
	n1 = replica_drift(pa, pb, KEA_DHCP4, "lb-primary", "lb-secondary", &w1);
	n2 = replica_drift(ta, tb, KEA_DHCP4, "lb-primary", "lb-secondary", &w2);
	assert_true(n1 >= 3);
	assert_int_equal(n2, n1);
	assert_string_equal(w2.s, w1.s);
	assert_true(replica_text_hash(xa) != replica_text_hash(xb));
	sbuf_free(&w1);
	sbuf_free(&w2);
	cJSON_free(xa);
	cJSON_free(xb);
	cJSON_Delete(ta);
	cJSON_Delete(tb);
	cJSON_Delete(pa);
	cJSON_Delete(pb);
	cJSON_Delete(a);
	cJSON_Delete(b);
}

/* ---- drift in words ---------------------------------------------------- */

static cJSON *parse(const char *json)
{
	cJSON *j = cJSON_Parse(json);

	if (!j)
		fail_msg("bad test JSON: %s", json);
	return j;
}

static void test_drift_words(void **state)
{
	cJSON *a = configs_args3(LB_PRIMARY);
	cJSON *b = configs_args3(LB_SECONDARY);
	cJSON *sub = configs_get(b, "Dhcp4.subnet4.0");
	char *text;
	int n;

	(void)state;
	/* On the secondary: a pool moved, an option and two reservations added, a lifetime. */
	set(sub, "pools.1", "pool", cJSON_CreateString("127.201.2.10-127.201.2.200"));
	append(b, "Dhcp4.option-data", parse("{\"name\":\"domain-name-servers\",\"data\":\"127.0.0.53\"}"));
	cJSON_ReplaceItemInObjectCaseSensitive(sub, "reservations", parse(
		"[{\"hw-address\":\"aa:bb:cc:dd:ee:01\",\"ip-address\":\"127.201.9.1\"},"
		" {\"hw-address\":\"aa:bb:cc:dd:ee:02\",\"ip-address\":\"127.201.9.2\"}]"));
	set(b, "Dhcp4", "valid-lifetime", cJSON_CreateNumber(7200));
	/* Local parts changed too: never drift. */
	set(b, "Dhcp4", "loggers", cJSON_CreateArray());
	text = drift(a, b, KEA_DHCP4, &n);
	assert_string_equal(text,
		"option domain-name-servers only on lb-secondary\n"
		"subnet 127.201.0.0/16: pool 127.201.2.10-127.201.2.250 differs "
		"(127.201.2.10-127.201.2.200 on lb-secondary)\n"
		"subnet 127.201.0.0/16: 2 reservations only on lb-secondary\n"
		"valid-lifetime differs\n");
	assert_int_equal(n, 4);
	free(text);
	cJSON_Delete(a);
	cJSON_Delete(b);
}

static void test_drift_subnets_classes_ha_and_order(void **state)
{
	cJSON *a = configs_args3(LB_PRIMARY);
	cJSON *b = configs_args3(LB_SECONDARY);
	cJSON *copy = cJSON_Duplicate(configs_get(b, "Dhcp4.subnet4.0"), true);
	char *text, *again;
	int n;

	(void)state;
	cJSON_ReplaceItemInObjectCaseSensitive(copy, "subnet", cJSON_CreateString("192.0.2.0/24"));
	cJSON_ReplaceItemInObjectCaseSensitive(copy, "id", cJSON_CreateNumber(99));
	append(b, "Dhcp4.subnet4", copy);
	cJSON_AddItemToObject(configs_get(b, "Dhcp4"), "client-classes",
					       parse("[{\"name\":\"voip\",\"test\":\"option[60].hex == 'x'\"}]"));
	set(b, HA3, "heartbeat-delay", cJSON_CreateNumber(5000));
	text = drift(a, b, KEA_DHCP4, &n);
	assert_string_equal(text,
		"client-classes only on lb-secondary\n"
		"HA heartbeat-delay differs\n"
		"subnet 192.0.2.0/24 only on lb-secondary\n");
	/* The same inputs, the same lines. */
	again = drift(a, b, KEA_DHCP4, &n);
	assert_string_equal(text, again);
	free(text);
	free(again);
	/* Both have classes: compared by name. */
	cJSON_AddItemToObject(configs_get(a, "Dhcp4"), "client-classes",
			      parse("[{\"name\":\"voip\",\"test\":\"option[60].hex == 'y'\"},{\"name\":\"printers\"}]"));
	text = drift(a, b, KEA_DHCP4, &n);
	assert_non_null(strstr(text, "client class printers only on lb-primary\n"));
	assert_non_null(strstr(text, "client class voip differs\n"));
	free(text);
	cJSON_Delete(a);
	cJSON_Delete(b);
}

/* Pools: ranges changed are paired, one line each; a pool added is "only on". */
static void test_drift_pools(void **state)
{
	cJSON *a = configs_args3(LB_PRIMARY);
	cJSON *b = configs_args3(LB_SECONDARY);
	cJSON *sub = configs_get(b, "Dhcp4.subnet4.0");
	char *text;
	int n;

	(void)state;
	set(sub, "pools.0", "pool", cJSON_CreateString("127.201.1.10-127.201.1.100"));
	set(sub, "pools.1", "pool", cJSON_CreateString("127.201.2.10-127.201.2.100"));
	text = drift(a, b, KEA_DHCP4, &n);
	assert_string_equal(text,
		"subnet 127.201.0.0/16: pool 127.201.1.10-127.201.1.250 differs "
		"(127.201.1.10-127.201.1.100 on lb-secondary)\n"
		"subnet 127.201.0.0/16: pool 127.201.2.10-127.201.2.250 differs "
		"(127.201.2.10-127.201.2.100 on lb-secondary)\n");
	assert_int_equal(n, 2);
	free(text);
	/* A third pool on the secondary: one more range than the primary has. */
	append(sub, "pools", parse("{\"pool\":\"127.201.3.10-127.201.3.20\"}"));
	text = drift(a, b, KEA_DHCP4, &n);
	assert_int_equal(n, 3);
	assert_non_null(strstr(text, "subnet 127.201.0.0/16: pool 127.201.3.10-127.201.3.20 only on lb-secondary\n"));
	free(text);
	/* Same range, other options: the pool differs, one line. */
	cJSON_Delete(b);
	b = configs_args3(LB_SECONDARY);
	set(b, "Dhcp4.subnet4.0.pools.0", "option-data", parse("[{\"name\":\"routers\",\"data\":\"127.201.0.1\"}]"));
	text = drift(a, b, KEA_DHCP4, &n);
	assert_string_equal(text, "subnet 127.201.0.0/16: pool 127.201.1.10-127.201.1.250 differs\n");
	free(text);
	cJSON_Delete(a);
	cJSON_Delete(b);
}

/* A subnet moved into, out of or between shared networks is said, once. */
static void test_drift_shared_network_moves(void **state)
{
	cJSON *a = configs_args3(LB_PRIMARY);
	cJSON *b = configs_args3(LB_SECONDARY);
	cJSON *moved, *net;
	char *text;
	int n;

	(void)state;
	/* On the secondary the subnet sits in a shared network "floor1". */
	moved = cJSON_DetachItemFromArray(configs_get(b, "Dhcp4.subnet4"), 0);
	net = parse("{\"name\":\"floor1\",\"subnet4\":[]}");
	cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(net, "subnet4"), moved);
	set(b, "Dhcp4", "shared-networks", cJSON_CreateArray());
	append(b, "Dhcp4.shared-networks", net);
	text = drift(a, b, KEA_DHCP4, &n);
	assert_string_equal(text,
		"shared network floor1 only on lb-secondary\n"
		"subnet 127.201.0.0/16: in shared network floor1 on lb-secondary, outside any shared "
		"network on lb-primary\n");
	assert_int_equal(n, 2);
	free(text);
	/* Both have the network; the subnet is in it on the primary only (moved out). */
	text = drift(b, a, KEA_DHCP4, &n);
	assert_non_null(strstr(text, "subnet 127.201.0.0/16: in shared network floor1 on lb-primary, "
			       "outside any shared network on lb-secondary\n"));
	free(text);
	/* In another network on the primary. */
	set(a, "Dhcp4", "shared-networks", cJSON_Duplicate(configs_get(b, "Dhcp4.shared-networks"), true));
	set(a, "Dhcp4.shared-networks.0", "name", cJSON_CreateString("floor2"));
	set(a, "Dhcp4", "subnet4", cJSON_CreateArray());
	text = drift(a, b, KEA_DHCP4, &n);
	assert_non_null(strstr(text, "subnet 127.201.0.0/16: in shared network floor2 on lb-primary, "
			       "in floor1 on lb-secondary\n"));
	assert_null(strstr(text, "subnet 127.201.0.0/16 only on"));
	free(text);
	/* Where it is the same: nothing. */
	text = drift(b, b, KEA_DHCP4, &n);
	assert_int_equal(n, 0);
	free(text);
	cJSON_Delete(a);
	cJSON_Delete(b);
}

static void test_drift_is_bounded(void **state)
{
	cJSON *a = configs_args3(LB_PRIMARY);
	cJSON *b = configs_args3(LB_SECONDARY);
	char *text;
	int n;

	(void)state;
	for (int i = 0; i < REPLICA_MAX_LINES + 10; i++) {
		char net[64];
		cJSON *s = cJSON_CreateObject();
		snprintf(net, sizeof(net), "10.%d.0.0/16", i);
		cJSON_AddStringToObject(s, "subnet", net);
		append(b, "Dhcp4.subnet4", s);
	}
	text = drift(a, b, KEA_DHCP4, &n);
	assert_int_equal(n, REPLICA_MAX_LINES + 10);
	assert_non_null(strstr(text, "... and 10 more differences\n"));
	free(text);
	cJSON_Delete(a);
	cJSON_Delete(b);
}

/* ---- the desired configuration ----------------------------------------- */

static void test_desired_keeps_target_local_parts(void **state)
{
	cJSON *src = configs_args3(LB_PRIMARY);
	cJSON *tgt = configs_args3(LB_SECONDARY);
	char why[REPLICA_WHY_LEN];
	cJSON *d, *ps, *pd;
	struct sbuf out = { 0 };

	(void)state;
	set(src, "Dhcp4", "valid-lifetime", cJSON_CreateNumber(1800));
	append(src, "Dhcp4.option-data", parse("{\"name\":\"domain-name-servers\",\"data\":\"127.0.0.53\"}"));
	set(src, HA3, "max-response-delay", cJSON_CreateNumber(6000));
	d = replica_desired(tgt, src, KEA_DHCP4, why, sizeof(why));
	assert_non_null(d);
	/* The target's own parts. */
	assert_string_equal(configs_sget(d, "Dhcp4.control-sockets.0.socket-address"), "127.0.0.152");
	assert_string_equal(configs_sget(d, "Dhcp4.lease-database.name"), "/srv/kea3lab/hosts/lb-secondary/kea-leases4.csv");
	assert_string_equal(configs_sget(d, HA3 ".this-server-name"), "lb-secondary");
	assert_null(configs_get(d, "hash"));
	/* The source's shared parts. */
	assert_int_equal(configs_get(d, "Dhcp4.valid-lifetime")->valueint, 1800);
	assert_int_equal(configs_get(d, HA3 ".max-response-delay")->valueint,
			 6000);
	ps = replica_part(src, KEA_DHCP4, why, sizeof(why));
	pd = replica_part(d, KEA_DHCP4, why, sizeof(why));
	assert_int_equal(replica_drift(ps, pd, KEA_DHCP4, "a", "b", &out), 0);
	/* The target itself is untouched. */
	assert_int_equal(configs_get(tgt, "Dhcp4.valid-lifetime")->valueint, 3600);
	cJSON_Delete(ps);
	cJSON_Delete(pd);
	cJSON_Delete(d);
	cJSON_Delete(src);
	cJSON_Delete(tgt);
}

/* The backup of a 2.2 relationship with a backup gets the secondary's configuration, as itself. */
static void test_desired_for_a_backup(void **state)
{
	cJSON *src = configs_args("config-get.dhcp4.bk-secondary.after-failed-hook-load");
	cJSON *tgt = configs_args("config-get.dhcp4.bk-backup");
	char why[REPLICA_WHY_LEN];
	cJSON *d;

	(void)state;
	set(src, "Dhcp4", "valid-lifetime", cJSON_CreateNumber(900));
	d = replica_desired(tgt, src, KEA_DHCP4, why, sizeof(why));
	assert_non_null(d);
	assert_string_equal(configs_sget(d, "Dhcp4.hooks-libraries.2.parameters.high-availability.0.this-server-name"),
			    "bk-backup");
	assert_string_equal(configs_sget(d, "Dhcp4.control-socket.socket-name"),
			    "/var/lib/kea/lab/hosts/bk-backup/kea4-ctrl.sock");
	assert_int_equal(configs_get(d, "Dhcp4.valid-lifetime")->valueint, 900);
	cJSON_Delete(d);
	cJSON_Delete(src);
	cJSON_Delete(tgt);
}

static void test_desired_refusals(void **state)
{
	cJSON *hub = configs_args3("config-get.direct.hub.normal");
	cJSON *spoke = configs_args3("config-get.direct.spoke1.normal");
	cJSON *a = configs_args3(LB_PRIMARY);
	cJSON *b = configs_args3(LB_SECONDARY);
	cJSON *hs = configs_args3("config-get.direct.hs-standby.normal");
	cJSON *plain = configs_args3("config-get.direct.plain-a.normal");
	char why[REPLICA_WHY_LEN];

	(void)state;
	assert_null(replica_desired(spoke, hub, KEA_DHCP4, why, sizeof(why)));
	assert_non_null(strstr(why, "hub and spoke"));
	assert_null(replica_desired(hs, a, KEA_DHCP4, why, sizeof(why)));
	assert_string_equal(why, "the two servers are not peers of the same relationship");
	assert_null(replica_desired(plain, a, KEA_DHCP4, why, sizeof(why)));
	assert_string_equal(why, "only one of the two servers has the HA hook loaded");
	assert_null(replica_desired(b, a, KEA_DHCP6, why, sizeof(why)));
	assert_false(replica_refuses(a, KEA_DHCP4, why, sizeof(why)));
	cJSON_AddItemToObject(configs_get(a, "Dhcp4"), "config-control",
			      parse("{\"config-databases\":[{\"type\":\"mysql\",\"name\":\"kea\"}]}"));
	assert_true(replica_refuses(a, KEA_DHCP4, why, sizeof(why)));
	assert_null(replica_desired(b, a, KEA_DHCP4, why, sizeof(why)));
	assert_non_null(strstr(why, "config-control"));
	cJSON_Delete(hub);
	cJSON_Delete(spoke);
	cJSON_Delete(a);
	cJSON_Delete(b);
	cJSON_Delete(hs);
	cJSON_Delete(plain);
}

#define PEER0_PASSWORD "Dhcp4.hooks-libraries.2.parameters.high-availability.0.peers.0.basic-auth-password"

/* Secrets masked for the editor, put back after: the peer still gets the real password. */
static void test_masked_edit_round_trip(void **state)
{
	cJSON *src = configs_args("config-get.dhcp4.lb-primary.auth-ok");
	cJSON *masked = plan_mask_secrets(src), *d;
	char *text = cJSON_Print(masked);
	char why[REPLICA_WHY_LEN];
	const char *pw = configs_sget(src, PEER0_PASSWORD);

	(void)state;
	assert_string_not_equal(pw, "(none)");
	assert_null(strstr(text, pw));
	plan_restore_secrets(masked, src);
	assert_true(cJSON_Compare(masked, src, true));
	d = replica_desired(src, masked, KEA_DHCP4, why, sizeof(why));
	assert_non_null(d);
	assert_string_equal(configs_sget(d, PEER0_PASSWORD), pw);
	cJSON_free(text);
	cJSON_Delete(d);
	cJSON_Delete(masked);
	cJSON_Delete(src);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_has_each_key_once_with_a_reason),
		cmocka_unit_test(test_readme_lists_the_table),
		cmocka_unit_test(test_part_leaves_out_local_parts),
		cmocka_unit_test(test_real_peers_do_not_drift),
		cmocka_unit_test(test_text_round_trip),
		cmocka_unit_test(test_drift_words_from_texts),
		cmocka_unit_test(test_drift_words),
		cmocka_unit_test(test_drift_subnets_classes_ha_and_order),
		cmocka_unit_test(test_drift_pools),
		cmocka_unit_test(test_drift_shared_network_moves),
		cmocka_unit_test(test_drift_is_bounded),
		cmocka_unit_test(test_desired_keeps_target_local_parts),
		cmocka_unit_test(test_desired_for_a_backup),
		cmocka_unit_test(test_desired_refusals),
		cmocka_unit_test(test_masked_edit_round_trip),
	};

	return cmocka_run_group_tests_name("replica", tests, NULL, NULL);
}
