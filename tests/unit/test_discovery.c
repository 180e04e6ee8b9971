/*
 * discovery.c on captured config-get answers: relationships named and kept
 * apart (per service, per hub relationship), peers mapped to servers or
 * added as discovered ones (backups too), disagreements and misplaced
 * servers reported as configuration faults, keaha's own name from
 * user-context, and remembered relationships kept until a peer's
 * configuration says otherwise.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "decode.h"
#include "discovery.h"
#include "fixture.h"
#include "model.h"

#define T0 1800000000.0

/* ---- helpers ------------------------------------------------------------ */

/* The arguments of a config-get fixture, as a tree of our own (edit at will). */
static cJSON *config_args(bool kea3, const char *name)
{
	struct fixture *f = kea3 ? fixture_load3(name) : fixture_load(name);
	const cJSON *a = cJSON_GetArrayItem(f->response, 0);
	cJSON *args = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(a, "arguments"), 1);

	fixture_free(f);
	if (!args)
		fail_msg("fixture %s has no arguments", name);
	return args;
}

/* The k-th entry of high-availability in the HA hook's parameters. */
static cJSON *ha_entry(cJSON *args, enum kea_service svc, int k)
{
	cJSON *hooks = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(args, kea_service_config_key(svc)), "hooks-libraries");
	cJSON *h;

	cJSON_ArrayForEach(h, hooks) {
		cJSON *lib = cJSON_GetObjectItemCaseSensitive(h, "library");
		if (cJSON_IsString(lib) && strstr(lib->valuestring, "libdhcp_ha"))
			return cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(
				cJSON_GetObjectItemCaseSensitive(h, "parameters"), "high-availability"), k);
	}
	fail_msg("no HA hook in the configuration");
	return NULL;
}

static void set_str(cJSON *o, const char *key, const char *value)
{
	assert_true(cJSON_ReplaceItemInObjectCaseSensitive(o, key, cJSON_CreateString(value)));
}

static void apply_args(struct model *m, int s, enum kea_service svc, const cJSON *args)
{
	struct kea_config *c = calloc(1, sizeof(*c));
	char err[DECODE_ERR_LEN] = "";

	assert_non_null(c);
	if (!decode_config(args, svc, c, err, sizeof(err))) {
		free(c);
		fail_msg("decode_config: %s", err);
	}
	model_apply_config(m, s, svc, c, T0);
	free(c);
}

static void apply_fixture(struct model *m, int s, bool kea3, enum kea_service svc, const char *name)
{
	cJSON *args = config_args(kea3, name);

	apply_args(m, s, svc, args);
	cJSON_Delete(args);
}

static int server(struct model *m, const char *name, const char *url)
{
	return model_add_server(m, name, url, ORIGIN_CONFIG);
}

static const struct relationship *rel(const struct model *m, const char *name)
{
	int i = model_find_rel(m, name);

	if (i < 0) {
		char all[512] = "";
		for (int k = 0; k < m->nrels; k++) {
			strncat(all, " ", sizeof(all) - strlen(all) - 1);
			strncat(all, m->rels[k].name, sizeof(all) - strlen(all) - 1);
		}
		fail_msg("no relationship %s; there are:%s", name, all);
	}
	return &m->rels[i];
}

/* A relationship's fault containing every given word, or NULL. */
static const char *fault_with(const struct relationship *r, const char *a, const char *b,
			      const char *c)
{
	for (int i = 0; i < r->nfaults; i++)
		if (strstr(r->fault[i], a) && (!b || strstr(r->fault[i], b)) &&
		    (!c || strstr(r->fault[i], c)))
			return r->fault[i];
	return NULL;
}

static void assert_peer(const struct model *m, const struct relationship *r, int i,
			const char *name, enum ha_role role, const char *server)
{
	assert_string_equal(r->peer[i].name, name);
	assert_int_equal(r->peer[i].role, role);
	assert_true(r->peer[i].server >= 0 && r->peer[i].server < m->nservers);
	assert_string_equal(m->servers[r->peer[i].server].name, server);
}

/* ---- names -------------------------------------------------------------- */

static void test_derive_name(void **state)
{
	struct ha_rel_config c;
	struct ha_peer_config peers[2];
	char out[160];

	(void)state;
	memset(&c, 0, sizeof(c));
	memset(peers, 0, sizeof(peers));
	c.peer = peers;
	strcpy(c.this_server_name, "b");
	c.npeers = 2;
	strcpy(c.peer[0].name, "b");
	c.peer[0].role = HA_ROLE_SECONDARY;
	strcpy(c.peer[1].name, "a");
	c.peer[1].role = HA_ROLE_PRIMARY;
	discovery_derive_name(&c, KEA_DHCP4, out, sizeof(out));
	assert_string_equal(out, "a+b/dhcp4");   /* primary first, whatever the order */
	c.peer[0].role = HA_ROLE_BACKUP;          /* passive-backup: the backup names it */
	discovery_derive_name(&c, KEA_DHCP6, out, sizeof(out));
	assert_string_equal(out, "a+b/dhcp6");
	c.npeers = 1;
	c.peer[0] = c.peer[1];
	discovery_derive_name(&c, KEA_DHCP4, out, sizeof(out));
	assert_string_equal(out, "a/dhcp4");
	strcpy(c.keaha_name, "office");
	discovery_derive_name(&c, KEA_DHCP4, out, sizeof(out));
	assert_string_equal(out, "office");
}

/* lb-primary's dhcp4 and dhcp6 configurations: two relationships, one partner added. */
static void test_lb_v4_v6(void **state)
{
	struct model m;
	const struct relationship *r4, *r6;
	int p, s;

	(void)state;
	model_init(&m);
	p = server(&m, "lb-primary", "http://127.0.0.11:8001/");
	apply_fixture(&m, p, false, KEA_DHCP4, "config-get.dhcp4.lb-primary");
	apply_fixture(&m, p, false, KEA_DHCP6, "config-get.dhcp6.lb-primary");
	assert_int_equal(discovery_rebuild(&m), 1);
	assert_int_equal(m.nrels, 2);
	assert_int_equal(m.nservers, 2);
	r4 = rel(&m, "lb-primary+lb-secondary/dhcp4");
	r6 = rel(&m, "lb-primary+lb-secondary/dhcp6");
	assert_int_equal(r4->service, KEA_DHCP4);
	assert_int_equal(r6->service, KEA_DHCP6);
	assert_int_equal(r4->nfaults, 0);
	assert_int_equal(r6->nfaults, 0);
	assert_false(r4->remembered);
	assert_int_equal(r4->conf_from, p);
	assert_int_equal(r4->conf.mode, HA_MODE_LOAD_BALANCING);
	assert_int_equal(r4->conf.heartbeat_delay, 1000);
	assert_int_equal(r4->npeers, 2);
	assert_peer(&m, r4, 0, "lb-primary", HA_ROLE_PRIMARY, "lb-primary");
	assert_peer(&m, r4, 1, "lb-secondary", HA_ROLE_SECONDARY, "lb-secondary");
	assert_int_equal(r6->peer[1].server, r4->peer[1].server);
	s = model_find_server(&m, "lb-secondary");
	assert_int_equal(m.servers[s].origin, ORIGIN_DISCOVERED);
	assert_string_equal(m.servers[s].url, "http://127.0.0.12:8002/");
	assert_string_equal(r4->peer[1].ha_url, "http://127.0.0.12:8002/");
	/* Again: nothing new. */
	assert_int_equal(discovery_rebuild(&m), 0);
	assert_int_equal(m.nrels, 2);
	assert_int_equal(m.nservers, 2);
	model_free(&m);
}

/* ---- what the model holds ------------------------------------------------ */

static void add_backup(cJSON *args, const char *name, const char *url)
{
	cJSON *peers = cJSON_GetObjectItemCaseSensitive(ha_entry(args, KEA_DHCP4, 0), "peers");
	cJSON *p = cJSON_CreateObject();

	cJSON_AddStringToObject(p, "name", name);
	cJSON_AddStringToObject(p, "url", url);
	cJSON_AddStringToObject(p, "role", "backup");
	cJSON_AddItemToArray(peers, p);
}

/*
 * The model's copies of the peers outlive the decoded record; a rebuild that
 * grows or shrinks a relationship's peers keeps its verdict and every peer
 * right; a peer's ha_url is its conf's URL.
 */
static void test_model_owns_peers(void **state)
{
	struct model m;
	struct kea_config *c = calloc(1, sizeof(*c));
	cJSON *args = config_args(false, "config-get.dhcp4.lb-primary");
	char err[DECODE_ERR_LEN];
	const struct relationship *r;
	int p;

	(void)state;
	assert_non_null(c);
	model_init(&m);
	p = server(&m, "lb-primary", "http://127.0.0.11:8001/");
	assert_true(decode_config(args, KEA_DHCP4, c, err, sizeof(err)));
	model_apply_config(&m, p, KEA_DHCP4, c, T0);
	memset(c, 0xa5, sizeof(*c));
	free(c);
	assert_int_equal(m.servers[p].d[KEA_DHCP4].config.rel[0].npeers, 2);
	assert_string_equal(m.servers[p].d[KEA_DHCP4].config.rel[0].peer[1].name, "lb-secondary");
	assert_string_equal(m.servers[p].d[KEA_DHCP4].config.rel[0].peer[1].url,
			    "http://127.0.0.12:8002/");
	discovery_rebuild(&m);
	m.rels[0].verdict.status = REL_IMPAIRED;

	add_backup(args, "lb-backup", "http://127.0.0.13:8003/");
	apply_args(&m, p, KEA_DHCP4, args);
	discovery_rebuild(&m);
	r = rel(&m, "lb-primary+lb-secondary/dhcp4");
	assert_int_equal(r->verdict.status, REL_IMPAIRED);
	assert_int_equal(r->npeers, 3);
	assert_int_equal(r->conf.npeers, 3);
	assert_peer(&m, r, 1, "lb-secondary", HA_ROLE_SECONDARY, "lb-secondary");
	assert_peer(&m, r, 2, "lb-backup", HA_ROLE_BACKUP, "lb-backup");
	for (int i = 0; i < r->npeers; i++)
		assert_ptr_equal(r->peer[i].ha_url, r->conf.peer[i].url);
	assert_string_equal(r->peer[2].ha_url, "http://127.0.0.13:8003/");

	cJSON_DeleteItemFromArray(cJSON_GetObjectItemCaseSensitive(ha_entry(args, KEA_DHCP4, 0),
								    "peers"), 2);
	apply_args(&m, p, KEA_DHCP4, args);
	discovery_rebuild(&m);
	r = rel(&m, "lb-primary+lb-secondary/dhcp4");
	assert_int_equal(r->verdict.status, REL_IMPAIRED);
	assert_int_equal(r->npeers, 2);
	assert_peer(&m, r, 0, "lb-primary", HA_ROLE_PRIMARY, "lb-primary");
	assert_string_equal(r->peer[1].ha_url, "http://127.0.0.12:8002/");
	cJSON_Delete(args);
	model_free(&m);
}

/* Error texts: "" when none (never NULL), cut to MODEL_ERR_LEN - 1 like the arrays were. */
static void test_model_error_texts(void **state)
{
	struct model m;
	char long_msg[MODEL_ERR_LEN + 100];
	int s;

	(void)state;
	model_init(&m);
	s = server(&m, "a", "http://127.0.0.11:8001/");
	assert_string_equal(m.servers[s].error, "");
	assert_string_equal(m.servers[s].d[KEA_DHCP6].error, "");
	memset(long_msg, 'x', sizeof(long_msg) - 1);
	long_msg[sizeof(long_msg) - 1] = '\0';
	model_endpoint_fault(&m, s, FAULT_HTTP, long_msg, T0);
	assert_int_equal(strlen(m.servers[s].error), MODEL_ERR_LEN - 1);
	assert_int_equal(strlen(m.servers[s].d[KEA_DHCP4].error), MODEL_ERR_LEN - 1);
	model_endpoint_fault(&m, s, FAULT_TIMEOUT, NULL, T0 + 1);
	assert_string_equal(m.servers[s].error, "timeout");
	model_endpoint_ok(&m, s, T0 + 2);
	assert_string_equal(m.servers[s].error, "");
	model_daemon_fault(&m, s, KEA_DHCP4, FAULT_NOT_RUNNING, "offline", T0 + 2);
	assert_string_equal(m.servers[s].d[KEA_DHCP4].error, "offline");
	model_free(&m);
}

/* A known count of servers is allocated as it is; beyond it the array doubles. */
static void test_model_reserve(void **state)
{
	struct model m;
	char name[32], url[64];

	(void)state;
	model_init(&m);
	model_reserve_servers(&m, 40);
	for (int i = 0; i < 41; i++) {
		snprintf(name, sizeof(name), "s%d", i);
		snprintf(url, sizeof(url), "http://127.0.1.%d:8000/", i + 1);
		assert_int_equal(model_add_server(&m, name, url, ORIGIN_CONFIG), i);
		assert_int_equal(m.cap_servers, i < 40 ? 40 : 80);
	}
	assert_string_equal(m.servers[39].url, "http://127.0.1.40:8000/");
	model_free(&m);
}

/* ---- backups -------------------------------------------------------------- */

static void test_backups_discovered(void **state)
{
	struct model m;
	const struct relationship *r;
	int sec, prim, bk;

	(void)state;
	model_init(&m);
	sec = server(&m, "bk-secondary", "http://127.0.0.16:8006/");
	apply_fixture(&m, sec, false, KEA_DHCP4, "config-get.dhcp4.bk-secondary.after-failed-hook-load");
	assert_int_equal(m.nservers, 1);
	assert_int_equal(discovery_rebuild(&m), 2);
	assert_int_equal(m.nservers, 3);
	assert_int_equal(m.nrels, 1);
	r = rel(&m, "bk-primary+bk-secondary/dhcp4");
	assert_int_equal(r->npeers, 3);
	assert_int_equal(r->nfaults, 0);
	assert_peer(&m, r, 0, "bk-primary", HA_ROLE_PRIMARY, "bk-primary");
	assert_peer(&m, r, 1, "bk-secondary", HA_ROLE_SECONDARY, "bk-secondary");
	assert_peer(&m, r, 2, "bk-backup", HA_ROLE_BACKUP, "bk-backup");
	prim = model_find_server(&m, "bk-primary");
	bk = model_find_server(&m, "bk-backup");
	assert_int_equal(m.servers[sec].origin, ORIGIN_CONFIG);
	assert_int_equal(m.servers[prim].origin, ORIGIN_DISCOVERED);
	assert_int_equal(m.servers[bk].origin, ORIGIN_DISCOVERED);
	assert_string_equal(m.servers[prim].url, "http://127.0.0.15:8005/");
	assert_string_equal(m.servers[bk].url, "http://127.0.0.17:8007/");

	/* The backup's own configuration describes the same relationship. */
	apply_fixture(&m, bk, false, KEA_DHCP4, "config-get.dhcp4.bk-backup");
	assert_int_equal(discovery_rebuild(&m), 0);
	assert_int_equal(m.nrels, 1);
	assert_int_equal(m.nservers, 3);
	assert_int_equal(rel(&m, "bk-primary+bk-secondary/dhcp4")->nfaults, 0);
	model_free(&m);
}

static void test_passive_backup(void **state)
{
	struct model m;
	const struct relationship *r;
	int p, b;

	(void)state;
	model_init(&m);
	p = server(&m, "pb-primary", "http://127.0.0.51:8041/");
	apply_fixture(&m, p, false, KEA_DHCP4, "config-get.dhcp4.pb-primary");
	assert_int_equal(discovery_rebuild(&m), 1);
	r = rel(&m, "pb-primary+pb-backup/dhcp4");
	assert_int_equal(r->conf.mode, HA_MODE_PASSIVE_BACKUP);
	assert_peer(&m, r, 1, "pb-backup", HA_ROLE_BACKUP, "pb-backup");
	b = model_find_server(&m, "pb-backup");
	assert_int_equal(m.servers[b].origin, ORIGIN_DISCOVERED);
	assert_string_equal(m.servers[b].url, "http://127.0.0.52:8042/");
	model_free(&m);
}

/* A configured server at a peer's URL is that peer: nothing is added. */
static void test_peer_matched_by_url(void **state)
{
	struct model m;
	int p, other;

	(void)state;
	model_init(&m);
	p = server(&m, "lb-primary", "http://127.0.0.11:8001/");
	other = server(&m, "second", "HTTP://127.0.0.12:8002");
	apply_fixture(&m, p, false, KEA_DHCP4, "config-get.dhcp4.lb-primary");
	assert_int_equal(discovery_rebuild(&m), 0);
	assert_int_equal(m.nservers, 2);
	assert_int_equal(rel(&m, "lb-primary+lb-secondary/dhcp4")->peer[1].server, other);
	model_free(&m);
}

/* A server keaha named after its URL takes its this-server-name. */
static void test_auto_name_adopted(void **state)
{
	struct model m;
	int p;

	(void)state;
	model_init(&m);
	p = server(&m, "127.0.0.11:8001", "http://127.0.0.11:8001/");
	m.servers[p].auto_name = true;
	apply_fixture(&m, p, false, KEA_DHCP4, "config-get.dhcp4.lb-primary");
	assert_int_equal(discovery_rebuild(&m), 1);
	assert_string_equal(m.servers[p].name, "lb-primary");
	assert_false(m.servers[p].auto_name);
	assert_int_equal(m.nservers, 2);
	assert_int_equal(rel(&m, "lb-primary+lb-secondary/dhcp4")->peer[0].server, p);
	model_free(&m);
}

/* ---- Kea 3 hub and spokes -------------------------------------------------- */

static void test_hub_relationships_apart(void **state)
{
	struct model m;
	const struct relationship *r1, *r2;
	int hub, s1, s2, n;

	(void)state;
	model_init(&m);
	hub = server(&m, "hub", "http://127.0.0.155:8155/");
	apply_fixture(&m, hub, true, KEA_DHCP4, "config-get.direct.hub.normal");
	assert_int_equal(discovery_rebuild(&m), 2);
	assert_int_equal(m.nrels, 2);
	r1 = rel(&m, "hub-1+spoke1/dhcp4");
	r2 = rel(&m, "hub-2+spoke2/dhcp4");
	assert_string_equal(r1->conf.this_server_name, "hub-1");
	assert_string_equal(r2->conf.this_server_name, "hub-2");
	assert_int_equal(r1->npeers, 2);
	assert_int_equal(r2->npeers, 2);
	/* The hub is the primary of both, under two names. */
	assert_peer(&m, r1, 0, "hub-1", HA_ROLE_PRIMARY, "hub");
	assert_peer(&m, r2, 0, "hub-2", HA_ROLE_PRIMARY, "hub");
	assert_peer(&m, r1, 1, "spoke1", HA_ROLE_STANDBY, "spoke1");
	assert_peer(&m, r2, 1, "spoke2", HA_ROLE_STANDBY, "spoke2");
	assert_int_equal(r1->nfaults, 0);
	assert_int_equal(r2->nfaults, 0);
	s1 = model_find_server(&m, "spoke1");
	s2 = model_find_server(&m, "spoke2");
	assert_int_equal(m.servers[s1].origin, ORIGIN_DISCOVERED);
	assert_string_equal(m.servers[s1].url, "http://127.0.0.156:8256/");
	assert_string_equal(m.servers[s2].url, "http://127.0.0.157:8257/");
	assert_true(model_find_server(&m, "hub-1") < 0);

	/* The spokes' own configurations: same two relationships, no faults. */
	apply_fixture(&m, s1, true, KEA_DHCP4, "config-get.direct.spoke1.normal");
	apply_fixture(&m, s2, true, KEA_DHCP4, "config-get.direct.spoke2.normal");
	n = m.nservers;
	assert_int_equal(discovery_rebuild(&m), 0);
	assert_int_equal(m.nservers, n);
	assert_int_equal(m.nrels, 2);
	r1 = rel(&m, "hub-1+spoke1/dhcp4");
	r2 = rel(&m, "hub-2+spoke2/dhcp4");
	assert_int_equal(r1->nfaults, 0);
	assert_int_equal(r2->nfaults, 0);
	assert_int_equal(r1->peer[1].server, s1);
	assert_int_equal(r2->peer[1].server, s2);
	assert_int_equal(r1->peer[0].server, hub);
	model_free(&m);
}

/* ---- faults ---------------------------------------------------------------- */

/* lb-secondary's copy says heartbeat-delay 3000: a fault naming both servers. */
static void test_disagreement(void **state)
{
	struct model m;
	const struct relationship *r;
	cJSON *args;
	int p, s;

	(void)state;
	model_init(&m);
	p = server(&m, "lb-primary", "http://127.0.0.11:8001/");
	s = server(&m, "lb-secondary", "http://127.0.0.12:8002/");
	apply_fixture(&m, p, false, KEA_DHCP4, "config-get.dhcp4.lb-primary");
	args = config_args(false, "config-get.dhcp4.lb-primary");
	set_str(ha_entry(args, KEA_DHCP4, 0), "this-server-name", "lb-secondary");
	apply_args(&m, s, KEA_DHCP4, args);
	discovery_rebuild(&m);
	r = rel(&m, "lb-primary+lb-secondary/dhcp4");
	assert_int_equal(r->nfaults, 0); /* the same relationship, seen from both */

	assert_true(cJSON_ReplaceItemInObjectCaseSensitive(ha_entry(args, KEA_DHCP4, 0),
							     "heartbeat-delay", cJSON_CreateNumber(3000)));
	apply_args(&m, s, KEA_DHCP4, args);
	discovery_rebuild(&m);
	assert_int_equal(m.nrels, 1);
	r = rel(&m, "lb-primary+lb-secondary/dhcp4");
	assert_int_equal(r->nfaults, 1);
	assert_non_null(fault_with(r, "lb-primary", "lb-secondary", "heartbeat-delay 1000 vs 3000"));

	/* A different URL for a peer is named too. */
	assert_true(cJSON_ReplaceItemInObjectCaseSensitive(ha_entry(args, KEA_DHCP4, 0),
							     "heartbeat-delay", cJSON_CreateNumber(1000)));
	set_str(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(ha_entry(args, KEA_DHCP4, 0), "peers"), 0),
		"url", "http://127.0.0.99:8001/");
	apply_args(&m, s, KEA_DHCP4, args);
	discovery_rebuild(&m);
	r = rel(&m, "lb-primary+lb-secondary/dhcp4");
	assert_int_equal(r->nfaults, 1);
	assert_non_null(fault_with(r, "lb-primary and lb-secondary disagree",
				   "http://127.0.0.11:8001/", "http://127.0.0.99:8001/"));

	/* And a different mode. */
	set_str(ha_entry(args, KEA_DHCP4, 0), "mode", "hot-standby");
	apply_args(&m, s, KEA_DHCP4, args);
	discovery_rebuild(&m);
	assert_non_null(fault_with(rel(&m, "lb-primary+lb-secondary/dhcp4"),
				   "lb-primary and lb-secondary disagree", "load-balancing", "hot-standby"));
	cJSON_Delete(args);
	model_free(&m);
}

/* A server at lb-secondary's URL whose configuration calls it lb-primary. */
static void test_server_at_wrong_url(void **state)
{
	struct model m;
	const struct relationship *r;
	int x;

	(void)state;
	model_init(&m);
	x = server(&m, "x", "http://127.0.0.12:8002/");
	apply_fixture(&m, x, false, KEA_DHCP4, "config-get.dhcp4.lb-primary");
	discovery_rebuild(&m);
	r = rel(&m, "lb-primary+lb-secondary/dhcp4");
	assert_non_null(fault_with(r, "x answers at lb-secondary's URL but calls itself lb-primary",
				   NULL, NULL));
	/* A correctly placed server has no such fault. */
	model_free(&m);
	model_init(&m);
	x = server(&m, "x", "http://127.0.0.11:8001/");
	apply_fixture(&m, x, false, KEA_DHCP4, "config-get.dhcp4.lb-primary");
	discovery_rebuild(&m);
	assert_int_equal(rel(&m, "lb-primary+lb-secondary/dhcp4")->nfaults, 0);
	model_free(&m);
}

static void test_this_server_name_not_a_peer(void **state)
{
	struct model m;
	cJSON *args = config_args(false, "config-get.dhcp4.lb-primary");
	int p;

	(void)state;
	model_init(&m);
	p = server(&m, "lb-primary", "http://127.0.0.11:8001/");
	set_str(ha_entry(args, KEA_DHCP4, 0), "this-server-name", "nosuch");
	apply_args(&m, p, KEA_DHCP4, args);
	discovery_rebuild(&m);
	assert_non_null(fault_with(rel(&m, "lb-primary+lb-secondary/dhcp4"),
				   "this-server-name nosuch is not among the peers", NULL, NULL));
	cJSON_Delete(args);
	model_free(&m);
}

/* ---- keaha's own name --------------------------------------------------------- */

static void test_keaha_name(void **state)
{
	struct model m;
	cJSON *args = config_args(false, "config-get.dhcp4.lb-primary");
	cJSON *uc = cJSON_CreateObject(), *k = cJSON_AddObjectToObject(uc, "keaha");
	int p, s;

	(void)state;
	model_init(&m);
	cJSON_AddStringToObject(k, "name", "office-pair");
	cJSON_AddItemToObject(ha_entry(args, KEA_DHCP4, 0), "user-context", uc);
	p = server(&m, "lb-primary", "http://127.0.0.11:8001/");
	apply_args(&m, p, KEA_DHCP4, args);
	discovery_rebuild(&m);
	assert_int_equal(m.nrels, 1);
	assert_string_equal(m.rels[0].name, "office-pair");
	assert_true(model_find_rel(&m, "lb-primary+lb-secondary/dhcp4") < 0);

	/* The partner's configuration, without the name, joins the same relationship. */
	s = model_find_server(&m, "lb-secondary");
	cJSON_DeleteItemFromObjectCaseSensitive(ha_entry(args, KEA_DHCP4, 0), "user-context");
	set_str(ha_entry(args, KEA_DHCP4, 0), "this-server-name", "lb-secondary");
	apply_args(&m, s, KEA_DHCP4, args);
	discovery_rebuild(&m);
	assert_int_equal(m.nrels, 1);
	assert_string_equal(m.rels[0].name, "office-pair");
	assert_int_equal(m.rels[0].nfaults, 0);
	cJSON_Delete(args);
	model_free(&m);
}

/* Two relationships keaha would name alike stay two. */
static void test_same_name_twice(void **state)
{
	struct model m;
	cJSON *a = config_args(false, "config-get.dhcp4.lb-primary");
	cJSON *b = config_args(false, "config-get.dhcp4.hs-standby");
	cJSON *uc;
	int p, h;

	(void)state;
	model_init(&m);
	uc = cJSON_CreateObject();
	cJSON_AddStringToObject(cJSON_AddObjectToObject(uc, "keaha"), "name", "pair");
	cJSON_AddItemToObject(ha_entry(a, KEA_DHCP4, 0), "user-context", uc);
	uc = cJSON_CreateObject();
	cJSON_AddStringToObject(cJSON_AddObjectToObject(uc, "keaha"), "name", "pair");
	cJSON_AddItemToObject(ha_entry(b, KEA_DHCP4, 0), "user-context", uc);
	p = server(&m, "lb-primary", "http://127.0.0.11:8001/");
	h = server(&m, "hs-standby", "http://127.0.0.14:8004/");
	apply_args(&m, p, KEA_DHCP4, a);
	apply_args(&m, h, KEA_DHCP4, b);
	discovery_rebuild(&m);
	assert_int_equal(m.nrels, 2);
	assert_string_equal(rel(&m, "pair")->peer[0].name, "lb-primary");
	assert_string_equal(rel(&m, "pair#2")->peer[0].name, "hs-primary");
	cJSON_Delete(a);
	cJSON_Delete(b);
	model_free(&m);
}

/* ---- remembered relationships --------------------------------------------------- */

/* What topology_load adds for a relationship from an earlier run. */
static void remember(struct model *m, const char *name, const char *a, const char *a_url,
		     const char *b, const char *b_url)
{
	int idx = model_add_rel(m); /* may move m->rels */
	struct relationship *r = &m->rels[idx];

	strcpy(r->name, name);
	r->service = KEA_DHCP4;
	r->remembered = true;
	r->conf_known = true;
	r->conf_from = -1;
	r->conf.mode = HA_MODE_LOAD_BALANCING;
	r->conf.npeers = r->npeers = 2;
	strcpy(r->conf.peer[0].name, a);
	strcpy(r->conf.peer[0].url, a_url);
	r->conf.peer[0].role = HA_ROLE_PRIMARY;
	strcpy(r->conf.peer[1].name, b);
	strcpy(r->conf.peer[1].url, b_url);
	r->conf.peer[1].role = HA_ROLE_SECONDARY;
	for (int i = 0; i < 2; i++) {
		strcpy(r->peer[i].name, r->conf.peer[i].name);
		r->peer[i].ha_url = r->conf.peer[i].url;
		r->peer[i].role = r->conf.peer[i].role;
		r->peer[i].server = -1;
	}
}

static void test_remembered_kept_then_confirmed(void **state)
{
	struct model m;
	const struct relationship *r;
	int p, h, s;

	(void)state;
	model_init(&m);
	p = server(&m, "lb-primary", "http://127.0.0.11:8001/");
	remember(&m, "lb-primary+lb-secondary/dhcp4", "lb-primary", "http://127.0.0.11:8001/",
		 "lb-secondary", "http://127.0.0.12:8002/");
	m.rels[0].verdict.status = REL_IMPAIRED;
	m.rels[0].verdict_since = 42;

	/* No configuration yet (the primary is down): the relationship stays, its
	 * peers mapped, the partner added to be polled. */
	assert_int_equal(discovery_rebuild(&m), 1);
	assert_int_equal(m.nrels, 1);
	r = &m.rels[0];
	assert_true(r->remembered);
	assert_peer(&m, r, 0, "lb-primary", HA_ROLE_PRIMARY, "lb-primary");
	assert_peer(&m, r, 1, "lb-secondary", HA_ROLE_SECONDARY, "lb-secondary");
	s = model_find_server(&m, "lb-secondary");
	assert_int_equal(m.servers[s].origin, ORIGIN_DISCOVERED);
	assert_int_equal(r->verdict.status, REL_IMPAIRED);

	/* A configuration from an unrelated server changes nothing about it. */
	h = server(&m, "hs-standby", "http://127.0.0.14:8004/");
	apply_fixture(&m, h, false, KEA_DHCP4, "config-get.dhcp4.hs-standby");
	discovery_rebuild(&m);
	assert_int_equal(m.nrels, 2);
	r = rel(&m, "lb-primary+lb-secondary/dhcp4");
	assert_true(r->remembered);
	assert_false(rel(&m, "hs-primary+hs-standby/dhcp4")->remembered);

	/* The primary's configuration confirms it: no longer only remembered, and
	 * what keaha judged is carried. */
	apply_fixture(&m, p, false, KEA_DHCP4, "config-get.dhcp4.lb-primary");
	discovery_rebuild(&m);
	assert_int_equal(m.nrels, 2);
	r = rel(&m, "lb-primary+lb-secondary/dhcp4");
	assert_false(r->remembered);
	assert_int_equal(r->conf_from, p);
	assert_int_equal(r->conf.heartbeat_delay, 1000);
	assert_int_equal(r->verdict.status, REL_IMPAIRED);
	assert_true(r->verdict_since == 42);
	model_free(&m);
}

/* A peer's configuration that no longer has the relationship drops it. */
static void test_remembered_dropped_by_peer(void **state)
{
	struct model m;
	int p, s;

	(void)state;
	model_init(&m);
	p = server(&m, "lb-primary", "http://127.0.0.11:8001/");
	remember(&m, "old-pair", "lb-primary", "http://127.0.0.11:8001/", "lb-secondary",
		 "http://127.0.0.12:8002/");
	discovery_rebuild(&m);
	assert_int_equal(m.nrels, 1);
	assert_string_equal(m.rels[0].name, "old-pair");

	/* The partner answers with a configuration without HA at all. */
	s = model_find_server(&m, "lb-secondary");
	apply_fixture(&m, s, false, KEA_DHCP4, "config-get.dhcp4.plain-a.no-ha");
	discovery_rebuild(&m);
	assert_int_equal(m.nrels, 0);

	/* Remembered again, then the primary's configuration names it otherwise. */
	model_free(&m);
	model_init(&m);
	p = server(&m, "lb-primary", "http://127.0.0.11:8001/");
	remember(&m, "old-pair", "lb-primary", "http://127.0.0.11:8001/", "lb-secondary",
		 "http://127.0.0.12:8002/");
	discovery_rebuild(&m);
	apply_fixture(&m, p, false, KEA_DHCP4, "config-get.dhcp4.lb-primary");
	discovery_rebuild(&m);
	assert_int_equal(m.nrels, 1);
	assert_string_equal(m.rels[0].name, "lb-primary+lb-secondary/dhcp4");
	assert_false(m.rels[0].remembered);
	model_free(&m);

	/* The partner is a configured server of another name, found by its URL:
	 * its configuration without HA drops the relationship too. */
	model_init(&m);
	server(&m, "lb-primary", "http://127.0.0.11:8001/");
	s = server(&m, "second", "http://127.0.0.12:8002/");
	remember(&m, "old-pair", "lb-primary", "http://127.0.0.11:8001/", "lb-secondary",
		 "http://127.0.0.12:8002/");
	assert_int_equal(discovery_rebuild(&m), 0);
	assert_int_equal(m.rels[0].peer[1].server, s);
	apply_fixture(&m, s, false, KEA_DHCP4, "config-get.dhcp4.plain-a.no-ha");
	discovery_rebuild(&m);
	assert_int_equal(m.nrels, 0);
	model_free(&m);
}

/*
 * Many pairs at once, as bench/ polls them: 150 load-balancing pairs from the
 * lab's lb-primary configuration, each server with its own name and URL, its
 * configuration arriving one by one (a rebuild after each, as the poller may).
 * Every peer maps to its own server, by URL for the servers still named after
 * it, and nothing is added; a pair's relationship appears once.
 */
static void test_many_pairs(void **state)
{
	enum { PAIRS = 150 };
	struct model m;
	cJSON *args = config_args(false, "config-get.dhcp4.lb-primary");
	cJSON *ha = ha_entry(args, KEA_DHCP4, 0);
	cJSON *peers = cJSON_GetObjectItemCaseSensitive(ha, "peers");
	char name[32], url[64], rname[80];

	(void)state;
	model_init(&m);
	for (int i = 0; i < 2 * PAIRS; i++) {
		snprintf(url, sizeof(url), "http://127.40.%d.%d:8000/", i / 200, i % 200 + 1);
		/* Named after its URL, as `keaha URL...` has them: renamed to its this-server-name. */
		int idx = server(&m, url, url); /* may move m.servers: index first */
		m.servers[idx].auto_name = true;
	}
	/* Odd servers first: the secondaries' configurations arrive before the primaries'. */
	for (int k = 0; k < 2 * PAIRS; k++) {
		int i = k < PAIRS ? 2 * k + 1 : 2 * (k - PAIRS);
		int p = i - i % 2;
		snprintf(name, sizeof(name), "b-%d", i);
		set_str(ha, "this-server-name", name);
		for (int j = 0; j < 2; j++) {
			cJSON *peer = cJSON_GetArrayItem(peers, j);
			snprintf(name, sizeof(name), "b-%d", p + j);
			snprintf(url, sizeof(url), "http://127.40.%d.%d:8000/", (p + j) / 200, (p + j) % 200 + 1);
			set_str(peer, "name", name);
			set_str(peer, "url", url);
		}
		apply_args(&m, i, KEA_DHCP4, args);
		assert_int_equal(discovery_rebuild(&m), 0);
	}
	assert_int_equal(m.nservers, 2 * PAIRS);
	assert_int_equal(m.nrels, PAIRS);
	for (int p = 0; p < 2 * PAIRS; p += 2) {
		const struct relationship *r;
		snprintf(rname, sizeof(rname), "b-%d+b-%d/dhcp4", p, p + 1);
		r = rel(&m, rname);
		assert_int_equal(r->nfaults, 0);
		snprintf(name, sizeof(name), "b-%d", p);
		assert_peer(&m, r, 0, name, HA_ROLE_PRIMARY, name);
		assert_int_equal(r->peer[0].server, p);
		snprintf(name, sizeof(name), "b-%d", p + 1);
		assert_peer(&m, r, 1, name, HA_ROLE_SECONDARY, name);
		assert_int_equal(r->peer[1].server, p + 1);
	}
	cJSON_Delete(args);
	model_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_derive_name),
		cmocka_unit_test(test_many_pairs),
		cmocka_unit_test(test_lb_v4_v6),
		cmocka_unit_test(test_model_owns_peers),
		cmocka_unit_test(test_model_error_texts),
		cmocka_unit_test(test_model_reserve),
		cmocka_unit_test(test_backups_discovered),
		cmocka_unit_test(test_passive_backup),
		cmocka_unit_test(test_peer_matched_by_url),
		cmocka_unit_test(test_auto_name_adopted),
		cmocka_unit_test(test_hub_relationships_apart),
		cmocka_unit_test(test_disagreement),
		cmocka_unit_test(test_server_at_wrong_url),
		cmocka_unit_test(test_this_server_name_not_a_peer),
		cmocka_unit_test(test_keaha_name),
		cmocka_unit_test(test_same_name_twice),
		cmocka_unit_test(test_remembered_kept_then_confirmed),
		cmocka_unit_test(test_remembered_dropped_by_peer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
