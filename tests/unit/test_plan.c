/*
 * plan.c on captured configurations: adding load-balancing and hot-standby
 * relationships to the lab's plain servers must give the HA parts of the
 * configs that really worked at runtime (config-set.*.add-ha), removing them
 * must give back the configs of config-set.*.remove-ha, and each rule Kea
 * skips is refused with its reason.
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

#define HOOKS "/usr/lib/x86_64-linux-gnu/kea/hooks"

/* ---- helpers ------------------------------------------------------------- */

static void assert_json_equal(const cJSON *a, const cJSON *b, const char *what)
{
	if (!cJSON_Compare(a, b, true)) {
		char *x = cJSON_Print(a), *y = cJSON_Print(b);
		print_error("%s differs:\n%s\n--- expected ---\n%s\n", what, x ? x : "(null)",
			    y ? y : "(null)");
		free(x);
		free(y);
		fail_msg("%s differs", what);
	}
}

static void assert_contains(const char *hay, const char *needle)
{
	if (!hay || !strstr(hay, needle))
		fail_msg("\"%s\" not found in:\n%s", needle, hay ? hay : "(null)");
}

/* Pool k of a subnet (path): its range, and the client class it is split for (NULL: none asked). */
static void assert_pool(const cJSON *config, const char *subnet, int k, const char *range, const char *cls)
{
	char path[160];

	snprintf(path, sizeof(path), "%s.pools.%d.pool", subnet, k);
	assert_string_equal(configs_sget(config, path), range);
	if (!cls)
		return;
	snprintf(path, sizeof(path), "%s.pools.%d.client-class", subnet, k);
	assert_string_equal(configs_sget(config, path), cls);
}

/* The lab pair of the captured runtime creation, with its timings. */
struct lab {
	cJSON *a, *b, *a_other, *b_other;
	struct plan_add_choices c;
};

static void lab_init(struct lab *l, enum kea_service svc, enum ha_mode mode)
{
	bool v6 = svc == KEA_DHCP6;

	memset(l, 0, sizeof(*l));
	l->a = configs_args(v6 ? "config-set.dhcp6.plain-a.remove-ha" : "config-get.dhcp4.plain-a.no-ha");
	l->b = configs_args(v6 ? "config-set.dhcp6.plain-b.remove-ha" : "config-set.dhcp4.plain-b.remove-ha");
	plan_add_choices_init(&l->c);
	l->c.name = "lab-rel";
	l->c.mode = mode;
	l->c.service = svc;
	l->c.primary = (struct plan_server){"plain-a", v6 ? "http://127.0.0.131:8121/"
							  : "http://127.0.0.31:8021/", l->a, NULL, false, 2, 2, 0};
	l->c.partner = (struct plan_server){"plain-b", v6 ? "http://127.0.0.132:8122/"
							  : "http://127.0.0.32:8022/", l->b, NULL, false, 2, 2, 0};
	l->c.hooks_dir = HOOKS;
	l->c.heartbeat_delay = 1000;
	l->c.max_response_delay = 4000;
	l->c.max_ack_delay = 2000;
	l->c.max_unacked_clients = 0;
}

static void lab_free(struct lab *l)
{
	cJSON_Delete(l->a);
	cJSON_Delete(l->b);
	cJSON_Delete(l->a_other);
	cJSON_Delete(l->b_other);
}

static void plan_ok(const struct plan_add_choices *c, struct plan_result *r)
{
	if (!plan_add(c, r))
		fail_msg("plan_add refused: %s", r->refusal);
	assert_true(r->ok);
	assert_non_null(r->config[0]);
	assert_non_null(r->config[1]);
}

/* Compares our HA hook with a captured working one, field by field. */
static void assert_ha_like_captured(const cJSON *ours, const cJSON *captured, const char *key,
				    bool same_mode)
{
	const cJSON *oh = configs_get(ours, key), *ch = configs_get(captured, key), *f;
	const cJSON *oe = configs_get(oh, "1.parameters.high-availability.0");
	const cJSON *ce = configs_get(ch, "1.parameters.high-availability.0");

	assert_int_equal(cJSON_GetArraySize(oh), 2);
	for (int i = 0; i < 2; i++) {
		char k[16];
		snprintf(k, sizeof(k), "%d.library", i);
		if (same_mode) /* else bare names: the captured path ends with ours */
			assert_string_equal(configs_sget(oh, k), configs_sget(ch, k));
		else
			assert_string_equal(strrchr(configs_sget(ch, k), '/') + 1, configs_sget(oh, k));
	}
	assert_int_equal(cJSON_GetArraySize(configs_get(oh, "1.parameters.high-availability")), 1);
	cJSON_ArrayForEach(f, ce) {
		if (strcmp(f->string, "user-context") == 0 ||
		    (!same_mode && strcmp(f->string, "mode") == 0))
			continue;
		if (strcmp(f->string, "peers") == 0 && !same_mode) {
			assert_string_equal(configs_sget(oe, "peers.0.url"), configs_sget(ce, "peers.0.url"));
			assert_string_equal(configs_sget(oe, "peers.1.url"), configs_sget(ce, "peers.1.url"));
			continue;
		}
		if (!cJSON_Compare(f, cJSON_GetObjectItemCaseSensitive(oe, f->string), true))
			fail_msg("HA field %s differs from the captured config", f->string);
	}
	assert_int_equal(cJSON_GetArraySize(oe), cJSON_GetArraySize(ce) + (configs_get(ce, "user-context") ? 0 : 1));
	assert_string_equal(configs_sget(oe, "user-context.keaha.name"), "lab-rel");
}

/* Both configs equal except the keys listed (removed from copies first). */
static void assert_equal_except(const cJSON *a, const cJSON *b, const char *dhcp,
				const char *const *keys, const char *what)
{
	cJSON *x = cJSON_Duplicate(a, true), *y = cJSON_Duplicate(b, true);

	for (; *keys; keys++) {
		cJSON_DeleteItemFromObjectCaseSensitive(configs_get(x, dhcp), *keys);
		cJSON_DeleteItemFromObjectCaseSensitive(configs_get(y, dhcp), *keys);
	}
	assert_json_equal(x, y, what);
	cJSON_Delete(x);
	cJSON_Delete(y);
}

/* ---- adding ----------------------------------------------------------------- */

static void test_add_lb_dhcp4_matches_captured(void **state)
{
	static const char *const except[] = {"hooks-libraries", "subnet4", NULL};
	const char *cap[2] = {"config-set.dhcp4.plain-a.add-ha", "config-set.dhcp4.plain-b.add-ha"};
	struct lab l;
	struct plan_result r;

	(void)state;
	lab_init(&l, KEA_DHCP4, HA_MODE_LOAD_BALANCING);
	plan_ok(&l.c, &r);
	for (int i = 0; i < 2; i++) {
		cJSON *want = configs_args(cap[i]);
		assert_ha_like_captured(r.config[i], want, "Dhcp4.hooks-libraries", true);
		assert_equal_except(r.config[i], want, "Dhcp4", except, cap[i]);
		/* Split in two halves, each classed for its own server's scope. */
		assert_int_equal(cJSON_GetArraySize(configs_get(r.config[i], "Dhcp4.subnet4.0.pools")), 2);
		assert_pool(r.config[i], "Dhcp4.subnet4.0", 0, "127.101.1.10-127.101.2.2", "HA_plain-a");
		assert_pool(r.config[i], "Dhcp4.subnet4.0", 1, "127.101.2.3-127.101.2.250", "HA_plain-b");
		assert_contains(r.diff[i].s, "+ hooks-libraries: " HOOKS "/libdhcp_ha.so\n");
		assert_contains(r.diff[i].s, "+ hooks-libraries: " HOOKS "/libdhcp_lease_cmds.so\n");
		assert_contains(r.diff[i].s, "~ subnet 127.101.0.0/16 pool 127.101.1.10 - "
				"127.101.2.250 -> 127.101.1.10 - 127.101.2.2 (HA_plain-a), "
				"127.101.2.3 - 127.101.2.250 (HA_plain-b)\n");
		cJSON_Delete(want);
	}
	assert_json_equal(configs_get(r.config[0], "Dhcp4.subnet4"), configs_get(r.config[1], "Dhcp4.subnet4"),
			  "subnets of both servers");
	assert_string_equal(configs_sget(r.config[1], "Dhcp4.hooks-libraries.1.parameters."
				 "high-availability.0.this-server-name"), "plain-b");
	assert_null(r.warnings.s);
	plan_result_free(&r);
	lab_free(&l);
}

static void test_add_lb_dhcp6_splits_ranges(void **state)
{
	struct lab l;
	struct plan_result r;
	cJSON *want = configs_args("config-set.dhcp6.plain-a.add-ha");

	(void)state;
	lab_init(&l, KEA_DHCP6, HA_MODE_LOAD_BALANCING);
	plan_ok(&l.c, &r);
	assert_ha_like_captured(r.config[0], want, "Dhcp6.hooks-libraries", true);
	for (int i = 0; i < 2; i++) {
		assert_pool(r.config[i], "Dhcp6.subnet6.0", 0, "fd00::2:0:0:1:0-fd00::2:0:0:1:ffff", "HA_plain-a");
		assert_pool(r.config[i], "Dhcp6.subnet6.0", 1, "fd00::2:0:0:2:0-fd00::2:0:0:2:ffff", "HA_plain-b");
	}
	cJSON_Delete(want);
	plan_result_free(&r);
	lab_free(&l);
}

static void test_add_hs_dhcp6_no_split(void **state)
{
	struct lab l;
	struct plan_result r;
	cJSON *want = configs_args("config-set.dhcp6.plain-b.add-ha");

	(void)state;
	lab_init(&l, KEA_DHCP6, HA_MODE_HOT_STANDBY);
	l.c.hooks_dir = NULL; /* Kea 3.0: bare names */
	plan_ok(&l.c, &r);
	for (int i = 0; i < 2; i++) {
		const cJSON *e = configs_get(r.config[i], "Dhcp6.hooks-libraries.1.parameters.high-availability.0");
		assert_json_equal(configs_get(r.config[i], "Dhcp6.subnet6"), configs_get(i ? l.b : l.a, "Dhcp6.subnet6"),
				  "hot-standby subnets (unchanged)");
		assert_string_equal(configs_sget(e, "mode"), "hot-standby");
		assert_string_equal(configs_sget(e, "peers.0.role"), "primary");
		assert_string_equal(configs_sget(e, "peers.1.role"), "standby");
		assert_string_equal(configs_sget(r.config[i], "Dhcp6.hooks-libraries.1.library"), "libdhcp_ha.so");
		assert_null(strstr(r.diff[i].s, "~ subnet"));
	}
	assert_ha_like_captured(r.config[1], want, "Dhcp6.hooks-libraries", false);
	cJSON_Delete(want);
	plan_result_free(&r);
	lab_free(&l);
}

/* ---- refusals ----------------------------------------------------------------- */

static void assert_refused(const struct plan_add_choices *c, const char *reason)
{
	struct plan_result r;

	assert_false(plan_add(c, &r));
	assert_false(r.ok);
	assert_null(r.config[0]);
	assert_null(r.config[1]);
	assert_contains(r.refusal, reason);
	plan_result_free(&r);
}

static void test_refuse_choices(void **state)
{
	static const char *const used[] = {"other", "lab-rel"};
	struct lab l;
	struct plan_add_choices c;

	(void)state;
	lab_init(&l, KEA_DHCP4, HA_MODE_LOAD_BALANCING);
	c = l.c, c.name = "";
	assert_refused(&c, "needs a name");
	c = l.c, c.known_names = used, c.nknown = 2;
	assert_refused(&c, "a relationship named lab-rel already exists");
	c = l.c, c.mode = HA_MODE_PASSIVE_BACKUP;
	assert_refused(&c, "backup servers are not supported");
	c = l.c, c.max_response_delay = 1000;
	assert_refused(&c, "max-response-delay must be greater than heartbeat-delay");
	c = l.c, c.primary.url = "http://kea-a.example.org:8021/";
	assert_refused(&c, "peer plain-a: URL \"http://kea-a.example.org:8021/\" must be");
	c = l.c, c.partner.url = "http://127.0.0.32/";
	assert_refused(&c, "peer plain-b: URL");
	c = l.c, c.trust_anchor = "/etc/kea/ca.pem", c.cert_file = "/etc/kea/a.pem";
	assert_refused(&c, "TLS needs all of trust-anchor, cert-file and key-file");
	c = l.c, c.primary.url = "https://127.0.0.31:8021/";
	assert_refused(&c, "peer plain-a uses https but");
	c = l.c, c.partner.name = "plain-a";
	assert_refused(&c, "the same server");
	lab_free(&l);
}

static void test_accepts_tls_and_v6_urls(void **state)
{
	struct lab l;
	struct plan_result r;

	(void)state;
	lab_init(&l, KEA_DHCP4, HA_MODE_HOT_STANDBY);
	l.c.primary.url = "https://[::1]:8021/";
	l.c.partner.url = "https://127.0.0.32:8022";
	l.c.trust_anchor = "/etc/kea/ca.pem";
	l.c.cert_file = "/etc/kea/a.pem";
	l.c.key_file = "/etc/kea/a.key";
	plan_ok(&l.c, &r);
	assert_string_equal(configs_sget(r.config[0], "Dhcp4.hooks-libraries.1.parameters.high-availability.0."
				 "key-file"), "/etc/kea/a.key");
	assert_contains(r.diff[0].s, "TLS trust-anchor /etc/kea/ca.pem");
	plan_result_free(&r);
	lab_free(&l);
}

static void test_refuse_servers(void **state)
{
	struct lab l, l6;
	struct plan_add_choices c;
	struct plan_result r6, r4;
	cJSON *lbp = configs_args("config-get.dhcp4.lb-primary");
	cJSON *b4 = configs_args("config-set.dhcp4.plain-b.add-ha");

	(void)state;
	lab_init(&l, KEA_DHCP4, HA_MODE_LOAD_BALANCING);
	lab_init(&l6, KEA_DHCP6, HA_MODE_HOT_STANDBY);
	c = l.c, c.primary.config = lbp;
	assert_refused(&c, "plain-a already has a DHCPv4 HA relationship");
	c = l.c, c.partner.config = lbp;
	assert_refused(&c, "plain-b already has a DHCPv4 HA relationship");
	c = l.c, c.partner.config = l6.b;
	assert_refused(&c, "plain-b does not run DHCPv4 (its configuration has no Dhcp4 map)");
	/* plain-b is secondary for DHCPv4: it cannot be a DHCPv6 primary... */
	c = l6.c, c.primary = l6.c.partner, c.partner = l6.c.primary, c.primary.other = b4;
	assert_refused(&c, "plain-b is secondary in a DHCPv4 relationship");
	/* ...but it can be a DHCPv6 standby. */
	c = l6.c, c.partner.other = b4;
	plan_ok(&c, &r6);
	/* A name stored in the other service's HA user-context is taken. */
	c = l.c, c.primary.other = r6.config[0];
	assert_refused(&c, "a relationship named lab-rel already exists");
	c.name = "lab-rel-4";
	plan_ok(&c, &r4);
	plan_result_free(&r4);
	plan_result_free(&r6);
	cJSON_Delete(lbp);
	cJSON_Delete(b4);
	lab_free(&l);
	lab_free(&l6);
}

static void set_pool(cJSON *args, const char *pool, const char *cls)
{
	cJSON *p = configs_get(args, "Dhcp4.subnet4.0.pools.0");

	cJSON_ReplaceItemInObjectCaseSensitive(p, "pool", cJSON_CreateString(pool));
	if (cls)
		cJSON_AddStringToObject(p, "client-class", cls);
}

static void test_refuse_pools(void **state)
{
	struct lab l;

	(void)state;
	lab_init(&l, KEA_DHCP4, HA_MODE_LOAD_BALANCING);
	set_pool(l.a, "127.101.1.10-127.101.1.10", NULL);
	set_pool(l.b, "127.101.1.10-127.101.1.10", NULL);
	assert_refused(&l.c, "subnet 127.101.0.0/16 pool 127.101.1.10-127.101.1.10 cannot be split "
		       "in two for load-balancing (a single address)");
	set_pool(l.a, "127.101.1.0/24", "HA_x");
	set_pool(l.b, "127.101.1.0/24", "HA_x");
	assert_refused(&l.c, "pool 127.101.1.0/24 already has a client-class");
	/* Kea 3's form of a class: a list. */
	cJSON_DeleteItemFromObjectCaseSensitive(configs_get(l.a, "Dhcp4.subnet4.0.pools.0"), "client-class");
	cJSON_DeleteItemFromObjectCaseSensitive(configs_get(l.b, "Dhcp4.subnet4.0.pools.0"), "client-class");
	cJSON_AddItemToObject(configs_get(l.a, "Dhcp4.subnet4.0.pools.0"), "client-classes",
			      cJSON_CreateStringArray((const char *const[]){"HA_x"}, 1));
	cJSON_AddItemToObject(configs_get(l.b, "Dhcp4.subnet4.0.pools.0"), "client-classes",
			      cJSON_CreateStringArray((const char *const[]){"HA_x"}, 1));
	assert_refused(&l.c, "pool 127.101.1.0/24 already has a client-class");
	set_pool(l.b, "127.101.1.0/25", NULL);
	assert_refused(&l.c, "subnet 127.101.0.0/16 has different pools on plain-a and plain-b");
	cJSON_ReplaceItemInObjectCaseSensitive(configs_get(l.b, "Dhcp4.subnet4.0"), "id", cJSON_CreateNumber(7));
	assert_refused(&l.c, "subnet 127.101.0.0/16 (on plain-a) is not on plain-b with the same id");
	lab_free(&l);
}

static void test_split_cidr(void **state)
{
	struct lab l;
	struct plan_result r;

	(void)state;
	lab_init(&l, KEA_DHCP4, HA_MODE_LOAD_BALANCING);
	set_pool(l.a, "127.101.1.0/24", NULL);
	set_pool(l.b, "127.101.1.0/24", NULL);
	plan_ok(&l.c, &r);
	assert_pool(r.config[1], "Dhcp4.subnet4.0", 0, "127.101.1.0-127.101.1.127", "HA_plain-a");
	assert_pool(r.config[1], "Dhcp4.subnet4.0", 1, "127.101.1.128-127.101.1.255", "HA_plain-b");
	assert_string_equal(configs_sget(r.config[1], "Dhcp4.subnet4.0.pools.1.user-context.keaha.split-of"),
			    "127.101.1.0/24");
	plan_result_free(&r);
	lab_free(&l);
}

static void test_check_ha_rules(void **state)
{
	static const struct {
		const char *json, *why;
	} bad[] = {
		{"{\"this-server-name\":\"c\",\"mode\":\"hot-standby\",\"peers\":["
		 "{\"name\":\"a\",\"url\":\"http://10.0.0.1:8000/\",\"role\":\"primary\"},"
		 "{\"name\":\"b\",\"url\":\"http://10.0.0.2:8000/\",\"role\":\"standby\"}]}",
		 "this-server-name \"c\" is not one of the peers"},
		{"{\"this-server-name\":\"a\",\"mode\":\"hot-standby\",\"peers\":["
		 "{\"name\":\"a\",\"url\":\"http://10.0.0.1:8000/\",\"role\":\"primary\"},"
		 "{\"name\":\"b\",\"url\":\"http://10.0.0.2:8000/\",\"role\":\"secondary\"}]}",
		 "hot-standby needs exactly one primary and one standby"},
		{"{\"this-server-name\":\"a\",\"mode\":\"load-balancing\",\"peers\":["
		 "{\"name\":\"a\",\"url\":\"http://10.0.0.1:8000/\",\"role\":\"primary\"},"
		 "{\"name\":\"b\",\"url\":\"http://10.0.0.2:8000/\",\"role\":\"secondary\"},"
		 "{\"name\":\"c\",\"url\":\"http://10.0.0.3:8000/\",\"role\":\"backup\"}]}",
		 "backup servers are not supported"},
		{"{\"this-server-name\":\"a\",\"mode\":\"load-balancing\",\"heartbeat-delay\":10000,"
		 "\"max-response-delay\":10000,\"peers\":["
		 "{\"name\":\"a\",\"url\":\"http://10.0.0.1:8000/\",\"role\":\"primary\"},"
		 "{\"name\":\"b\",\"url\":\"http://10.0.0.2:8000/\",\"role\":\"secondary\"}]}",
		 "max-response-delay must be greater"},
	};
	char why[PLAN_REASON_LEN];

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		cJSON *e = cJSON_Parse(bad[i].json);
		assert_non_null(e);
		why[0] = '\0';
		assert_false(plan_check_ha(e, why, sizeof(why)));
		assert_contains(why, bad[i].why);
		cJSON_Delete(e);
	}
	assert_true(plan_url_ok("http://192.0.2.1:8000/"));
	assert_true(plan_url_ok("http://[2001:db8::1]:8000"));
	assert_false(plan_url_ok("http://2001:db8::1:8000/"));
	assert_false(plan_url_ok("http://192.0.2.1:0/"));
	assert_false(plan_url_ok("http://192.0.2.1:99999/"));
	assert_false(plan_url_ok("ftp://192.0.2.1:80/"));
	assert_false(plan_url_ok("http://192.0.2.1:80x"));
}

static void test_hooks_dir(void **state)
{
	struct fixture *f = fixture_load("build-report.dhcp4.lb-primary");
	const char *text = configs_sget(f->response, "0.text");
	cJSON *lbp = configs_args("config-get.dhcp4.lb-primary");
	cJSON *plain = configs_args("config-get.dhcp4.plain-a.no-ha");
	char dir[256];

	(void)state;
	assert_true(plan_hooks_dir_from_build_report(text, dir, sizeof(dir)));
	assert_string_equal(dir, HOOKS);
	assert_false(plan_hooks_dir_from_build_report("Prefix: /usr\n", dir, sizeof(dir)));
	assert_false(plan_hooks_dir_from_build_report(text, dir, 8)); /* too long: no truncation */
	dir[0] = '\0';
	assert_true(plan_hooks_dir_from_config(lbp, KEA_DHCP4, dir, sizeof(dir)));
	assert_string_equal(dir, HOOKS);
	assert_false(plan_hooks_dir_from_config(plain, KEA_DHCP4, dir, sizeof(dir)));
	assert_false(plan_hooks_dir_from_config(lbp, KEA_DHCP6, dir, sizeof(dir)));
	cJSON_Delete(lbp);
	cJSON_Delete(plain);
	fixture_free(f);
}

/* ---- secrets ------------------------------------------------------------------- */

static void test_secrets(void **state)
{
	cJSON *orig = configs_args("config-get.dhcp4.lb-primary.auth-ok");
	cJSON *m = plan_mask_secrets(orig);
	char *text = cJSON_PrintUnformatted(m);
	const char *pw = "Dhcp4.hooks-libraries.2.parameters.high-availability.0.peers.1.basic-auth-password";
	struct lab l;
	struct plan_result r;

	(void)state;
	assert_string_equal(configs_sget(orig, pw), "s3cret");
	assert_string_equal(configs_sget(m, pw), PLAN_MASK);
	assert_null(strstr(text, "s3cret"));
	free(text);
	/* An edit of the masked copy (a peer list reordered) gets the originals back. */
	cJSON *peers = configs_get(m, "Dhcp4.hooks-libraries.2.parameters.high-availability.0.peers");
	cJSON_AddItemToArray(peers, cJSON_DetachItemFromArray(peers, 0));
	cJSON_ReplaceItemInObjectCaseSensitive(configs_get(m, "Dhcp4"), "valid-lifetime", cJSON_CreateNumber(7200));
	plan_restore_secrets(m, orig);
	assert_string_equal(configs_sget(m, pw), "s3cret");
	assert_string_equal(configs_sget(m, "Dhcp4.hooks-libraries.2.parameters.high-availability.0.peers.0."
				 "basic-auth-password"), "s3cret");
	cJSON_Delete(m);
	cJSON_Delete(orig);

	/* The diff of an add with basic auth shows the user, never the password. */
	lab_init(&l, KEA_DHCP4, HA_MODE_HOT_STANDBY);
	l.c.basic_auth_user = "admin";
	l.c.basic_auth_password = "t0psecret";
	plan_ok(&l.c, &r);
	for (int i = 0; i < 2; i++) {
		assert_null(strstr(r.diff[i].s, "t0psecret"));
		assert_contains(r.diff[i].s, "basic-auth-user admin");
		assert_contains(r.diff[i].s, "basic-auth-password " PLAN_MASK);
		assert_string_equal(configs_sget(r.config[i], "Dhcp4.hooks-libraries.1.parameters."
					 "high-availability.0.peers.1.basic-auth-password"), "t0psecret");
	}
	plan_result_free(&r);
	lab_free(&l);
}

/* ---- removing ------------------------------------------------------------------- */

static void remove_ok(const struct plan_remove_choices *c, struct plan_result *r)
{
	if (!plan_remove(c, r))
		fail_msg("plan_remove refused: %s", r->refusal);
	assert_true(r->ok);
}

/* Adds the lab LB relationship, then removes it with the given choice. */
static void lab_roundtrip(enum plan_scopes scopes, bool swap, struct plan_result *rm)
{
	struct lab l;
	struct plan_result add;
	struct plan_remove_choices c = {"lab-rel", KEA_DHCP4, scopes, {NULL, NULL}};

	lab_init(&l, KEA_DHCP4, HA_MODE_LOAD_BALANCING);
	plan_ok(&l.c, &add);
	c.config[0] = add.config[swap ? 1 : 0];
	c.config[1] = add.config[swap ? 0 : 1];
	remove_ok(&c, rm);
	plan_result_free(&add);
	lab_free(&l);
}

/* Each pool's "client-class" as Kea 3.0's config-get returns it: "client-classes": [one]. */
static void classes_as_kea3(cJSON *args)
{
	cJSON *p, *l;

	for (p = configs_get(args, "Dhcp4.subnet4.0.pools")->child; p; p = p->next) {
		const cJSON *cc = cJSON_GetObjectItemCaseSensitive(p, "client-class");
		if (!cJSON_IsString(cc))
			continue;
		l = cJSON_CreateArray();
		cJSON_AddItemToArray(l, cJSON_CreateString(cc->valuestring));
		cJSON_DeleteItemFromObjectCaseSensitive(p, "client-class");
		cJSON_AddItemToObject(p, "client-classes", l);
	}
}

/*
 * Kea 3 keeps a split's classes as "client-classes" lists (seen on the 3.0
 * lab through its agents): the merge still finds both halves and gives
 * back the original pool, without a class in either form.
 */
static void test_remove_keep_roundtrip_kea3_classes(void **state)
{
	cJSON *want[2] = {configs_args("config-set.dhcp4.plain-a.remove-ha"),
			  configs_args("config-set.dhcp4.plain-b.remove-ha")};
	struct lab l;
	struct plan_result add, r;
	struct plan_remove_choices c = {"lab-rel", KEA_DHCP4, PLAN_SCOPES_KEEP, {NULL, NULL}};

	(void)state;
	lab_init(&l, KEA_DHCP4, HA_MODE_LOAD_BALANCING);
	plan_ok(&l.c, &add);
	for (int i = 0; i < 2; i++) {
		classes_as_kea3(add.config[i]);
		assert_non_null(configs_get(add.config[i], "Dhcp4.subnet4.0.pools.1.client-classes"));
		c.config[i] = add.config[i];
	}
	remove_ok(&c, &r);
	assert_json_equal(r.config[0], want[0], "plain-a after removal (Kea 3 classes)");
	assert_json_equal(r.config[1], want[1], "plain-b after removal (Kea 3 classes)");
	assert_contains(r.diff[0].s, "(HA_plain-a), ");
	assert_null(configs_get(r.config[1], "Dhcp4.subnet4.0.pools.0.client-classes"));
	plan_result_free(&r);
	plan_result_free(&add);
	lab_free(&l);
	cJSON_Delete(want[0]);
	cJSON_Delete(want[1]);
}

static void test_remove_keep_roundtrip(void **state)
{
	cJSON *want[2] = {configs_args("config-set.dhcp4.plain-a.remove-ha"),
			  configs_args("config-set.dhcp4.plain-b.remove-ha")};
	struct plan_result r;

	(void)state;
	lab_roundtrip(PLAN_SCOPES_KEEP, false, &r);
	assert_json_equal(r.config[0], want[0], "plain-a after removal");
	assert_json_equal(r.config[1], want[1], "plain-b after removal");
	assert_contains(r.diff[0].s, "- hooks-libraries: " HOOKS "/libdhcp_lease_cmds.so\n"
			"- hooks-libraries: " HOOKS "/libdhcp_ha.so\n"
			"- high-availability: relationship lab-rel\n");
	assert_contains(r.diff[1].s, "~ subnet 127.101.0.0/16 pools 127.101.1.10-127.101.2.2 "
			"(HA_plain-a), 127.101.2.3-127.101.2.250 (HA_plain-b) -> "
			"127.101.1.10-127.101.2.250\n");
	assert_contains(r.warnings.s, "plain-a and plain-b will both hand out the same pools");
	plan_result_free(&r);
	/* Given in the other order: the same result, in that order. */
	lab_roundtrip(PLAN_SCOPES_KEEP, true, &r);
	assert_json_equal(r.config[0], want[1], "plain-b after removal (swapped)");
	assert_json_equal(r.config[1], want[0], "plain-a after removal (swapped)");
	plan_result_free(&r);
	cJSON_Delete(want[0]);
	cJSON_Delete(want[1]);
}

static void test_remove_captured_by_server_name(void **state)
{
	struct plan_remove_choices c = {"plain-a", KEA_DHCP6, PLAN_SCOPES_KEEP, {NULL, NULL}};
	cJSON *in[2] = {configs_args("config-set.dhcp6.plain-a.add-ha"),
			configs_args("config-set.dhcp6.plain-b.add-ha")};
	cJSON *want[2] = {configs_args("config-set.dhcp6.plain-a.remove-ha"),
			  configs_args("config-set.dhcp6.plain-b.remove-ha")};
	struct plan_result r;

	(void)state;
	c.config[0] = in[0];
	c.config[1] = in[1];
	remove_ok(&c, &r);
	assert_json_equal(r.config[0], want[0], "dhcp6 plain-a after removal");
	assert_json_equal(r.config[1], want[1], "dhcp6 plain-b after removal");
	plan_result_free(&r);
	for (int i = 0; i < 2; i++) {
		cJSON_Delete(in[i]);
		cJSON_Delete(want[i]);
	}
}

static void test_remove_disable(void **state)
{
	cJSON *want[2] = {configs_args("config-set.dhcp4.plain-a.remove-ha"),
			  configs_args("config-set.dhcp4.plain-b.remove-ha")};
	struct plan_result r;
	cJSON *sn, *back;

	(void)state;
	lab_roundtrip(PLAN_SCOPES_DISABLE, false, &r);
	assert_json_equal(r.config[0], want[0], "primary after removal (disable)");
	sn = configs_get(r.config[1], "Dhcp4.subnet4.0");
	assert_int_equal(cJSON_GetArraySize(configs_get(sn, "pools")), 0);
	assert_non_null(configs_get(sn, "pools"));
	assert_json_equal(configs_get(sn, "user-context.keaha.disabled-pools"),
			  configs_get(want[1], "Dhcp4.subnet4.0.pools"), "disabled pools (merged back)");
	assert_contains(r.diff[1].s, "~ subnet 127.101.0.0/16 pools -> none (kept in user-context "
			"keaha.disabled-pools)\n");
	assert_null(r.warnings.s);
	/* Reversible: the pools put back and the user-context dropped give the original. */
	back = cJSON_Duplicate(configs_get(sn, "user-context.keaha.disabled-pools"), true);
	cJSON_ReplaceItemInObjectCaseSensitive(sn, "pools", back);
	cJSON_DeleteItemFromObjectCaseSensitive(sn, "user-context");
	assert_json_equal(r.config[1], want[1], "secondary with its pools enabled again");
	plan_result_free(&r);
	cJSON_Delete(want[0]);
	cJSON_Delete(want[1]);
}

static void test_remove_delete(void **state)
{
	static const char *const except[] = {"subnet4", NULL};
	cJSON *want[2] = {configs_args("config-set.dhcp4.plain-a.remove-ha"),
			  configs_args("config-set.dhcp4.plain-b.remove-ha")};
	struct plan_result r;

	(void)state;
	lab_roundtrip(PLAN_SCOPES_DELETE, true, &r);
	/* Swapped: [0] is the secondary now. */
	assert_json_equal(r.config[1], want[0], "primary after removal (delete)");
	assert_non_null(configs_get(r.config[0], "Dhcp4.subnet4"));
	assert_int_equal(cJSON_GetArraySize(configs_get(r.config[0], "Dhcp4.subnet4")), 0);
	assert_equal_except(r.config[0], want[1], "Dhcp4", except, "secondary after delete");
	assert_contains(r.diff[0].s, "- subnet 127.101.0.0/16\n");
	assert_null(strstr(r.diff[1].s, "- subnet"));
	plan_result_free(&r);
	cJSON_Delete(want[0]);
	cJSON_Delete(want[1]);
}

/* A relationship keaha did not create: lease_cmds not next to HA stays, classes go. */
static void test_remove_foreign_lb(void **state)
{
	cJSON *p = configs_args("config-get.dhcp4.lb-primary"), *s = cJSON_Duplicate(p, true);
	struct plan_remove_choices c = {"lb-primary", KEA_DHCP4, PLAN_SCOPES_KEEP, {p, s}};
	struct plan_result r;

	(void)state;
	cJSON_ReplaceItemInObjectCaseSensitive(configs_get(s, "Dhcp4.hooks-libraries.2.parameters."
						   "high-availability.0"), "this-server-name",
					       cJSON_CreateString("lb-secondary"));
	remove_ok(&c, &r);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(cJSON_GetArraySize(configs_get(r.config[i], "Dhcp4.hooks-libraries")), 2);
		assert_string_equal(configs_sget(r.config[i], "Dhcp4.hooks-libraries.0.library"),
				    HOOKS "/libdhcp_lease_cmds.so");
		assert_string_equal(configs_sget(r.config[i], "Dhcp4.hooks-libraries.1.library"),
				    HOOKS "/libdhcp_stat_cmds.so");
		assert_int_equal(cJSON_GetArraySize(configs_get(r.config[i], "Dhcp4.subnet4.0.pools")), 2);
		assert_null(configs_get(r.config[i], "Dhcp4.subnet4.0.pools.0.client-class"));
		assert_null(configs_get(r.config[i], "Dhcp4.subnet4.0.pools.1.client-class"));
		assert_contains(r.diff[i].s, "pool 127.101.2.10-127.101.2.250: client-class "
				"HA_lb-secondary removed");
	}
	plan_result_free(&r);
	cJSON_Delete(p);
	cJSON_Delete(s);
}

static void test_remove_refusals(void **state)
{
	cJSON *a = configs_args("config-set.dhcp4.plain-a.add-ha");
	cJSON *plain = configs_args("config-get.dhcp4.plain-a.no-ha");
	struct plan_remove_choices c = {"plain-a", KEA_DHCP4, PLAN_SCOPES_UNSET, {a, plain}};
	struct plan_result r;

	(void)state;
	assert_false(plan_remove(&c, &r));
	assert_contains(r.refusal, "choose what happens to the secondary's scopes");
	c.scopes = PLAN_SCOPES_DISABLE;
	assert_false(plan_remove(&c, &r));
	assert_contains(r.refusal, "relationship plain-a is configured on one server only");
	assert_null(r.config[0]);
	c.name = "nope";
	assert_false(plan_remove(&c, &r));
	assert_contains(r.refusal, "no DHCPv4 relationship named nope on either server");
	c.name = "plain-a";
	c.service = KEA_DHCP6;
	assert_false(plan_remove(&c, &r));
	assert_contains(r.refusal, "no DHCPv6 relationship named plain-a");
	plan_result_free(&r);
	cJSON_Delete(a);
	cJSON_Delete(plain);
}

/*
 * Kea 3 daemons reached directly: HA shares each daemon's control socket
 * (no dedicated listener), peers at the management URLs, exactly as the
 * captured hot-standby that worked (config-set.direct.*.ha-via-control-socket).
 */
static void test_add_direct_kea3_matches_captured(void **state)
{
	static const char *const except[] = {"hooks-libraries", NULL};
	const char *cap[2] = {"config-set.direct.plain-a.ha-via-control-socket",
			      "config-set.direct.plain-b.ha-via-control-socket"};
	cJSON *a = configs_args3("config-get.direct.plain-a.before-ha");
	cJSON *b = configs_args3("config-get.direct.plain-b.before-ha");
	struct plan_add_choices c;
	struct plan_result r;

	(void)state;
	plan_add_choices_init(&c);
	c.name = "lab-rel";
	c.mode = HA_MODE_HOT_STANDBY;
	c.primary = (struct plan_server){"plain-a", "http://127.0.0.160:8160/", a, NULL, true, 3, 0, 4};
	c.partner = (struct plan_server){"plain-b", "http://127.0.0.161:8161/", b, NULL, true, 3, 0, 4};
	c.hooks_dir = HOOKS;
	c.heartbeat_delay = 1000;
	c.max_response_delay = 4000;
	c.max_ack_delay = 2000;
	c.max_unacked_clients = 0;
	plan_ok(&c, &r);
	for (int i = 0; i < 2; i++) {
		cJSON *want = configs_args3(cap[i]);
		const cJSON *oe = configs_get(r.config[i], "Dhcp4.hooks-libraries.1.parameters.high-availability.0");
		const cJSON *we = configs_get(want, "Dhcp4.hooks-libraries.1.parameters.high-availability.0");
		static const char *const same[] = {"this-server-name", "mode", "heartbeat-delay",
			"max-response-delay", "max-ack-delay", "max-unacked-clients", "multi-threading"};
		for (size_t k = 0; k < sizeof(same) / sizeof(same[0]); k++)
			if (!cJSON_Compare(configs_get(oe, same[k]), configs_get(we, same[k]), true))
				fail_msg("%s: HA field %s differs from the captured config", cap[i], same[k]);
		for (int p = 0; p < 2; p++) {
			char k[32];
			snprintf(k, sizeof(k), "peers.%d.url", p);
			assert_string_equal(configs_sget(oe, k), configs_sget(we, k));
		}
		assert_string_equal(configs_sget(r.config[i], "Dhcp4.hooks-libraries.0.library"),
				    configs_sget(want, "Dhcp4.hooks-libraries.0.library"));
		/* Kea 3's config-get "hash" stays in the plan; txn never sends it. */
		cJSON_DeleteItemFromObjectCaseSensitive(r.config[i], "hash");
		assert_equal_except(r.config[i], want, "Dhcp4", except, cap[i]);
		assert_contains(r.diff[i].s, "HA through the daemon's own control socket");
		cJSON_Delete(want);
	}
	plan_result_free(&r);
	/* A Kea 3 daemon behind a Control Agent: HA without multi-threading, peers via the agents. */
	c.primary.direct = c.partner.direct = false;
	plan_ok(&c, &r);
	assert_true(cJSON_IsFalse(configs_get(r.config[0], "Dhcp4.hooks-libraries.1.parameters.high-availability.0."
				      "multi-threading.enable-multi-threading")));
	assert_null(configs_get(r.config[0], "Dhcp4.hooks-libraries.1.parameters.high-availability.0."
			"multi-threading.http-dedicated-listener"));
	assert_contains(r.diff[0].s, "HA through the Control Agents");
	plan_result_free(&r);
	/* Kea 2.2 behind its agent: nothing added (as the captured 2.2 creation). */
	c.primary.kea_major = c.partner.kea_major = 2;
	plan_ok(&c, &r);
	assert_null(configs_get(r.config[0], "Dhcp4.hooks-libraries.1.parameters.high-availability.0.multi-threading"));
	plan_result_free(&r);
	cJSON_Delete(a);
	cJSON_Delete(b);
}

/* ---- hub-and-spoke (Kea 3) ------------------------------------------------------ */

/* The captured hub (hub-1 + spoke1, hub-2 + spoke2) with plain-a's subnet added, tied as asked. */
static cJSON *hub_with_spoke_subnet(const cJSON *spoke, const char *tie_name)
{
	cJSON *hub = configs_args3("config-get.direct.hub.normal");
	cJSON *sn = cJSON_Duplicate(configs_get(spoke, "Dhcp4.subnet4.0"), true);

	if (tie_name)
		cJSON_AddStringToObject(cJSON_AddObjectToObject(sn, "user-context"), "ha-server-name", tie_name);
	cJSON_AddItemToArray(configs_get(hub, "Dhcp4.subnet4"), sn);
	return hub;
}

static void spoke_choices(struct plan_add_choices *c, const cJSON *hub, const cJSON *spoke)
{
	plan_add_choices_init(c);
	c->name = "spoke-rel";
	c->mode = HA_MODE_HOT_STANDBY;
	c->primary = (struct plan_server){"hub", "http://127.0.0.155:8155/", hub, NULL, true, 3, 0, 4};
	c->partner = (struct plan_server){"plain-a", "http://127.0.0.160:8160/", spoke, NULL, true, 3, 0, 4};
	c->hooks_dir = HOOKS;
	c->heartbeat_delay = 1000;
	c->max_response_delay = 4000;
}

/* A spoke added to a Kea 3 hub: one more entry in the hub's HA hook, its subnet tied to it. */
static void test_add_spoke_to_hub(void **state)
{
	cJSON *spoke = configs_args3("config-get.direct.plain-a.before-ha");
	cJSON *hub = hub_with_spoke_subnet(spoke, NULL), *orig = configs_args3("config-get.direct.hub.normal");
	struct plan_add_choices c;
	struct plan_result r;
	const char *e3 = "Dhcp4.hooks-libraries.1.parameters.high-availability.2";
	char path[128];

	(void)state;
	spoke_choices(&c, hub, spoke);
	plan_ok(&c, &r);
	assert_string_equal(r.self[0], "hub");
	assert_string_equal(r.self[1], "plain-a");
	assert_int_equal(cJSON_GetArraySize(configs_get(r.config[0], "Dhcp4.hooks-libraries")), 2);
	assert_int_equal(cJSON_GetArraySize(configs_get(r.config[0], "Dhcp4.hooks-libraries.1.parameters."
						   "high-availability")), 3);
	snprintf(path, sizeof(path), "%s.this-server-name", e3);
	assert_string_equal(configs_sget(r.config[0], path), "hub");
	snprintf(path, sizeof(path), "%s.peers.0.url", e3);
	assert_string_equal(configs_sget(r.config[0], path), "http://127.0.0.155:8155/");
	snprintf(path, sizeof(path), "%s.multi-threading.http-dedicated-listener", e3);
	assert_true(cJSON_IsFalse(configs_get(r.config[0], path)));
	/* The hub's two relationships and their subnets untouched; the spoke's subnet tied. */
	assert_json_equal(configs_get(r.config[0], "Dhcp4.hooks-libraries.1.parameters.high-availability.0"),
			  configs_get(orig, "Dhcp4.hooks-libraries.1.parameters.high-availability.0"), "hub-1");
	assert_string_equal(configs_sget(r.config[0], "Dhcp4.subnet4.0.user-context.ha-server-name"), "hub-1");
	assert_string_equal(configs_sget(r.config[0], "Dhcp4.subnet4.2.user-context.ha-server-name"), "hub");
	assert_contains(r.diff[0].s, "~ subnet 127.206.0.0/16: served by hub's relationship hub");
	assert_string_equal(configs_sget(r.config[1], "Dhcp4.hooks-libraries.1.parameters.high-availability.0."
				 "peers.0.name"), "hub");
	plan_result_free(&r);
	/* keaha's name for the hub already names a peer of the hub: a new one. */
	c.primary.name = "hub-1";
	plan_ok(&c, &r);
	assert_string_equal(r.self[0], "hub-1-3");
	assert_string_equal(configs_sget(r.config[1], "Dhcp4.hooks-libraries.1.parameters.high-availability.0."
				 "peers.0.name"), "hub-1-3");
	plan_result_free(&r);
	cJSON_Delete(hub);
	cJSON_Delete(orig);
	cJSON_Delete(spoke);
}

static void expect_refusal(struct plan_add_choices *c, const char *why)
{
	struct plan_result r;

	assert_false(plan_add(c, &r));
	assert_null(r.config[0]);
	assert_contains(r.refusal, why);
	plan_result_free(&r);
}

static void test_hub_refusals(void **state)
{
	cJSON *spoke = configs_args3("config-get.direct.plain-a.before-ha");
	cJSON *hub = hub_with_spoke_subnet(spoke, NULL), *bare = configs_args3("config-get.direct.hub.normal");
	cJSON *tied = hub_with_spoke_subnet(spoke, "hub-2"), *spoke1 = configs_args3("config-get.direct.spoke1.normal");
	struct plan_add_choices c;

	(void)state;
	spoke_choices(&c, hub, spoke);
	c.mode = HA_MODE_LOAD_BALANCING;
	expect_refusal(&c, "hot-standby only");
	spoke_choices(&c, hub, spoke);
	plan_server_version(&c.primary, "2.2.0");
	expect_refusal(&c, "need Kea 2.5.5 or later; it runs 2.2.0");
	spoke_choices(&c, hub, spoke);
	c.primary = (struct plan_server){"plain-a", "http://127.0.0.160:8160/", spoke, NULL, true, 3, 0, 4};
	c.partner = (struct plan_server){"hub", "http://127.0.0.155:8155/", hub, NULL, true, 3, 0, 4};
	expect_refusal(&c, "hub is primary in relationship hub-1: it cannot be standby in another");
	spoke_choices(&c, spoke1, spoke);
	c.primary.name = "spoke1";
	expect_refusal(&c, "spoke1 is standby in relationship spoke1: it cannot be primary in another");
	spoke_choices(&c, bare, spoke);
	expect_refusal(&c, "subnet 127.206.0.0/16 of plain-a is not on hub");
	spoke_choices(&c, tied, spoke);
	expect_refusal(&c, "already belongs to its relationship hub-2");
	spoke_choices(&c, hub, hub);
	c.partner.name = "hub-b";
	expect_refusal(&c, "only one of them can be a hub");
	cJSON_Delete(hub);
	cJSON_Delete(bare);
	cJSON_Delete(tied);
	cJSON_Delete(spoke1);
	cJSON_Delete(spoke);
}

/* version-get's text as the plan reads it. */
static void test_server_version(void **state)
{
	static const struct { const char *text; int v[3]; } cases[] = {
		{"2.5.5", {2, 5, 5}}, {"3.0.4", {3, 0, 4}}, {"2.7.0-git", {2, 7, 0}},
		{"2.6", {2, 6, 0}}, {"10.12.13 (tarball)", {10, 12, 13}}, {"", {0, 0, 0}},
		{NULL, {0, 0, 0}}, {"Forbidden", {0, 0, 0}}, {"2.x.1", {2, 0, 0}},
	};
	struct plan_server s;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&s, 0x5a, sizeof(s));
		plan_server_version(&s, cases[i].text);
		if (s.kea_major != cases[i].v[0] || s.kea_minor != cases[i].v[1] ||
		    s.kea_patch != cases[i].v[2])
			fail_msg("\"%s\" read as %d.%d.%d", cases[i].text ? cases[i].text : "(null)",
				 s.kea_major, s.kea_minor, s.kea_patch);
	}
}

/*
 * Several relationships per server (hub-and-spoke) came with Kea 2.5.5, so
 * a hub running 2.5.5 or later takes a spoke, through its agent (before
 * 2.7 a daemon has no HTTP socket of its own) or directly; older ones, or
 * a version keaha does not know, are refused with the version in the reason.
 */
static void test_hub_kea_version(void **state)
{
	static const char *const refused[] = {"2.5.4", "2.4.1", "2.2.0", "1.9.10", ""};
	static const char *const accepted[] = {"2.5.5", "2.6.1", "2.7.0", "3.0.4"};
	cJSON *spoke = configs_args3("config-get.direct.plain-a.before-ha");
	cJSON *hub = hub_with_spoke_subnet(spoke, NULL);
	struct plan_add_choices c;
	struct plan_result r;
	char want[160];

	(void)state;
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		spoke_choices(&c, hub, spoke);
		c.primary.direct = c.partner.direct = false;
		plan_server_version(&c.primary, refused[i]);
		snprintf(want, sizeof(want), "hub already has a DHCPv4 HA relationship: one per service "
			 "and server (several, hub-and-spoke, need Kea 2.5.5 or later; it runs %s)",
			 refused[i][0] ? refused[i] : "an unknown version");
		expect_refusal(&c, want);
	}
	for (size_t i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++) {
		for (int direct = 0; direct < 2; direct++) {
			spoke_choices(&c, hub, spoke);
			c.primary.direct = c.partner.direct = direct;
			plan_server_version(&c.primary, accepted[i]);
			plan_server_version(&c.partner, accepted[i]);
			plan_ok(&c, &r);
			assert_int_equal(cJSON_GetArraySize(configs_get(r.config[0], "Dhcp4.hooks-libraries.1."
								   "parameters.high-availability")), 3);
			assert_string_equal(configs_sget(r.config[0], "Dhcp4.subnet4.2.user-context.ha-server-name"),
					    "hub");
			plan_result_free(&r);
		}
	}
	cJSON_Delete(hub);
	cJSON_Delete(spoke);
}

/* Removing the spoke again: the hub keeps hub-1 and hub-2; the spoke's subnet stays without pools. */
static void test_remove_spoke_from_hub(void **state)
{
	cJSON *spoke = configs_args3("config-get.direct.plain-a.before-ha");
	cJSON *hub = hub_with_spoke_subnet(spoke, NULL);
	struct plan_add_choices c;
	struct plan_remove_choices rc = { .name = "spoke-rel", .service = KEA_DHCP4,
					  .scopes = PLAN_SCOPES_KEEP };
	struct plan_result a, r;

	(void)state;
	spoke_choices(&c, hub, spoke);
	plan_ok(&c, &a);
	rc.config[0] = a.config[0];
	rc.config[1] = a.config[1];
	assert_true(plan_remove(&rc, &r));
	assert_string_equal(r.self[0], "hub");
	assert_json_equal(configs_get(r.config[0], "Dhcp4.hooks-libraries"), configs_get(hub, "Dhcp4.hooks-libraries"),
			  "hub's hooks after removal");
	assert_json_equal(r.config[1], spoke, "the spoke after removal");
	assert_int_equal(cJSON_GetArraySize(configs_get(r.config[0], "Dhcp4.subnet4.2.pools")), 0);
	assert_json_equal(configs_get(r.config[0], "Dhcp4.subnet4.2.user-context.keaha.disabled-pools"),
			  configs_get(spoke, "Dhcp4.subnet4.0.pools"), "pools kept");
	assert_string_equal(configs_sget(r.config[0], "Dhcp4.subnet4.2.user-context.keaha.ha-server-name"), "hub");
	assert_null(configs_get(r.config[0], "Dhcp4.subnet4.2.user-context.ha-server-name"));
	assert_string_equal(configs_sget(r.config[0], "Dhcp4.subnet4.0.user-context.ha-server-name"), "hub-1");
	assert_contains(r.diff[0].s, "- high-availability: relationship spoke-rel (the HA hook stays");
	assert_contains(r.warnings.s, "stays on hub hub without pools");
	assert_false(plan_has_ha(r.config[1], KEA_DHCP4));
	assert_true(plan_has_ha(r.config[0], KEA_DHCP4));
	plan_result_free(&r);
	plan_result_free(&a);
	cJSON_Delete(hub);
	cJSON_Delete(spoke);
}

/* The settle bound grows with the relationship's own timings, within bounds. */
static void test_settle_seconds(void **state)
{
	double lab = plan_settle_seconds(1000, 4000, 0);
	double dflt = plan_settle_seconds(10000, 60000, 60000);

	(void)state;
	/* Kea's defaults took 20-40 s on the lab: well above that, below the cap. */
	assert_true(dflt >= 120 && dflt <= PLAN_SETTLE_MAX);
	assert_true(dflt == plan_settle_seconds(0, -1, 0)); /* <= 0: Kea's defaults */
	/* The lab's 1 s / 4 s pair settled in ~3.5 s: a shorter bound than the defaults'. */
	assert_true(lab < dflt && lab >= PLAN_SETTLE_MIN);
	assert_true(plan_settle_seconds(2000, 4000, 0) > lab);        /* slower heartbeats */
	assert_true(plan_settle_seconds(1000, 30000, 0) > lab);       /* longer max-response */
	assert_true(plan_settle_seconds(1000, 4000, 120000) > lab);   /* longer sync-timeout */
	assert_true(plan_settle_seconds(1, 2, 3) == PLAN_SETTLE_MIN); /* never below */
	assert_true(plan_settle_seconds(86400000, 86400000, 86400000) == PLAN_SETTLE_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_lb_dhcp4_matches_captured),
		cmocka_unit_test(test_remove_keep_roundtrip_kea3_classes),
		cmocka_unit_test(test_add_lb_dhcp6_splits_ranges),
		cmocka_unit_test(test_add_hs_dhcp6_no_split),
		cmocka_unit_test(test_refuse_choices),
		cmocka_unit_test(test_accepts_tls_and_v6_urls),
		cmocka_unit_test(test_refuse_servers),
		cmocka_unit_test(test_refuse_pools),
		cmocka_unit_test(test_split_cidr),
		cmocka_unit_test(test_check_ha_rules),
		cmocka_unit_test(test_hooks_dir),
		cmocka_unit_test(test_secrets),
		cmocka_unit_test(test_remove_keep_roundtrip),
		cmocka_unit_test(test_remove_captured_by_server_name),
		cmocka_unit_test(test_remove_disable),
		cmocka_unit_test(test_remove_delete),
		cmocka_unit_test(test_remove_foreign_lb),
		cmocka_unit_test(test_remove_refusals),
		cmocka_unit_test(test_settle_seconds),
		cmocka_unit_test(test_add_direct_kea3_matches_captured),
		cmocka_unit_test(test_add_spoke_to_hub),
		cmocka_unit_test(test_hub_refusals),
		cmocka_unit_test(test_server_version),
		cmocka_unit_test(test_hub_kea_version),
		cmocka_unit_test(test_remove_spoke_from_hub),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
