/*
 * drift.c and autorepl_decide() on a model built from the captured Kea 3.0
 * load-balancing pair: config-get of both peers, then their status-get.
 * Which peer is compared with which, the counts, the words, the pinned
 * source, and when the dashboard would replicate, hold or wait.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "autorepl.h"
#include "discovery.h"
#include "drift.h"
#include "fixture.h"
#include "replica.h"
#include "verdict.h"

#define NOW 1800000000.0

static cJSON *args_of(const char *name)
{
	struct fixture *f = fixture_load3(name);
	cJSON *a = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(f->response, 0),
								    "arguments"), true);

	fixture_free(f);
	if (!a)
		fail_msg("%s has no arguments", name);
	return a;
}

static void give_config(struct model *m, int s, const cJSON *args)
{
	struct kea_config c;
	char err[DECODE_ERR_LEN], why[REPLICA_WHY_LEN];
	cJSON *part;
	char *text;

	assert_true(decode_config(args, KEA_DHCP4, &c, err, sizeof(err)));
	model_apply_config(m, s, KEA_DHCP4, &c, NOW);
	part = replica_part(args, KEA_DHCP4, why, sizeof(why));
	text = replica_text(part);
	cJSON_Delete(part);
	model_apply_replica(m, s, KEA_DHCP4, text, replica_text_hash(text), NOW);
}

static void give_status(struct model *m, int s, const char *fixture)
{
	cJSON *a = args_of(fixture);
	struct kea_status st;
	char err[DECODE_ERR_LEN];

	assert_true(decode_status(a, &st, err, sizeof(err)));
	model_apply_status(m, s, KEA_DHCP4, &st, NOW);
	cJSON_Delete(a);
}

/* The pair with both peers normal; *b gets a copy of the secondary's config to change. */
static void build(struct model *m, cJSON **b, const char *secondary_status)
{
	cJSON *a = args_of("config-get.direct.lb-primary.normal");
	int p, s;

	*b = args_of("config-get.direct.lb-secondary.normal");
	model_init(m);
	p = model_add_server(m, "lb-primary", "http://127.0.0.151:8151/", ORIGIN_CONFIG);
	s = model_add_server(m, "lb-secondary", "http://127.0.0.152:8152/", ORIGIN_CONFIG);
	give_config(m, p, a);
	give_config(m, s, *b);
	discovery_rebuild(m);
	give_status(m, p, "status-get.direct.lb-primary.normal");
	give_status(m, s, secondary_status);
	verdict_update_all(m, NOW, NULL, NULL);
	drift_update_all(m);
	cJSON_Delete(a);
}

static int peer_index(const struct relationship *r, const char *name)
{
	for (int i = 0; i < r->npeers; i++)
		if (!strcmp(r->peer[i].name, name))
			return i;
	fail_msg("no peer %s", name);
	return -1;
}

static void test_in_line_then_drift(void **state)
{
	struct model m;
	cJSON *b;
	struct relationship *r;
	struct sbuf words;
	int sec;
	unsigned gen;

	(void)state;
	build(&m, &b, "status-get.direct.lb-secondary.normal");
	assert_int_equal(m.nrels, 1);
	r = &m.rels[0];
	sec = peer_index(r, "lb-secondary");
	assert_true(r->drift.known);
	assert_int_equal(r->drift.ndrifted, 0);
	/* In line: both hold the one shared copy of the replicated part. */
	assert_ptr_equal(m.servers[0].d[KEA_DHCP4].replica, m.servers[1].d[KEA_DHCP4].replica);
	assert_int_equal(m.nreplicas, 1);
	assert_string_equal(r->peer[r->drift.source].name, "lb-primary");
	/* An external change on the secondary. */
	cJSON_ReplaceItemInObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(b, "Dhcp4"), "valid-lifetime",
					       cJSON_CreateNumber(999));
	give_config(&m, 1, b);
	assert_true(m.servers[0].d[KEA_DHCP4].replica != m.servers[1].d[KEA_DHCP4].replica);
	assert_int_equal(m.nreplicas, 2);
	gen = m.generation;
	drift_update_all(&m);
	assert_true(m.generation != gen);
	assert_int_equal(r->drift.ndrifted, 1);
	assert_int_equal(r->drift.peer_diffs[sec], 1);
	sbuf_init(&words);
	assert_int_equal(drift_describe(&m, r, sec, &words), 1);
	assert_string_equal(words.s, "valid-lifetime differs\n");
	/* Asked again (every redraw of the pane): the same words, appended. */
	assert_int_equal(drift_describe(&m, r, sec, &words), 1);
	assert_string_equal(words.s, "valid-lifetime differs\nvalid-lifetime differs\n");
	sbuf_free(&words);
	/* Nothing new: nothing recounted, nothing to redraw. */
	gen = m.generation;
	drift_update_all(&m);
	assert_int_equal(m.generation, gen);
	/* Another change on the secondary: new words, not the remembered ones. */
	cJSON_ReplaceItemInObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(b, "Dhcp4"),
					       "decline-probation-period", cJSON_CreateNumber(77));
	give_config(&m, 1, b);
	drift_update_all(&m);
	sbuf_init(&words);
	assert_int_equal(drift_describe(&m, r, sec, &words), 2);
	assert_non_null(strstr(words.s, "decline-probation-period differs"));
	sbuf_free(&words);
	cJSON_Delete(b);
	model_free(&m);
}

/* The replica held for a daemon: its entry in model.replicas, or NULL. */
static const struct replica_ref *entry_of(const struct model *m, int s)
{
	for (int i = 0; i < m->nreplicas; i++)
		if (m->replicas[i].text == m->servers[s].d[KEA_DHCP4].replica)
			return &m->replicas[i];
	return NULL;
}

/*
 * The model keeps each distinct replicated part once, as compact text with its
 * hash: equal parts share one entry (counted), a change gets its own, going
 * back shares again and frees the other; the same text again changes nothing.
 */
static void test_replicas_held_as_shared_text(void **state)
{
	struct model m;
	cJSON *b, *orig, *tree;
	const struct replica_ref *e;
	char why[REPLICA_WHY_LEN], *text;
	unsigned gen;

	(void)state;
	build(&m, &b, "status-get.direct.lb-secondary.normal");
	orig = cJSON_Duplicate(b, true);
	e = entry_of(&m, 0);
	assert_non_null(e);
	assert_ptr_equal(entry_of(&m, 1), e);
	assert_int_equal(e->refs, 2);
	assert_true(e->hash == m.servers[1].d[KEA_DHCP4].replica_hash);
	/* The text is the part's compact form; parsed on demand, it is the part. */
	tree = replica_part(b, KEA_DHCP4, why, sizeof(why));
	text = replica_text(tree);
	assert_string_equal(e->text, text);
	assert_true(e->hash == replica_hash(tree));
	cJSON_free(text);
	text = NULL;
	{
		cJSON *again = replica_parse(e->text);
		assert_true(cJSON_Compare(again, tree, true));
		cJSON_Delete(again);
	}
	cJSON_Delete(tree);
	/* A change on the secondary: two entries, one holder each. */
	cJSON_ReplaceItemInObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(b, "Dhcp4"), "valid-lifetime",
					       cJSON_CreateNumber(999));
	give_config(&m, 1, b);
	assert_int_equal(m.nreplicas, 2);
	assert_int_equal(entry_of(&m, 0)->refs, 1);
	assert_int_equal(entry_of(&m, 1)->refs, 1);
	assert_true(m.servers[0].d[KEA_DHCP4].replica_hash != m.servers[1].d[KEA_DHCP4].replica_hash);
	/* Back as it was: shared again, the changed one freed. */
	give_config(&m, 1, orig);
	assert_int_equal(m.nreplicas, 1);
	assert_ptr_equal(m.servers[0].d[KEA_DHCP4].replica, m.servers[1].d[KEA_DHCP4].replica);
	assert_int_equal(entry_of(&m, 0)->refs, 2);
	/* The same configuration read again: nothing changes, nothing to redraw. */
	gen = m.generation;
	tree = replica_part(orig, KEA_DHCP4, why, sizeof(why));
	text = replica_text(tree);
	model_apply_replica(&m, 1, KEA_DHCP4, text, replica_text_hash(text), NOW);
	assert_int_equal(m.generation, gen);
	assert_int_equal(m.nreplicas, 1);
	assert_int_equal(entry_of(&m, 1)->refs, 2);
	cJSON_Delete(tree);
	cJSON_Delete(orig);
	cJSON_Delete(b);
	model_free(&m);
}

/* drift_update_changed compares again what a touched server or a new verdict may have moved, only. */
static void test_update_changed(void **state)
{
	struct model m;
	cJSON *b;
	struct relationship *r;

	(void)state;
	build(&m, &b, "status-get.direct.lb-secondary.normal");
	r = &m.rels[0];
	assert_false(r->drift.refused);
	/* Set behind the model's back: not seen until the server is marked changed. */
	m.servers[1].d[KEA_DHCP4].config.has_config_control = true;
	drift_update_changed(&m);
	assert_false(r->drift.refused);
	model_touch(&m, 1);
	drift_update_changed(&m);
	assert_true(r->drift.refused);
	m.servers[1].d[KEA_DHCP4].config.has_config_control = false;
	/* Through the model: an edit on the secondary is counted at once. */
	cJSON_ReplaceItemInObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(b, "Dhcp4"), "valid-lifetime",
					       cJSON_CreateNumber(999));
	give_config(&m, 1, b);
	drift_update_changed(&m);
	assert_false(r->drift.refused);
	assert_int_equal(r->drift.ndrifted, 1);
	cJSON_Delete(b);
	model_free(&m);
}

static void test_pinned_source(void **state)
{
	struct model m;
	cJSON *b;
	struct relationship *r;

	(void)state;
	build(&m, &b, "status-get.direct.lb-secondary.normal");
	r = &m.rels[0];
	strlcpy_(r->drift.pinned, "lb-secondary", sizeof(r->drift.pinned));
	drift_update_all(&m);
	assert_string_equal(r->peer[drift_source(&m, r)].name, "lb-secondary");
	/* The pinned peer gone: back to the verdict's source of truth. */
	m.servers[1].d[KEA_DHCP4].reach = REACH_DOWN;
	assert_string_equal(r->peer[drift_source(&m, r)].name, "lb-primary");
	cJSON_Delete(b);
	model_free(&m);
}

static void test_autorepl_decisions(void **state)
{
	struct model m;
	cJSON *b;
	struct relationship *r;
	struct replstate st = { 0 };
	char why[200];
	uint64_t primary_hash;

	(void)state;
	build(&m, &b, "status-get.direct.lb-secondary.normal");
	r = &m.rels[0];
	primary_hash = m.servers[0].d[KEA_DHCP4].replica_hash;
	assert_int_equal(autorepl_decide(&m, r, &st, false, why, sizeof(why)), AUTOREPL_NOTHING);
	cJSON_ReplaceItemInObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(b, "Dhcp4"), "valid-lifetime",
					       cJSON_CreateNumber(999));
	give_config(&m, 1, b);
	drift_update_all(&m);
	/* No record of which side changed: shown, not propagated. */
	assert_int_equal(autorepl_decide(&m, r, &st, false, why, sizeof(why)), AUTOREPL_HOLD_UNKNOWN);
	/* The primary is where keaha left it: the secondary moved, bring it back. */
	st.has_in_sync = true;
	st.in_sync = primary_hash;
	assert_int_equal(autorepl_decide(&m, r, &st, false, why, sizeof(why)), AUTOREPL_SYNC);
	assert_string_equal(why, "bringing lb-secondary in line with lb-primary");
	/* The primary moved (external edit there): held, unless configured. */
	st.in_sync = primary_hash + 1;
	assert_int_equal(autorepl_decide(&m, r, &st, false, why, sizeof(why)), AUTOREPL_HOLD_SOURCE);
	assert_int_equal(autorepl_decide(&m, r, &st, true, why, sizeof(why)), AUTOREPL_SYNC);
	/* A configuration backend: never. */
	m.servers[1].d[KEA_DHCP4].config.has_config_control = true;
	drift_update_all(&m);
	assert_int_equal(autorepl_decide(&m, r, &st, true, why, sizeof(why)), AUTOREPL_NOTHING);
	assert_non_null(strstr(why, "config-control"));
	cJSON_Delete(b);
	model_free(&m);
}

/* A secondary that is back but not yet in its normal state is waited for. */
static void test_autorepl_waits_for_normal_state(void **state)
{
	struct model m;
	cJSON *b;
	struct replstate st = { 0 };
	char why[200];

	(void)state;
	build(&m, &b, "status-get.direct.lb-secondary.restarted-waiting");
	st.has_in_sync = true;
	st.in_sync = m.servers[0].d[KEA_DHCP4].replica_hash;
	cJSON_ReplaceItemInObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(b, "Dhcp4"), "valid-lifetime",
					       cJSON_CreateNumber(999));
	give_config(&m, 1, b);
	drift_update_all(&m);
	assert_int_equal(autorepl_decide(&m, &m.rels[0], &st, false, why, sizeof(why)), AUTOREPL_WAIT_PEER);
	cJSON_Delete(b);
	model_free(&m);
}

/* status-get at a later time with a given reload counter. */
static void give_status_at(struct model *m, int s, const char *fixture, long reload, double now)
{
	cJSON *a = args_of(fixture);
	struct kea_status st;
	char err[DECODE_ERR_LEN];

	assert_true(decode_status(a, &st, err, sizeof(err)));
	st.reload = reload;
	model_apply_status(m, s, KEA_DHCP4, &st, now);
	cJSON_Delete(a);
}

/*
 * Kea 3 change detection: the configuration's hash decides, not status-get's
 * reload (a config-set of the same configuration resets reload); without
 * config-hash-get, reload decides again.
 */
static void test_config_change_by_hash(void **state)
{
	struct model m;
	cJSON *b;
	struct daemon *d;
	char other[72];

	(void)state;
	build(&m, &b, "status-get.direct.lb-secondary.normal");
	d = &m.servers[1].d[KEA_DHCP4];
	assert_true(model_watches_hash(d));
	assert_false(d->config_wanted);
	/* Reloaded 60 s later (reload back to 0): same hash, nothing to read. */
	give_status_at(&m, 1, "status-get.direct.lb-secondary.normal", 0, NOW + 60);
	assert_false(d->config_wanted);
	assert_false(model_apply_config_hash(&m, 1, KEA_DHCP4, d->config.hash, NOW + 61));
	assert_false(d->config_wanted);
	/* Another hash (the primary's configuration): read it again. */
	strlcpy_(other, m.servers[0].d[KEA_DHCP4].config.hash, sizeof(other));
	assert_string_not_equal(other, d->config.hash);
	assert_true(model_apply_config_hash(&m, 1, KEA_DHCP4, other, NOW + 62));
	assert_true(d->config_wanted);
	/* Read: the hash is the one config-get brought. */
	give_config(&m, 1, b);
	assert_false(d->config_wanted);
	/* A server without config-hash-get: reload decides. */
	model_no_hash_cmd(&m, 1, KEA_DHCP4);
	assert_false(model_watches_hash(d));
	give_status_at(&m, 1, "status-get.direct.lb-secondary.normal", 0, NOW + 120);
	assert_true(d->config_wanted);
	/* Kea 2.2 (no hash in config-get): reload decides. */
	d = &m.servers[0].d[KEA_DHCP4];
	d->config.hash[0] = '\0';
	assert_false(model_watches_hash(d));
	assert_false(model_apply_config_hash(&m, 0, KEA_DHCP4, other, NOW + 121));
	give_status_at(&m, 0, "status-get.direct.lb-primary.normal", 0, NOW + 122);
	assert_true(d->config_wanted);
	cJSON_Delete(b);
	model_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_line_then_drift),
		cmocka_unit_test(test_replicas_held_as_shared_text),
		cmocka_unit_test(test_update_changed),
		cmocka_unit_test(test_pinned_source),
		cmocka_unit_test(test_autorepl_decisions),
		cmocka_unit_test(test_autorepl_waits_for_normal_state),
		cmocka_unit_test(test_config_change_by_hash),
	};

	return cmocka_run_group_tests_name("drift", tests, NULL, NULL);
}
