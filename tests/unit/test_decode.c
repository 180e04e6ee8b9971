/*
 * decode.c against every captured Kea answer (shared/kea/fixtures for 2.2,
 * shared/kea/kea3/fixtures for 3.0), exact values from chosen fixtures, and
 * malformed input that must give an error or a sane default, never a crash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "decode.h"
#include "fixture.h"

#define MAX_ANSWERS 8

/* ---- helpers ----------------------------------------------------------- */

/* An exact comparison of doubles holding whole seconds, with both values shown. */
#define assert_secs_equal(actual, expected)                                              \
	do {                                                                              \
		double a_ = (actual), e_ = (expected);                                    \
		if (a_ != e_)                                                             \
			fail_msg("%s = %.3f, expected %.3f (diff %.3f)", #actual, a_, e_, \
				 a_ - e_);                                                \
	} while (0)

/* The epoch of a UTC civil time, by the C library (independent of decode.c). */
static double utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return (double)timegm(&tm);
}

/* The same through strptime: for fixture strings in the sweep. */
static bool strp_utc(const char *s, const char *fmt, double *out)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	end = strptime(s, fmt, &tm);
	if (!end || *end)
		return false;
	*out = (double)timegm(&tm);
	return true;
}

struct dec {
	struct fixture *f;
	cJSON *root;
	int n;
	struct kea_answer a[MAX_ANSWERS];
	char err[DECODE_ERR_LEN];
};

/* Parses a fixture's body into answers; fails the test when it does not. */
static void dec_fixture(struct dec *d, struct fixture *f)
{
	memset(d, 0, sizeof(*d));
	d->f = f;
	if (!f->body)
		fail_msg("fixture %s has no body", f->name);
	d->root = decode_parse(f->body, f->body_len, d->err, sizeof(d->err));
	if (!d->root)
		fail_msg("fixture %s: decode_parse failed: %s", f->name, d->err);
	d->n = decode_answers(d->root, d->a, MAX_ANSWERS, d->err, sizeof(d->err));
	if (d->n < 1)
		fail_msg("fixture %s: decode_answers failed: %s", f->name, d->err);
}

static void dec_load(struct dec *d, const char *name)
{
	dec_fixture(d, fixture_load(name));
}

static void dec_load3(struct dec *d, const char *name)
{
	dec_fixture(d, fixture_load3(name));
}

static void dec_free(struct dec *d)
{
	cJSON_Delete(d->root);
	fixture_free(d->f);
	memset(d, 0, sizeof(*d));
}

/* Decodes a string body; NULL (with err) when decode_parse refuses it. */
static cJSON *parse_str(const char *s, char *err, size_t errlen)
{
	return decode_parse(s, strlen(s), err, errlen);
}

/* A status-get fixture with one answer, result 0, decoded. */
static void status_of(struct dec *d, struct kea_status *st)
{
	char err[DECODE_ERR_LEN] = "";

	assert_true(d->n >= 1);
	assert_int_equal(d->a[0].result, KEA_RESULT_OK);
	assert_non_null(d->a[0].args);
	if (!decode_status(d->a[0].args, st, err, sizeof(err)))
		fail_msg("%s: decode_status: %s", d->f->name, err);
}

static void config_of(struct dec *d, enum kea_service svc, struct kea_config *cfg)
{
	char err[DECODE_ERR_LEN] = "";

	assert_int_equal(d->n, 1);
	assert_int_equal(d->a[0].result, KEA_RESULT_OK);
	if (!decode_config(d->a[0].args, svc, cfg, err, sizeof(err)))
		fail_msg("%s: decode_config: %s", d->f->name, err);
}

static const cJSON *jget(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

static const char *jstr(const cJSON *o, const char *k)
{
	const cJSON *v = jget(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Scopes as decoded equal the fixture's JSON list. */
static void check_scopes(const char *fx, const struct ha_scopes *s, const cJSON *list)
{
	int i = 0;
	const cJSON *it;

	if (!cJSON_IsArray(list))
		fail_msg("%s: scopes in the fixture are not a list", fx);
	if (s->n != cJSON_GetArraySize(list))
		fail_msg("%s: %d scopes decoded, fixture has %d", fx, s->n,
			 cJSON_GetArraySize(list));
	cJSON_ArrayForEach(it, list) {
		assert_string_equal(s->name[i], it->valuestring);
		i++;
	}
}

/* ---- the sweep over every fixture --------------------------------------- */

struct sweep {
	bool kea3;
	int files;
	int no_body;
	int answers;
	int http_errors;
	int fwd_errors;
	int status;          /* status-get answers decoded */
	int status_rels;     /* HA relationships among them */
	int remotes;
	int system_times;    /* 3.0 local system-time decoded */
	int skews;
	int heartbeats;      /* with date-time */
	int configs;         /* DHCP daemon config-get decoded */
	int config_rels;
	int agents;
	int versions;
};

/* A status-get answer against the fixture's parsed response (the envelope). */
static void sweep_status(struct sweep *sw, struct fixture *f, const struct kea_answer *a,
			 const cJSON *resp)
{
	struct kea_status st;
	char err[DECODE_ERR_LEN] = "";
	const cJSON *args = jget(resp, "arguments");
	const cJSON *ha = jget(args, "high-availability");
	double date = 0;
	bool has_date = f->date && decode_http_date(f->date, &date);

	if (!decode_status(a->args, &st, err, sizeof(err)))
		fail_msg("%s: decode_status: %s", f->name, err);
	sw->status++;
	if (st.pid != (long)jget(args, "pid")->valuedouble || st.pid <= 0)
		fail_msg("%s: pid %ld", f->name, st.pid);
	assert_int_equal(st.uptime, (long)jget(args, "uptime")->valuedouble);
	assert_int_equal(st.reload, (long)jget(args, "reload")->valuedouble);
	assert_int_equal(st.multi_threading, cJSON_IsTrue(jget(args, "multi-threading-enabled")));
	assert_int_equal(st.has_ha, ha != NULL);
	assert_int_equal(st.nrels, ha ? cJSON_GetArraySize(ha) : 0);
	/* dhcp-state is new in 3.0; the agent's own status-get has none. */
	assert_int_equal(st.has_dhcp_state, jget(args, "dhcp-state") != NULL);
	if (!sw->kea3)
		assert_false(st.has_dhcp_state);
	if (st.has_dhcp_state) {
		assert_int_equal(st.dhcp_disabled,
				 cJSON_IsTrue(jget(jget(args, "dhcp-state"), "globally-disabled")));
		if (st.dhcp_disabled && !st.dhcp_disabled_by[0])
			fail_msg("%s: DHCP disabled by nobody", f->name);
	}
	for (int i = 0; i < st.nrels; i++) {
		const struct ha_rel_status *r = &st.rel[i];
		const cJSON *rel = cJSON_GetArrayItem(ha, i);
		const cJSON *lj = jget(jget(rel, "ha-servers"), "local");
		const cJSON *rj = jget(jget(rel, "ha-servers"), "remote");
		const char *last;

		sw->status_rels++;
		assert_string_equal(ha_mode_name(r->mode), jstr(rel, "ha-mode"));
		assert_string_equal(ha_role_name(r->local.role), jstr(lj, "role"));
		assert_string_equal(ha_state_name(r->local.state), jstr(lj, "state"));
		if (r->mode == HA_MODE_UNKNOWN || r->local.role == HA_ROLE_UNKNOWN ||
		    r->local.state == HA_STATE_UNKNOWN || r->local.state == HA_STATE_UNAVAILABLE)
			fail_msg("%s: relationship %d decoded with unknowns", f->name, i);
		check_scopes(f->name, &r->local.scopes, jget(lj, "scopes"));
		/* README 2: no remote on a backup server and in passive-backup. */
		assert_int_equal(r->remote.present, rj != NULL);
		assert_int_equal(r->remote.present, r->local.role != HA_ROLE_BACKUP &&
							    r->mode != HA_MODE_PASSIVE_BACKUP);
		if (sw->kea3) {
			assert_string_equal(r->local.server_name, jstr(lj, "server-name"));
			assert_int_equal(r->local.has_system_time, jstr(lj, "system-time") != NULL);
		} else {
			assert_string_equal(r->local.server_name, "");
			assert_false(r->local.has_system_time);
		}
		if (r->local.has_system_time) {
			double want;
			sw->system_times++;
			assert_true(strp_utc(jstr(lj, "system-time"), "%Y-%m-%d %H:%M:%S", &want));
			assert_secs_equal(r->local.system_time, want);
			/* Taken at the last good heartbeat, so a little before Date. */
			if (has_date && (r->local.system_time > date + 1 ||
					 r->local.system_time < date - 60))
				fail_msg("%s: system-time %.0f far from Date %.0f", f->name,
					 r->local.system_time, date);
		}
		if (!r->remote.present)
			continue;
		sw->remotes++;
		last = jstr(rj, "last-state");
		assert_non_null(last);
		assert_int_equal(r->remote.never_in_touch, last[0] == '\0');
		if (last[0]) {
			assert_string_equal(ha_state_name(r->remote.last_state), last);
		} else {
			assert_int_equal(r->remote.last_state, HA_STATE_UNKNOWN);
			assert_false(r->remote.in_touch);
		}
		assert_string_equal(ha_role_name(r->remote.role), jstr(rj, "role"));
		assert_true(ha_role_is_active(r->remote.role));
		check_scopes(f->name, &r->remote.last_scopes, jget(rj, "last-scopes"));
		assert_int_equal(r->remote.age, (long)jget(rj, "age")->valuedouble);
		assert_int_equal(r->remote.in_touch, cJSON_IsTrue(jget(rj, "in-touch")));
		assert_int_equal(r->remote.communication_interrupted,
				 cJSON_IsTrue(jget(rj, "communication-interrupted")));
		assert_int_equal(r->remote.unacked_clients,
				 (long)jget(rj, "unacked-clients")->valuedouble);
		assert_int_equal(r->remote.unacked_clients_left,
				 (long)jget(rj, "unacked-clients-left")->valuedouble);
		assert_int_equal(r->remote.has_clock_skew, cJSON_IsNumber(jget(rj, "clock-skew")));
		if (r->remote.has_clock_skew) {
			sw->skews++;
			assert_int_equal(r->remote.clock_skew,
					 (long)jget(rj, "clock-skew")->valuedouble);
		}
		/* Kea 3.0: clock-skew is remote minus local system-time, to the second. */
		if (r->remote.has_clock_skew && r->remote.has_system_time &&
		    r->local.has_system_time)
			assert_secs_equal(r->remote.system_time - r->local.system_time,
					  (double)r->remote.clock_skew);
		if (!sw->kea3)
			assert_false(r->remote.has_clock_skew || r->remote.has_system_time);
	}
}

static void sweep_heartbeat(struct sweep *sw, struct fixture *f, const struct kea_answer *a,
			    const cJSON *resp)
{
	struct ha_heartbeat hb;
	char err[DECODE_ERR_LEN] = "";
	const cJSON *args = jget(resp, "arguments");
	double want, date;

	if (!decode_heartbeat(a->args, &hb, err, sizeof(err)))
		fail_msg("%s: decode_heartbeat: %s", f->name, err);
	assert_string_equal(ha_state_name(hb.state), jstr(args, "state"));
	assert_int_not_equal(hb.state, HA_STATE_UNKNOWN);
	check_scopes(f->name, &hb.scopes, jget(args, "scopes"));
	assert_int_equal(hb.unsent_update_count,
			 (long)jget(args, "unsent-update-count")->valuedouble);
	if (!hb.has_date_time)
		fail_msg("%s: date-time \"%s\" not decoded", f->name, jstr(args, "date-time"));
	sw->heartbeats++;
	assert_true(strp_utc(jstr(args, "date-time"), "%a, %d %b %Y %H:%M:%S GMT", &want));
	assert_secs_equal(hb.date_time, want);
	/* The DHCP server's clock against the Date header (the agent's in 2.2):
	 * the same, or ahead in the clock-ahead fixtures. */
	assert_non_null(f->date);
	assert_true(decode_http_date(f->date, &date));
	if (hb.date_time < date - 2 || hb.date_time > date + 60)
		fail_msg("%s: date-time %.0f vs Date %.0f", f->name, hb.date_time, date);
}

static void sweep_config(struct sweep *sw, struct fixture *f, const struct kea_answer *a)
{
	struct kea_endpoint_info info;
	struct kea_config cfg;
	char err[DECODE_ERR_LEN] = "";

	if (!decode_endpoint_info(a->args, &info, err, sizeof(err)))
		fail_msg("%s: decode_endpoint_info: %s", f->name, err);
	if (info.kind == KEA_ENDPOINT_AGENT) {
		sw->agents++;
		assert_true(info.has_service[KEA_DHCP4]);
		return;
	}
	assert_int_equal(info.kind, KEA_ENDPOINT_DAEMON);
	assert_true(info.has_service[info.service]);
	/* The other service's key is absent, so decoding it fails cleanly. */
	assert_false(decode_config(a->args, info.service == KEA_DHCP4 ? KEA_DHCP6 : KEA_DHCP4,
				   &cfg, err, sizeof(err)));
	if (!decode_config(a->args, info.service, &cfg, err, sizeof(err)))
		fail_msg("%s: decode_config: %s", f->name, err);
	sw->configs++;
	assert_int_equal(cfg.service, info.service);
	if (sw->kea3)
		assert_int_equal(strlen(cfg.hash), 64);
	else
		assert_string_equal(cfg.hash, "");
	if (!cfg.has_ha_hook) {
		assert_int_equal(cfg.nrels, 0);
		return;
	}
	/* Every lab server with HA also loads lease_cmds. */
	assert_true(cfg.has_lease_cmds_hook);
	assert_non_null(strstr(cfg.ha_library, "libdhcp_ha.so"));
	assert_true(cfg.nrels >= 1);
	for (int i = 0; i < cfg.nrels; i++) {
		const struct ha_rel_config *r = &cfg.rel[i];
		bool self = false;
		sw->config_rels++;
		assert_int_not_equal(r->mode, HA_MODE_UNKNOWN);
		assert_true(r->npeers >= 2);
		assert_true(r->heartbeat_delay > 0 && r->max_response_delay > r->heartbeat_delay);
		for (int p = 0; p < r->npeers; p++) {
			assert_int_not_equal(r->peer[p].role, HA_ROLE_UNKNOWN);
			assert_true(strncmp(r->peer[p].url, "http", 4) == 0);
			if (strcmp(r->peer[p].name, r->this_server_name) == 0)
				self = true;
		}
		if (!self)
			fail_msg("%s: this-server-name %s is no peer", f->name, r->this_server_name);
	}
}

static void sweep_one(const char *dir, const char *name, void *ud)
{
	struct sweep *sw = ud;
	struct fixture *f = fixture_load_from(dir, name);
	struct kea_answer a[MAX_ANSWERS];
	char err[DECODE_ERR_LEN] = "";
	const cJSON *resp;
	cJSON *root;
	int n, want;

	sw->files++;
	if (!f->body) {
		/* No HTTP answer at all: a transport failure. */
		sw->no_body++;
		assert_null(f->response);
		assert_int_equal(f->http_status, 0);
		assert_int_not_equal(f->curl_exit, 0);
		assert_null(decode_parse(NULL, 0, err, sizeof(err)));
		assert_true(err[0] != '\0');
		fixture_free(f);
		return;
	}
	assert_true(f->body_is_raw);
	assert_int_equal(f->curl_exit, 0);
	root = decode_parse(f->body, f->body_len, err, sizeof(err));
	if (!root)
		fail_msg("%s: decode_parse: %s", name, err);
	n = decode_answers(root, a, MAX_ANSWERS, err, sizeof(err));
	want = cJSON_IsArray(f->response) ? cJSON_GetArraySize(f->response) : 1;
	if (n != want)
		fail_msg("%s: %d answers, fixture has %d (%s)", name, n, want, err);
	sw->answers += n;
	if (f->http_status != 200) {
		/* HTTP errors: a map turned into one answer carrying the status. */
		sw->http_errors++;
		assert_true(cJSON_IsObject(f->response));
		assert_int_equal(a[0].result, f->http_status);
		assert_null(a[0].args);
		assert_string_equal(a[0].text, jstr(f->response, "text"));
	}
	for (int i = 0; i < n; i++) {
		resp = cJSON_IsArray(f->response) ? cJSON_GetArrayItem(f->response, i) : f->response;
		assert_int_equal(a[i].result, jget(resp, "result")->valueint);
		if (jstr(resp, "text"))
			assert_true(strncmp(a[i].text, jstr(resp, "text"), KEA_TEXT_LEN - 1) == 0);
		else
			assert_string_equal(a[i].text, "");
		assert_int_equal(a[i].args != NULL, jget(resp, "arguments") != NULL);
		if (a[i].result != KEA_RESULT_OK) {
			enum kea_forward_error fe = decode_forward_error(a[i].text);
			assert_true(a[i].text[0] != '\0');
			if (strstr(a[i].text, "unable to forward") ||
			    strstr(a[i].text, "forwarding socket")) {
				/* Every captured forwarding error has a known cause. */
				sw->fwd_errors++;
				if (fe == KEA_FWD_NONE || fe == KEA_FWD_OTHER)
					fail_msg("%s: forwarding error not classified: %s", name,
						 a[i].text);
			} else {
				assert_int_equal(fe, KEA_FWD_NONE);
			}
			continue;
		}
		if (f->http_status != 200 || !f->command)
			continue;
		if (strcmp(f->command, "status-get") == 0) {
			sweep_status(sw, f, &a[i], resp);
		} else if (strcmp(f->command, "ha-heartbeat") == 0) {
			sweep_heartbeat(sw, f, &a[i], resp);
		} else if (strcmp(f->command, "config-get") == 0) {
			sweep_config(sw, f, &a[i]);
		} else if (strcmp(f->command, "version-get") == 0) {
			char ver[32], want_ver[32];
			const char *kv = jstr(f->envelope, "kea_version");
			assert_non_null(kv);
			assert_true(decode_version(&a[i], ver, sizeof(ver)));
			snprintf(want_ver, sizeof(want_ver), "%.*s", (int)strcspn(kv, " "), kv);
			assert_string_equal(ver, want_ver);
			sw->versions++;
		}
	}
	cJSON_Delete(root);
	fixture_free(f);
}

static const char *const sweep_prefixes[] = {
	"status-get.", "ha-heartbeat.", "config-get.", "version-get.", "error.",
};

static void run_sweep(const char *dir, struct sweep *sw, const int *min_files)
{
	for (size_t i = 0; i < sizeof(sweep_prefixes) / sizeof(sweep_prefixes[0]); i++) {
		int n = fixture_list(dir, sweep_prefixes[i], sweep_one, sw);
		if (n < min_files[i])
			fail_msg("%s: only %d %s* fixtures (at least %d expected)", dir, n,
				 sweep_prefixes[i], min_files[i]);
	}
	print_message("[ sweep    ] %s: %d fixtures, %d without a body, %d answers, "
		      "%d status-get (%d relationships, %d remotes, %d system-times, %d clock-skews), "
		      "%d heartbeats, "
		      "%d configs (%d relationships), %d agents, %d versions, %d HTTP errors, "
		      "%d forwarding errors\n",
		      dir, sw->files, sw->no_body, sw->answers, sw->status, sw->status_rels,
		      sw->remotes, sw->system_times, sw->skews, sw->heartbeats, sw->configs, sw->config_rels, sw->agents,
		      sw->versions, sw->http_errors, sw->fwd_errors);
}

/* The minimums are a little under what the fixtures hold today, so that a
 * sweep that silently skips fixtures (wrong directory, a decoder refusing a
 * whole family) fails. */
static void test_sweep_kea22(void **state)
{
	static const int min_files[] = { 105, 20, 14, 3, 13 };
	struct sweep sw = { .kea3 = false };

	(void)state;
	run_sweep(fixture_dir(), &sw, min_files);
	assert_true(sw.files >= 160);
	assert_true(sw.no_body >= 12);
	assert_true(sw.answers >= 150);
	assert_true(sw.status >= 90);
	assert_true(sw.status_rels >= 80);
	assert_true(sw.remotes >= 75);
	assert_int_equal(sw.system_times, 0); /* 2.2 has neither */
	assert_int_equal(sw.skews, 0);
	assert_true(sw.heartbeats >= 17);
	assert_true(sw.configs >= 10);
	assert_true(sw.config_rels >= 9);
	assert_true(sw.agents >= 4);
	assert_int_equal(sw.versions, 3);
	assert_true(sw.http_errors >= 8);
	assert_true(sw.fwd_errors >= 8);
}

static void test_sweep_kea30(void **state)
{
	static const int min_files[] = { 60, 23, 16, 4, 26 };
	struct sweep sw = { .kea3 = true };

	(void)state;
	run_sweep(fixture_dir3(), &sw, min_files);
	assert_true(sw.files >= 129);
	assert_true(sw.no_body >= 3);
	assert_true(sw.answers >= 125);
	assert_true(sw.status >= 60);
	assert_true(sw.status_rels >= 64);
	assert_true(sw.remotes >= 64);
	assert_true(sw.system_times >= 45);
	assert_true(sw.skews >= 45);
	assert_true(sw.heartbeats >= 19);
	assert_true(sw.configs >= 14);
	assert_true(sw.config_rels >= 12);
	assert_true(sw.agents >= 1);
	assert_int_equal(sw.versions, 3);
	assert_true(sw.http_errors >= 13);
	assert_true(sw.fwd_errors >= 4);
}

/* ---- the fixture helper itself ----------------------------------------- */

static void test_fixture_helper(void **state)
{
	struct fixture *f;

	(void)state;
	f = fixture_load("status-get.dhcp4.lb-primary.normal");
	assert_string_equal(f->name, "status-get.dhcp4.lb-primary.normal");
	assert_true(f->body_is_raw);
	assert_int_equal(f->body_len, 569);
	assert_int_equal(f->body[0], '[');
	assert_int_equal(f->body[f->body_len], '\0');
	assert_int_equal(f->http_status, 200);
	assert_int_equal(f->curl_exit, 0);
	assert_null(f->curl_error);
	assert_string_equal(f->date, "Mon, 23 Nov 2026 11:03:56 GMT");
	assert_string_equal(f->command, "status-get");
	assert_true(cJSON_IsArray(f->response));
	fixture_free(f);

	/* No HTTP answer: no status, no body, curl's exit code. */
	f = fixture_load("status-get.dhcp4.lb-primary.host-down");
	assert_null(f->body);
	assert_int_equal(f->body_len, 0);
	assert_int_equal(f->http_status, 0);
	assert_int_equal(f->curl_exit, 7);
	assert_non_null(strstr(f->curl_error, "Failed to connect"));
	assert_null(f->date);
	assert_null(f->response);
	fixture_free(f);

	/* An envelope without headers. */
	f = fixture_load("status-get.dhcp4.lb-primary.service-hung-60s-answer");
	assert_int_equal(f->http_status, 200);
	assert_null(f->date);
	assert_non_null(f->body);
	fixture_free(f);

	f = fixture_load3("status-get.direct.lb-primary.normal");
	assert_string_equal(f->date, "Mon, 23 Nov 2026 11:17:12 GMT");
	fixture_free(f);
}

static int count_cb_calls;

static void count_cb(const char *dir, const char *name, void *ud)
{
	(void)dir;
	(void)ud;
	assert_true(strncmp(name, "version-get.", 12) == 0);
	assert_null(strstr(name, ".json"));
	count_cb_calls++;
}

static void count_all_cb(const char *dir, const char *name, void *ud)
{
	(void)dir;
	(void)ud;
	assert_true(name[0] != '\0');
}

static void test_fixture_list(void **state)
{
	(void)state;
	count_cb_calls = 0;
	assert_int_equal(fixture_list(fixture_dir(), "version-get.", count_cb, NULL), 3);
	assert_int_equal(count_cb_calls, 3);
	assert_int_equal(fixture_list(fixture_dir(), "no-such-prefix.", count_cb, NULL), 0);
	assert_true(fixture_list(fixture_dir3(), "", count_all_cb, NULL) >= 170);
}

/* ---- status-get, Kea 2.2 ------------------------------------------------ */

static void test_status_lb_primary_normal(void **state)
{
	struct dec d;
	struct kea_status st;
	const struct ha_rel_status *r;

	(void)state;
	dec_load(&d, "status-get.dhcp4.lb-primary.normal");
	assert_int_equal(d.n, 1);
	assert_string_equal(d.a[0].text, "");
	status_of(&d, &st);
	assert_int_equal(st.pid, 3041);
	assert_int_equal(st.reload, 4);
	assert_int_equal(st.uptime, 4);
	assert_false(st.multi_threading);
	assert_false(st.has_dhcp_state);
	assert_true(st.has_ha);
	assert_int_equal(st.nrels, 1);
	r = &st.rel[0];
	assert_int_equal(r->mode, HA_MODE_LOAD_BALANCING);
	assert_int_equal(r->local.role, HA_ROLE_PRIMARY);
	assert_int_equal(r->local.state, HA_STATE_LOAD_BALANCING);
	assert_int_equal(r->local.scopes.n, 1);
	assert_string_equal(r->local.scopes.name[0], "lb-primary");
	assert_string_equal(r->local.server_name, "");
	assert_false(r->local.has_system_time);
	assert_true(r->remote.present);
	assert_int_equal(r->remote.role, HA_ROLE_SECONDARY);
	assert_int_equal(r->remote.last_state, HA_STATE_LOAD_BALANCING);
	assert_false(r->remote.never_in_touch);
	assert_int_equal(r->remote.last_scopes.n, 1);
	assert_string_equal(r->remote.last_scopes.name[0], "lb-secondary");
	assert_int_equal(r->remote.age, 0);
	assert_true(r->remote.in_touch);
	assert_false(r->remote.communication_interrupted);
	assert_int_equal(r->remote.unacked_clients_left, 0);
	assert_false(r->remote.has_clock_skew);
	assert_false(r->remote.has_system_time);
	dec_free(&d);
}

static void test_status_lb_secondary_partner_down(void **state)
{
	struct dec d;
	struct kea_status st;
	const struct ha_rel_status *r;

	(void)state;
	dec_load(&d, "status-get.dhcp4.lb-secondary.partner-down");
	status_of(&d, &st);
	assert_int_equal(st.pid, 11703);
	assert_int_equal(st.nrels, 1);
	r = &st.rel[0];
	assert_int_equal(r->mode, HA_MODE_LOAD_BALANCING);
	assert_int_equal(r->local.role, HA_ROLE_SECONDARY);
	assert_int_equal(r->local.state, HA_STATE_PARTNER_DOWN);
	assert_int_equal(r->local.scopes.n, 2);
	assert_string_equal(r->local.scopes.name[0], "lb-primary");
	assert_string_equal(r->local.scopes.name[1], "lb-secondary");
	assert_true(r->remote.present);
	assert_int_equal(r->remote.role, HA_ROLE_PRIMARY);
	assert_int_equal(r->remote.last_state, HA_STATE_UNAVAILABLE);
	assert_false(r->remote.never_in_touch);
	assert_true(r->remote.communication_interrupted);
	assert_true(r->remote.in_touch);
	assert_int_equal(r->remote.age, 4);
	assert_int_equal(r->remote.unacked_clients, 0);
	assert_int_equal(r->remote.unacked_clients_left, 1);
	assert_int_equal(r->remote.last_scopes.n, 1);
	assert_string_equal(r->remote.last_scopes.name[0], "lb-primary");
	dec_free(&d);
}

static void test_status_backup_no_remote(void **state)
{
	struct dec d;
	struct kea_status st;

	(void)state;
	dec_load(&d, "status-get.dhcp4.bk-backup.normal");
	status_of(&d, &st);
	assert_int_equal(st.pid, 3399);
	assert_int_equal(st.nrels, 1);
	assert_int_equal(st.rel[0].mode, HA_MODE_LOAD_BALANCING);
	assert_int_equal(st.rel[0].local.role, HA_ROLE_BACKUP);
	assert_int_equal(st.rel[0].local.state, HA_STATE_BACKUP);
	assert_int_equal(st.rel[0].local.scopes.n, 0);
	assert_false(st.rel[0].remote.present);
	assert_int_equal(st.rel[0].remote.age, 0);
	dec_free(&d);
}

static void test_status_passive_backup(void **state)
{
	struct dec d;
	struct kea_status st;

	(void)state;
	dec_load(&d, "status-get.dhcp4.pb-primary.passive-backup");
	status_of(&d, &st);
	assert_int_equal(st.pid, 30619);
	assert_int_equal(st.reload, 0);
	assert_int_equal(st.nrels, 1);
	assert_int_equal(st.rel[0].mode, HA_MODE_PASSIVE_BACKUP);
	assert_int_equal(st.rel[0].local.role, HA_ROLE_PRIMARY);
	assert_int_equal(st.rel[0].local.state, HA_STATE_PASSIVE_BACKUP);
	assert_int_equal(st.rel[0].local.scopes.n, 1);
	assert_string_equal(st.rel[0].local.scopes.name[0], "pb-primary");
	assert_false(st.rel[0].remote.present);
	dec_free(&d);
}

static void test_status_no_ha(void **state)
{
	struct dec d;
	struct kea_status st;

	(void)state;
	dec_load(&d, "status-get.dhcp4.plain-a.no-ha");
	status_of(&d, &st);
	assert_int_equal(st.pid, 25724);
	assert_int_equal(st.reload, 1);
	assert_false(st.has_ha);
	assert_int_equal(st.nrels, 0);
	dec_free(&d);

	/* The agent's own status-get: pid, reload, uptime and nothing else. */
	dec_load(&d, "status-get.agent.lb-primary.normal");
	status_of(&d, &st);
	assert_true(st.pid > 0);
	assert_false(st.has_ha);
	assert_false(st.multi_threading);
	dec_free(&d);
}

static void test_status_two_services_one_not_configured(void **state)
{
	struct dec d;
	struct kea_status st;

	(void)state;
	dec_load(&d, "status-get.dhcp4+dhcp6.bk-primary.dhcp6-not-configured");
	assert_int_equal(d.n, 2);
	status_of(&d, &st);
	assert_int_equal(st.pid, 3309);
	assert_int_equal(st.rel[0].local.role, HA_ROLE_PRIMARY);
	assert_string_equal(st.rel[0].local.scopes.name[0], "bk-primary");
	assert_int_equal(decode_forward_error(d.a[0].text), KEA_FWD_NONE);
	assert_int_equal(d.a[1].result, KEA_RESULT_ERROR);
	assert_null(d.a[1].args);
	assert_string_equal(d.a[1].text,
			    "forwarding socket is not configured for the server type dhcp6");
	assert_int_equal(decode_forward_error(d.a[1].text), KEA_FWD_NOT_CONFIGURED);
	assert_false(decode_status(d.a[1].args, &st, d.err, sizeof(d.err)));
	dec_free(&d);

	/* Asking for fewer answers than came back. */
	dec_load(&d, "status-get.dhcp4+dhcp6.bk-primary.dhcp6-not-configured");
	assert_int_equal(decode_answers(d.root, d.a, 1, d.err, sizeof(d.err)), 1);
	assert_int_equal(d.a[0].result, KEA_RESULT_OK);
	dec_free(&d);
}

static void check_one_error(const char *name, bool kea3, int result, const char *text_part,
			    enum kea_forward_error fe)
{
	struct dec d;

	if (kea3)
		dec_load3(&d, name);
	else
		dec_load(&d, name);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.a[0].result, result);
	assert_null(d.a[0].args);
	if (!strstr(d.a[0].text, text_part))
		fail_msg("%s: text \"%s\" lacks \"%s\"", name, d.a[0].text, text_part);
	if (decode_forward_error(d.a[0].text) != fe)
		fail_msg("%s: forward error %d, expected %d", name,
			 (int)decode_forward_error(d.a[0].text), (int)fe);
	dec_free(&d);
}

static void test_forwarding_errors(void **state)
{
	(void)state;
	check_one_error("status-get.dhcp4.lb-primary.service-stopped", false, 1,
			"No such file or directory", KEA_FWD_NOT_RUNNING);
	check_one_error("status-get.dhcp4.lb-primary.agent-up-service-killed", false, 1,
			"Connection refused", KEA_FWD_NOT_RUNNING);
	check_one_error("ha-sync.dhcp4.lb-secondary.unknown-server", false, 1, "End of file",
			KEA_FWD_HANDLER_FAILED);
	/* The agent's 60 s answer for a SIGSTOPped daemon: "Operation canceled". */
	check_one_error("status-get.dhcp4.lb-primary.service-hung-60s-answer", false, 1,
			"Operation canceled", KEA_FWD_HUNG);
	check_one_error("status-get.dhcp4.hs-primary.service-hung", false, 1,
			"Operation canceled", KEA_FWD_HUNG);
	check_one_error("error.dhcp6.bk-primary.service-not-configured", false, 1,
			"server type dhcp6", KEA_FWD_NOT_CONFIGURED);
	check_one_error("error.dhcp5.lb-primary.unknown-service", false, 1, "dhcp5",
			KEA_FWD_NOT_CONFIGURED);
	check_one_error("error.dhcp4.lb-primary.unknown-command", false, 2,
			"'foo-bar' command not supported.", KEA_FWD_NONE);
	check_one_error("error.agent.ca-secondary.dhcp4-killed", true, 1, "Connection refused",
			KEA_FWD_NOT_RUNNING);
	check_one_error("error.agent.ca-secondary.dhcp4-frozen", true, 1, "Operation canceled",
			KEA_FWD_HUNG);
	check_one_error("ha-heartbeat.direct.hub.server-name-unknown", true, 1,
			"nosuch matches no configured 'server-name'", KEA_FWD_NONE);

	assert_int_equal(decode_forward_error(NULL), KEA_FWD_NONE);
	assert_int_equal(decode_forward_error(""), KEA_FWD_NONE);
	assert_int_equal(decode_forward_error("Connection refused"), KEA_FWD_NONE);
	assert_int_equal(decode_forward_error("unable to forward command to the dhcp4 service: "
					      "Broken pipe. The server is likely to be offline"),
			 KEA_FWD_OTHER);
}

static void check_http_error(const char *name, bool kea3, int status, const char *text)
{
	struct dec d;

	if (kea3)
		dec_load3(&d, name);
	else
		dec_load(&d, name);
	assert_int_equal(d.f->http_status, status);
	assert_true(d.f->body[0] == '{'); /* a map, not a list */
	assert_int_equal(d.n, 1);
	assert_int_equal(d.a[0].result, status);
	assert_string_equal(d.a[0].text, text);
	assert_null(d.a[0].args);
	assert_int_equal(decode_forward_error(d.a[0].text), KEA_FWD_NONE);
	dec_free(&d);
}

static void test_http_errors(void **state)
{
	(void)state;
	check_http_error("status-get.dhcp4.auth.wrong-password", false, 401, "Unauthorized");
	check_http_error("status-get.dhcp4.lb-primary.auth-wrong", false, 401, "Unauthorized");
	check_http_error("status-get.dhcp4.lb-primary.auth-missing", false, 401, "Unauthorized");
	check_http_error("error.http.lb-primary.empty-body", false, 400, "Bad Request");
	check_http_error("error.http.lb-primary.get-method", false, 400, "Bad Request");
	check_http_error("error.http.lb-primary.malformed-json", false, 400, "Bad Request");
	check_http_error("error.http.lb-primary.form-content-type", false, 400, "Bad Request");
	check_http_error("error.http.lb-primary.no-content-type", true, 400, "Bad Request");
	check_http_error("error.ha-listener.lb-primary.unknown-command", true, 403, "Forbidden");
	check_http_error("config-get.ha-listener.lb-primary.restricted", true, 403, "Forbidden");
}

static void test_status_never_in_touch(void **state)
{
	struct dec d;
	struct kea_status st;
	const struct ha_remote *rm;

	(void)state;
	dec_load(&d, "status-get.dhcp4.plain-a.half-created.waiting");
	status_of(&d, &st);
	assert_int_equal(st.pid, 17783);
	assert_int_equal(st.uptime, 5);
	assert_int_equal(st.reload, 0);
	assert_int_equal(st.rel[0].local.state, HA_STATE_WAITING);
	assert_int_equal(st.rel[0].local.scopes.n, 0);
	rm = &st.rel[0].remote;
	assert_true(rm->present);
	assert_true(rm->never_in_touch);
	assert_int_equal(rm->last_state, HA_STATE_UNKNOWN);
	assert_false(rm->in_touch);
	assert_int_equal(rm->last_scopes.n, 0);
	assert_int_equal(rm->role, HA_ROLE_SECONDARY);
	dec_free(&d);
}

static void test_status_unacked_clients(void **state)
{
	struct dec d;
	struct kea_status st;
	const struct ha_rel_status *r;

	(void)state;
	dec_load(&d, "status-get.dhcp4.hs-standby.unacked-clients");
	status_of(&d, &st);
	assert_int_equal(st.pid, 28305);
	assert_int_equal(st.reload, 12);
	r = &st.rel[0];
	assert_int_equal(r->mode, HA_MODE_HOT_STANDBY);
	assert_int_equal(r->local.role, HA_ROLE_STANDBY);
	assert_int_equal(r->local.state, HA_STATE_HOT_STANDBY);
	assert_int_equal(r->local.scopes.n, 0);
	assert_int_equal(r->remote.role, HA_ROLE_PRIMARY);
	assert_int_equal(r->remote.last_state, HA_STATE_UNAVAILABLE);
	assert_int_equal(r->remote.age, 9);
	assert_int_equal(r->remote.analyzed_packets, 7);
	assert_int_equal(r->remote.connecting_clients, 7);
	assert_int_equal(r->remote.unacked_clients, 2);
	assert_int_equal(r->remote.unacked_clients_left, 2);
	assert_true(r->remote.communication_interrupted);
	assert_true(r->remote.in_touch);
	assert_string_equal(r->remote.last_scopes.name[0], "hs-primary");
	dec_free(&d);
}

/* ---- status-get, Kea 3.0 ------------------------------------------------ */

static void test_status3_lb_primary_normal(void **state)
{
	struct dec d;
	struct kea_status st;
	const struct ha_rel_status *r;

	(void)state;
	dec_load3(&d, "status-get.direct.lb-primary.normal");
	status_of(&d, &st);
	assert_int_equal(st.pid, 15091);
	assert_int_equal(st.uptime, 37);
	assert_int_equal(st.reload, 37);
	assert_true(st.multi_threading);
	assert_true(st.has_dhcp_state);
	assert_false(st.dhcp_disabled);
	assert_string_equal(st.dhcp_disabled_by, "");
	assert_int_equal(st.nrels, 1);
	r = &st.rel[0];
	assert_int_equal(r->mode, HA_MODE_LOAD_BALANCING);
	assert_int_equal(r->local.role, HA_ROLE_PRIMARY);
	assert_int_equal(r->local.state, HA_STATE_LOAD_BALANCING);
	assert_string_equal(r->local.server_name, "lb-primary");
	assert_true(r->local.has_system_time);
	assert_secs_equal(r->local.system_time, utc(2026, 11, 23, 11, 17, 11));
	assert_secs_equal(r->local.system_time, 1795432631.0);
	assert_true(r->remote.present);
	assert_string_equal(r->remote.server_name, "lb-secondary");
	assert_int_equal(r->remote.role, HA_ROLE_SECONDARY);
	assert_int_equal(r->remote.last_state, HA_STATE_LOAD_BALANCING);
	assert_true(r->remote.has_clock_skew);
	assert_int_equal(r->remote.clock_skew, 0);
	assert_true(r->remote.has_system_time);
	assert_secs_equal(r->remote.system_time, utc(2026, 11, 23, 11, 17, 11));
	dec_free(&d);
}

static void test_status3_hub(void **state)
{
	struct dec d;
	struct kea_status st;

	(void)state;
	dec_load3(&d, "status-get.direct.hub.normal");
	status_of(&d, &st);
	assert_int_equal(st.pid, 15209);
	assert_int_equal(st.nrels, 2);
	assert_false(st.dhcp_disabled);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(st.rel[i].mode, HA_MODE_HOT_STANDBY);
		assert_int_equal(st.rel[i].local.role, HA_ROLE_PRIMARY);
		assert_int_equal(st.rel[i].local.state, HA_STATE_HOT_STANDBY);
		assert_int_equal(st.rel[i].remote.role, HA_ROLE_STANDBY);
		assert_int_equal(st.rel[i].remote.age, 1);
		assert_int_equal(st.rel[i].remote.clock_skew, 0);
	}
	assert_string_equal(st.rel[0].local.server_name, "hub-1");
	assert_string_equal(st.rel[0].local.scopes.name[0], "hub-1");
	assert_string_equal(st.rel[0].remote.server_name, "spoke1");
	assert_string_equal(st.rel[1].local.server_name, "hub-2");
	assert_string_equal(st.rel[1].local.scopes.name[0], "hub-2");
	assert_string_equal(st.rel[1].remote.server_name, "spoke2");
	dec_free(&d);

	/* hub-2 in maintenance switches the whole hub's DHCP off (by HA). */
	dec_load3(&d, "status-get.direct.hub.hub-2-in-maintenance");
	status_of(&d, &st);
	assert_true(st.has_dhcp_state);
	assert_true(st.dhcp_disabled);
	assert_string_equal(st.dhcp_disabled_by, "HA");
	assert_int_equal(st.nrels, 2);
	assert_int_equal(st.rel[0].local.state, HA_STATE_HOT_STANDBY);
	assert_int_equal(st.rel[1].local.state, HA_STATE_IN_MAINTENANCE);
	assert_int_equal(st.rel[1].local.scopes.n, 0);
	for (int i = 0; i < 2; i++) {
		assert_false(st.rel[i].local.has_system_time);
		assert_false(st.rel[i].remote.has_system_time);
		assert_false(st.rel[i].remote.has_clock_skew);
	}
	dec_free(&d);
}

static void test_status3_clock_skew(void **state)
{
	struct dec d;
	struct kea_status st;
	const struct ha_remote *rm;

	(void)state;
	dec_load3(&d, "status-get.direct.lb-primary.partner-clock-plus45s");
	status_of(&d, &st);
	rm = &st.rel[0].remote;
	assert_true(rm->has_clock_skew);
	assert_int_equal(rm->clock_skew, 45);
	assert_secs_equal(st.rel[0].local.system_time, utc(2026, 11, 23, 11, 21, 23));
	assert_secs_equal(rm->system_time, utc(2026, 11, 23, 11, 22, 8));
	dec_free(&d);

	/* The partner's own view: minus 45. */
	dec_load3(&d, "status-get.direct.lb-secondary.own-clock-plus45s");
	status_of(&d, &st);
	assert_int_equal(st.rel[0].remote.clock_skew, -45);
	dec_free(&d);

	/* Partner killed: clock-skew and both system-times null. */
	dec_load3(&d, "status-get.direct.lb-primary.partner-killed");
	status_of(&d, &st);
	rm = &st.rel[0].remote;
	assert_int_equal(st.rel[0].local.state, HA_STATE_PARTNER_DOWN);
	assert_int_equal(st.rel[0].local.scopes.n, 2);
	assert_false(st.rel[0].local.has_system_time);
	assert_false(rm->has_clock_skew);
	assert_int_equal(rm->clock_skew, 0);
	assert_false(rm->has_system_time);
	assert_int_equal(rm->last_state, HA_STATE_UNAVAILABLE);
	assert_true(rm->communication_interrupted);
	assert_int_equal(rm->age, 4);
	assert_string_equal(rm->server_name, "lb-secondary");
	dec_free(&d);
}

/* ---- ha-heartbeat ------------------------------------------------------- */

static void test_heartbeat(void **state)
{
	struct dec d;
	struct ha_heartbeat hb;
	double date;

	(void)state;
	dec_load(&d, "ha-heartbeat.dhcp4.hs-standby.clock-ahead-45s");
	assert_string_equal(d.a[0].text, "HA peer status returned.");
	assert_true(decode_heartbeat(d.a[0].args, &hb, d.err, sizeof(d.err)));
	assert_int_equal(hb.state, HA_STATE_HOT_STANDBY);
	assert_true(hb.has_date_time);
	/* "Mon, 23 Nov 2026 11:07:30 GMT" */
	assert_secs_equal(hb.date_time, utc(2026, 11, 23, 11, 7, 30));
	assert_secs_equal(hb.date_time, 1795432050.0);
	assert_int_equal(hb.scopes.n, 0);
	assert_int_equal(hb.unsent_update_count, 0);
	/* The agent's Date header is 45 s behind the DHCP server's clock. */
	assert_true(decode_http_date(d.f->date, &date));
	assert_secs_equal(hb.date_time - date, 45.0);
	dec_free(&d);

	dec_load(&d, "ha-heartbeat.dhcp4.lb-secondary.partner-down-unsent-updates");
	assert_true(decode_heartbeat(d.a[0].args, &hb, d.err, sizeof(d.err)));
	assert_int_equal(hb.state, HA_STATE_PARTNER_DOWN);
	assert_int_equal(hb.unsent_update_count, 29);
	assert_int_equal(hb.scopes.n, 2);
	assert_string_equal(hb.scopes.name[0], "lb-primary");
	assert_string_equal(hb.scopes.name[1], "lb-secondary");
	assert_secs_equal(hb.date_time, utc(2026, 11, 23, 11, 4, 40));
	dec_free(&d);

	/* Without the HA hook: result 2 and no arguments. */
	dec_load(&d, "ha-heartbeat.dhcp4.plain-a.no-ha");
	assert_int_equal(d.n, 1);
	assert_int_equal(d.a[0].result, KEA_RESULT_UNSUPPORTED);
	assert_string_equal(d.a[0].text, "'ha-heartbeat' command not supported.");
	assert_null(d.a[0].args);
	assert_false(decode_heartbeat(d.a[0].args, &hb, d.err, sizeof(d.err)));
	assert_true(d.err[0] != '\0');
	dec_free(&d);

	dec_load3(&d, "ha-heartbeat.direct.hub.server-name-hub-2");
	assert_true(decode_heartbeat(d.a[0].args, &hb, d.err, sizeof(d.err)));
	assert_int_equal(hb.state, HA_STATE_HOT_STANDBY);
	assert_string_equal(hb.scopes.name[0], "hub-2");
	assert_secs_equal(hb.date_time, utc(2026, 11, 23, 11, 20, 16));
	dec_free(&d);
}

/* ---- config-get --------------------------------------------------------- */

static void test_config_lb_primary(void **state)
{
	struct dec d;
	struct kea_config cfg;
	const struct ha_rel_config *r;
	enum kea_service svc;

	(void)state;
	for (svc = KEA_DHCP4; svc <= KEA_DHCP6; svc++) {
		dec_load(&d, svc == KEA_DHCP4 ? "config-get.dhcp4.lb-primary"
					      : "config-get.dhcp6.lb-primary");
		config_of(&d, svc, &cfg);
		assert_int_equal(cfg.service, svc);
		assert_true(cfg.has_ha_hook);
		assert_true(cfg.has_lease_cmds_hook);
		assert_string_equal(cfg.ha_library,
				    "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_ha.so");
		assert_false(cfg.has_config_control);
		assert_string_equal(cfg.server_tag, "");
		assert_string_equal(cfg.hash, "");
		assert_int_equal(cfg.nrels, 1);
		r = &cfg.rel[0];
		assert_string_equal(r->this_server_name, "lb-primary");
		assert_string_equal(r->keaha_name, "");
		assert_int_equal(r->mode, HA_MODE_LOAD_BALANCING);
		assert_int_equal(r->heartbeat_delay, 1000);
		assert_int_equal(r->max_response_delay, 4000);
		assert_int_equal(r->max_ack_delay, 2000);
		assert_int_equal(r->max_unacked_clients, 0);
		assert_int_equal(r->delayed_updates_limit, 100);
		assert_int_equal(r->sync_timeout, 15000); /* the lab's; pauses in syncing are told by it */
		assert_false(r->dedicated_listener);
		assert_false(r->has_state_machine);
		assert_int_equal(r->npeers, 2);
		assert_string_equal(r->peer[0].name, "lb-primary");
		assert_string_equal(r->peer[0].url, "http://127.0.0.11:8001/");
		assert_int_equal(r->peer[0].role, HA_ROLE_PRIMARY);
		assert_true(r->peer[0].auto_failover);
		assert_false(r->peer[0].has_basic_auth);
		assert_string_equal(r->peer[1].name, "lb-secondary");
		assert_string_equal(r->peer[1].url, "http://127.0.0.12:8002/");
		assert_int_equal(r->peer[1].role, HA_ROLE_SECONDARY);
		assert_true(r->peer[1].auto_failover);
		dec_free(&d);
	}
}

static void test_config_backup_and_passive(void **state)
{
	struct dec d;
	struct kea_config cfg;
	const struct ha_rel_config *r;

	(void)state;
	dec_load(&d, "config-get.dhcp4.bk-backup");
	config_of(&d, KEA_DHCP4, &cfg);
	assert_int_equal(cfg.nrels, 1);
	r = &cfg.rel[0];
	assert_string_equal(r->this_server_name, "bk-backup");
	assert_int_equal(r->mode, HA_MODE_LOAD_BALANCING);
	assert_int_equal(r->npeers, 3);
	assert_string_equal(r->peer[0].name, "bk-primary");
	assert_string_equal(r->peer[1].name, "bk-secondary");
	assert_string_equal(r->peer[2].name, "bk-backup");
	assert_string_equal(r->peer[2].url, "http://127.0.0.17:8007/");
	assert_int_equal(r->peer[2].role, HA_ROLE_BACKUP);
	assert_false(r->peer[2].auto_failover);
	assert_true(r->peer[0].auto_failover);
	dec_free(&d);

	dec_load(&d, "config-get.dhcp4.pb-primary");
	config_of(&d, KEA_DHCP4, &cfg);
	r = &cfg.rel[0];
	assert_int_equal(r->mode, HA_MODE_PASSIVE_BACKUP);
	assert_string_equal(r->this_server_name, "pb-primary");
	assert_int_equal(r->heartbeat_delay, 10000);
	assert_int_equal(r->max_response_delay, 60000);
	assert_int_equal(r->max_unacked_clients, 10);
	assert_int_equal(r->npeers, 2);
	assert_int_equal(r->peer[1].role, HA_ROLE_BACKUP);
	assert_string_equal(r->peer[1].name, "pb-backup");
	dec_free(&d);

	dec_load(&d, "config-get.dhcp4.hs-standby");
	config_of(&d, KEA_DHCP4, &cfg);
	assert_int_equal(cfg.rel[0].mode, HA_MODE_HOT_STANDBY);
	assert_int_equal(cfg.rel[0].peer[1].role, HA_ROLE_STANDBY);
	dec_free(&d);
}

static void test_config_no_ha_and_auth(void **state)
{
	struct dec d;
	struct kea_config cfg;

	(void)state;
	dec_load(&d, "config-get.dhcp4.plain-a.no-ha");
	config_of(&d, KEA_DHCP4, &cfg);
	assert_false(cfg.has_ha_hook);
	assert_false(cfg.has_lease_cmds_hook);
	assert_string_equal(cfg.ha_library, "");
	assert_int_equal(cfg.nrels, 0);
	dec_free(&d);

	dec_load(&d, "config-get.dhcp4.lb-primary.auth-ok");
	config_of(&d, KEA_DHCP4, &cfg);
	assert_int_equal(cfg.rel[0].npeers, 2);
	assert_true(cfg.rel[0].peer[0].has_basic_auth);
	assert_true(cfg.rel[0].peer[1].has_basic_auth);
	assert_string_equal(cfg.rel[0].peer[0].url, "http://127.0.0.51:8041/");
	dec_free(&d);

	/* HA multi-threading on, but without a dedicated listener. */
	dec_load(&d, "config-get.dhcp4.lb-primary.multi-threading");
	config_of(&d, KEA_DHCP4, &cfg);
	assert_false(cfg.rel[0].dedicated_listener);
	dec_free(&d);
}

static void test_endpoint_info(void **state)
{
	struct dec d;
	struct kea_endpoint_info info;

	(void)state;
	dec_load(&d, "config-get.agent.lb-primary");
	assert_true(decode_endpoint_info(d.a[0].args, &info, d.err, sizeof(d.err)));
	assert_int_equal(info.kind, KEA_ENDPOINT_AGENT);
	assert_true(info.has_service[KEA_DHCP4]);
	assert_true(info.has_service[KEA_DHCP6]);
	dec_free(&d);

	dec_load(&d, "config-get.agent.auth.ok");
	assert_true(decode_endpoint_info(d.a[0].args, &info, d.err, sizeof(d.err)));
	assert_int_equal(info.kind, KEA_ENDPOINT_AGENT);
	assert_true(info.has_service[KEA_DHCP4]);
	assert_false(info.has_service[KEA_DHCP6]);
	dec_free(&d);

	dec_load(&d, "config-get.dhcp4.lb-primary");
	assert_true(decode_endpoint_info(d.a[0].args, &info, d.err, sizeof(d.err)));
	assert_int_equal(info.kind, KEA_ENDPOINT_DAEMON);
	assert_int_equal(info.service, KEA_DHCP4);
	assert_true(info.has_service[KEA_DHCP4]);
	assert_false(info.has_service[KEA_DHCP6]);
	dec_free(&d);

	dec_load(&d, "config-get.dhcp6.lb-primary");
	assert_true(decode_endpoint_info(d.a[0].args, &info, d.err, sizeof(d.err)));
	assert_int_equal(info.kind, KEA_ENDPOINT_DAEMON);
	assert_int_equal(info.service, KEA_DHCP6);
	dec_free(&d);

	/* Kea 3.0: the agent's own configuration, and a daemon answering directly. */
	dec_load3(&d, "config-get.agent-self.ca-primary.normal");
	assert_true(decode_endpoint_info(d.a[0].args, &info, d.err, sizeof(d.err)));
	assert_int_equal(info.kind, KEA_ENDPOINT_AGENT);
	assert_true(info.has_service[KEA_DHCP4]);
	assert_false(info.has_service[KEA_DHCP6]);
	dec_free(&d);

	dec_load3(&d, "config-get.direct.lb-primary.normal");
	assert_true(decode_endpoint_info(d.a[0].args, &info, d.err, sizeof(d.err)));
	assert_int_equal(info.kind, KEA_ENDPOINT_DAEMON);
	assert_int_equal(info.service, KEA_DHCP4);
	dec_free(&d);
}

static void test_config3(void **state)
{
	struct dec d;
	struct kea_config cfg;

	(void)state;
	dec_load3(&d, "config-get.direct.hub.normal");
	config_of(&d, KEA_DHCP4, &cfg);
	assert_string_equal(cfg.hash,
			    "C2DA6EE68320A68F335A5F964D4EEAE97D0A0E5ABA09B9B4AFFCB59C60EC299B");
	assert_int_equal(cfg.nrels, 2);
	assert_string_equal(cfg.rel[0].this_server_name, "hub-1");
	assert_string_equal(cfg.rel[1].this_server_name, "hub-2");
	for (int i = 0; i < 2; i++) {
		assert_int_equal(cfg.rel[i].mode, HA_MODE_HOT_STANDBY);
		assert_true(cfg.rel[i].dedicated_listener);
		assert_int_equal(cfg.rel[i].npeers, 2);
		assert_int_equal(cfg.rel[i].peer[1].role, HA_ROLE_STANDBY);
	}
	assert_string_equal(cfg.rel[0].peer[1].name, "spoke1");
	assert_string_equal(cfg.rel[1].peer[1].name, "spoke2");
	assert_string_equal(cfg.rel[1].peer[0].url, "http://127.0.0.155:8355/");
	dec_free(&d);

	dec_load3(&d, "config-get.direct.lb-primary.normal");
	config_of(&d, KEA_DHCP4, &cfg);
	assert_string_equal(cfg.hash,
			    "3928765433FE23E03ABC5051DCD215A9F6383F97956EC36F9E250522890CDA0E");
	assert_true(cfg.has_ha_hook);
	assert_true(cfg.has_lease_cmds_hook);
	assert_int_equal(cfg.nrels, 1);
	assert_true(cfg.rel[0].dedicated_listener);
	assert_int_equal(cfg.rel[0].heartbeat_delay, 1000);
	assert_string_equal(cfg.rel[0].peer[0].url, "http://127.0.0.151:8251/");
	dec_free(&d);

	/* 2.2-style HA through the agents: HA multi-threading off, no listener. */
	dec_load3(&d, "config-get.agent.ca-primary.normal");
	config_of(&d, KEA_DHCP4, &cfg);
	assert_false(cfg.rel[0].dedicated_listener);
	assert_string_equal(cfg.rel[0].this_server_name, "ca-primary");
	dec_free(&d);
}

static void test_pool_usage(void **state)
{
	struct dec d;
	struct kea_pool_usage pu;

	(void)state;
	dec_load(&d, "statistic-get-all.dhcp4.hs-primary");
	assert_int_equal(d.a[0].result, KEA_RESULT_OK);
	assert_true(decode_pool_usage(d.a[0].args, KEA_DHCP4, &pu));
	assert_true(pu.known);
	/* subnet[3].total-addresses 497, subnet[3].assigned-addresses 49 (latest
	 * sample); cumulative-assigned-addresses is not counted. */
	assert_secs_equal(pu.total, 497.0);
	assert_secs_equal(pu.assigned, 49.0);
	/* No DHCPv6 statistics in a DHCPv4 answer. */
	assert_false(decode_pool_usage(d.a[0].args, KEA_DHCP6, &pu));
	assert_false(pu.known);
	dec_free(&d);
}

static void test_version(void **state)
{
	struct dec d;
	struct kea_answer a;
	char ver[16];

	(void)state;
	dec_load(&d, "version-get.dhcp4.lb-primary");
	assert_true(decode_version(&d.a[0], ver, sizeof(ver)));
	assert_string_equal(ver, "2.2.0");
	dec_free(&d);
	dec_load3(&d, "version-get.direct.lb-primary.normal");
	assert_true(decode_version(&d.a[0], ver, sizeof(ver)));
	assert_string_equal(ver, "3.0.4");
	dec_free(&d);

	memset(&a, 0, sizeof(a));
	snprintf(a.text, sizeof(a.text), "%s", "3.0.4 (tarball)");
	assert_true(decode_version(&a, ver, sizeof(ver)));
	assert_string_equal(ver, "3.0.4");
	assert_true(decode_version(&a, ver, 3));
	assert_string_equal(ver, "3.");
	assert_false(decode_version(&a, ver, 0));
	a.result = KEA_RESULT_ERROR;
	assert_false(decode_version(&a, ver, sizeof(ver)));
	a.result = KEA_RESULT_OK;
	a.text[0] = '\0';
	assert_false(decode_version(&a, ver, sizeof(ver)));
	snprintf(a.text, sizeof(a.text), "%s", " 2.2.0");
	assert_false(decode_version(&a, ver, sizeof(ver)));
}

/* ---- robustness --------------------------------------------------------- */

static void expect_parse_fails(const char *body, size_t len)
{
	char err[DECODE_ERR_LEN] = "";
	cJSON *root = decode_parse(body, len, err, sizeof(err));

	if (root) {
		cJSON_Delete(root);
		fail_msg("decode_parse accepted %.*s", (int)(len > 60 ? 60 : len), body);
	}
	assert_true(err[0] != '\0');
}

/* Parses s, which must be JSON, and returns how many answers came out (-1 = error). */
static int answers_of(const char *s, struct kea_answer *a, int max)
{
	char err[DECODE_ERR_LEN] = "";
	cJSON *root = parse_str(s, err, sizeof(err));
	int n;

	if (!root)
		fail_msg("decode_parse refused %s: %s", s, err);
	n = decode_answers(root, a, max, err, sizeof(err));
	if (n < 0)
		assert_true(err[0] != '\0');
	cJSON_Delete(root);
	return n;
}

static void test_parse_garbage(void **state)
{
	static const char bin[] = { '\0', (char)0xff, (char)0xfe, 'x', '[', '{' };
	struct kea_answer a[4];
	char err[DECODE_ERR_LEN];
	unsigned seed = 12345;
	char buf[64];

	(void)state;
	expect_parse_fails(NULL, 0);
	expect_parse_fails("", 0);
	expect_parse_fails("[]", 0);
	expect_parse_fails(bin, sizeof(bin));
	expect_parse_fails("garbage", 7);
	expect_parse_fails("<html><body>502 Bad Gateway</body></html>", 41);
	expect_parse_fails("\"a string\"", 10);
	expect_parse_fails("42", 2);
	expect_parse_fails("null", 4);
	expect_parse_fails("true", 4);
	/* Data after the value: two bodies glued together, or junk. */
	expect_parse_fails("[{\"result\":0}] xyz", 18);
	expect_parse_fails("[{\"result\":0}][{\"result\":1}]", 28);
	/* Blanks after it are fine, and so is a length that stops before a NUL. */
	assert_int_equal(answers_of("[{\"result\":0}]\r\n  ", a, 4), 1);
	{
		cJSON *root = decode_parse("[{\"result\":3}]GARBAGE", 14, err, sizeof(err));
		assert_non_null(root);
		assert_int_equal(decode_answers(root, a, 4, err, sizeof(err)), 1);
		assert_int_equal(a[0].result, KEA_RESULT_EMPTY);
		cJSON_Delete(root);
	}

	/* Pseudo-random bytes: whatever decode_parse says, nothing crashes. */
	for (int i = 0; i < 2000; i++) {
		size_t len = 1 + (size_t)(i % (int)sizeof(buf));
		cJSON *root;
		for (size_t k = 0; k < len; k++) {
			seed = seed * 1103515245u + 12345u;
			buf[k] = "[]{}\",:0123456789.eE-+truefalsnl \\x"[(seed >> 16) % 36];
		}
		root = decode_parse(buf, len, err, sizeof(err));
		if (root) {
			int n = decode_answers(root, a, 4, err, sizeof(err));
			for (int k = 0; k < n; k++) {
				struct kea_status st;
				struct ha_heartbeat hb;
				(void)decode_status(a[k].args, &st, err, sizeof(err));
				(void)decode_heartbeat(a[k].args, &hb, err, sizeof(err));
			}
			cJSON_Delete(root);
		}
	}
}

static void test_parse_truncated(void **state)
{
	struct fixture *f;
	char err[DECODE_ERR_LEN];

	(void)state;
	f = fixture_load("status-get.dhcp4.lb-primary.normal");
	expect_parse_fails(f->body, f->body_len / 2);
	/* Every proper prefix of a JSON list is incomplete. */
	for (size_t len = 1; len < f->body_len; len++) {
		cJSON *root = decode_parse(f->body, len, err, sizeof(err));
		if (root) {
			cJSON_Delete(root);
			fail_msg("prefix of %zu/%zu bytes accepted", len, f->body_len);
		}
	}
	fixture_free(f);

	f = fixture_load3("config-get.direct.hub.normal");
	expect_parse_fails(f->body, f->body_len / 2);
	expect_parse_fails(f->body, f->body_len - 1);
	fixture_free(f);
}

static void test_answers_shapes(void **state)
{
	struct kea_answer a[4];
	char err[DECODE_ERR_LEN] = "";
	char big[600];
	size_t n;

	(void)state;
	assert_int_equal(answers_of("[]", a, 4), -1);
	assert_int_equal(answers_of("{}", a, 4), -1);
	assert_int_equal(answers_of("[1]", a, 4), -1);
	assert_int_equal(answers_of("[null]", a, 4), -1);
	assert_int_equal(answers_of("[[]]", a, 4), -1);
	assert_int_equal(answers_of("[{\"result\":\"x\"}]", a, 4), -1);
	assert_int_equal(answers_of("[{\"result\":null}]", a, 4), -1);
	assert_int_equal(answers_of("[{\"text\":\"no result\"}]", a, 4), -1);
	/* One bad element spoils the answer. */
	assert_int_equal(answers_of("[{\"result\":0},{\"result\":\"1\"}]", a, 4), -1);
	assert_int_equal(decode_answers(NULL, a, 4, err, sizeof(err)), -1);
	assert_int_equal(decode_answers(NULL, a, 4, NULL, 0), -1);

	/* A map is one answer. */
	assert_int_equal(answers_of("{\"result\": 401, \"text\": \"Unauthorized\"}", a, 4), 1);
	assert_int_equal(a[0].result, 401);
	assert_string_equal(a[0].text, "Unauthorized");
	assert_null(a[0].args);

	/* Wrong types for text and arguments; huge result codes clamp. */
	assert_int_equal(answers_of("[{\"result\":0,\"text\":123,\"arguments\":[1]}]", a, 4), 1);
	assert_string_equal(a[0].text, "");
	assert_non_null(a[0].args);
	assert_int_equal(answers_of("[{\"result\":1e300},{\"result\":-1e300},{\"result\":2.9}]", a,
				    4),
			 3);
	assert_true(a[0].result > 1000);
	assert_true(a[1].result < -1000);
	assert_int_equal(a[2].result, 2);

	/* A text longer than the field is cut and terminated. */
	snprintf(big, sizeof(big), "%s", "[{\"result\":1,\"text\":\"");
	n = strlen(big);
	memset(big + n, 'x', 400);
	snprintf(big + n + 400, sizeof(big) - n - 400, "%s", "\"}]");
	assert_int_equal(answers_of(big, a, 4), 1);
	assert_int_equal(strlen(a[0].text), KEA_TEXT_LEN - 1);

	/* More answers than room. */
	assert_int_equal(answers_of("[{\"result\":0},{\"result\":1},{\"result\":2}]", a, 2), 2);
	assert_int_equal(a[1].result, 1);
}

/* decode_status on a JSON text: its return value, with st filled. */
static bool status_str(const char *args, struct kea_status *st, char *err, size_t errlen)
{
	cJSON *j = cJSON_Parse(args);
	bool ok;

	if (!j)
		fail_msg("test JSON does not parse: %s", args);
	err[0] = '\0';
	ok = decode_status(j, st, err, errlen);
	cJSON_Delete(j);
	if (!ok)
		assert_true(err[0] != '\0');
	return ok;
}

static void test_status_malformed(void **state)
{
	struct kea_status st;
	char err[DECODE_ERR_LEN];
	char big[4096];
	size_t n;

	(void)state;
	assert_false(decode_status(NULL, &st, err, sizeof(err)));
	assert_false(status_str("[]", &st, err, sizeof(err)));
	assert_false(status_str("\"x\"", &st, err, sizeof(err)));

	/* Minimal: nothing at all. */
	assert_true(status_str("{}", &st, err, sizeof(err)));
	assert_int_equal(st.pid, 0);
	assert_int_equal(st.uptime, -1);
	assert_int_equal(st.reload, -1);
	assert_false(st.has_ha);

	/* high-availability not a list */
	assert_false(status_str("{\"pid\":1,\"high-availability\":{\"ha-mode\":\"load-balancing\","
				"\"ha-servers\":{\"local\":{\"role\":\"primary\"}}}}",
				&st, err, sizeof(err)));
	assert_false(status_str("{\"pid\":1,\"high-availability\":\"load-balancing\"}", &st, err,
				sizeof(err)));
	/* null is taken for absent */
	assert_true(status_str("{\"pid\":1,\"high-availability\":null}", &st, err, sizeof(err)));
	assert_false(st.has_ha);
	assert_int_equal(st.nrels, 0);
	/* ha-servers missing, not a map, local missing */
	assert_false(status_str("{\"high-availability\":[{\"ha-mode\":\"load-balancing\"}]}", &st,
				err, sizeof(err)));
	assert_false(status_str("{\"high-availability\":[{\"ha-servers\":[]}]}", &st, err,
				sizeof(err)));
	assert_false(status_str("{\"high-availability\":[{\"ha-servers\":{\"remote\":{}}}]}", &st,
				err, sizeof(err)));
	assert_false(status_str("{\"high-availability\":[1]}", &st, err, sizeof(err)));
	/* An empty list: the hook, no relationship. */
	assert_true(status_str("{\"high-availability\":[]}", &st, err, sizeof(err)));
	assert_true(st.has_ha);
	assert_int_equal(st.nrels, 0);

	/* Wrong types everywhere: defaults, no crash. */
	assert_true(status_str(
		"{\"pid\":\"3041\",\"uptime\":\"x\",\"reload\":true,\"multi-threading-enabled\":\"yes\","
		"\"dhcp-state\":\"off\",\"high-availability\":[{\"ha-mode\":5,\"ha-servers\":{"
		"\"local\":{\"role\":1,\"state\":[],\"scopes\":\"lb-primary\",\"server-name\":7,"
		"\"system-time\":12},"
		"\"remote\":{\"role\":{},\"last-state\":3,\"last-scopes\":{\"a\":\"b\"},\"age\":\"4\","
		"\"in-touch\":\"true\",\"communication-interrupted\":1,\"unacked-clients\":[2],"
		"\"clock-skew\":\"45\",\"system-time\":\"yesterday\"}}}]}",
		&st, err, sizeof(err)));
	assert_int_equal(st.pid, 0);
	assert_int_equal(st.uptime, -1);
	assert_int_equal(st.reload, -1);
	assert_false(st.multi_threading);
	assert_false(st.has_dhcp_state);
	assert_int_equal(st.nrels, 1);
	assert_int_equal(st.rel[0].mode, HA_MODE_UNKNOWN);
	assert_int_equal(st.rel[0].local.role, HA_ROLE_UNKNOWN);
	assert_int_equal(st.rel[0].local.state, HA_STATE_UNKNOWN);
	assert_int_equal(st.rel[0].local.scopes.n, 0);
	assert_string_equal(st.rel[0].local.server_name, "");
	assert_false(st.rel[0].local.has_system_time);
	assert_true(st.rel[0].remote.present);
	assert_int_equal(st.rel[0].remote.role, HA_ROLE_UNKNOWN);
	assert_int_equal(st.rel[0].remote.last_state, HA_STATE_UNKNOWN);
	assert_true(st.rel[0].remote.never_in_touch);
	assert_int_equal(st.rel[0].remote.last_scopes.n, 0);
	assert_int_equal(st.rel[0].remote.age, 0);
	assert_false(st.rel[0].remote.in_touch);
	assert_false(st.rel[0].remote.communication_interrupted);
	assert_int_equal(st.rel[0].remote.unacked_clients, 0);
	assert_false(st.rel[0].remote.has_clock_skew);
	assert_false(st.rel[0].remote.has_system_time);

	/* Unknown words, remote not a map, scopes with non-strings. */
	assert_true(status_str("{\"high-availability\":[{\"ha-mode\":\"round-robin\",\"ha-servers\":{"
			       "\"local\":{\"role\":\"leader\",\"state\":\"dancing\","
			       "\"scopes\":[1,\"a\",null,\"b\"]},\"remote\":\"gone\"}}]}",
			       &st, err, sizeof(err)));
	assert_int_equal(st.rel[0].mode, HA_MODE_UNKNOWN);
	assert_int_equal(st.rel[0].local.role, HA_ROLE_UNKNOWN);
	assert_int_equal(st.rel[0].local.state, HA_STATE_UNKNOWN);
	assert_int_equal(st.rel[0].local.scopes.n, 2);
	assert_string_equal(st.rel[0].local.scopes.name[1], "b");
	assert_false(st.rel[0].remote.present);

	/* Out-of-range numbers clamp instead of overflowing. */
	assert_true(status_str("{\"pid\":1e300,\"uptime\":-1e300,\"reload\":3.7,"
			       "\"high-availability\":[{\"ha-servers\":{\"local\":{},\"remote\":{"
			       "\"age\":1e30,\"clock-skew\":-1e30}}}]}",
			       &st, err, sizeof(err)));
	assert_true(st.pid > 0);
	assert_true(st.uptime < 0);
	assert_int_equal(st.reload, 3);
	assert_true(st.rel[0].remote.age > 0);
	assert_true(st.rel[0].remote.has_clock_skew);
	assert_true(st.rel[0].remote.clock_skew < 0);

	/* dhcp-state with odd types: present, nothing identifiable. */
	assert_true(status_str("{\"dhcp-state\":{\"globally-disabled\":\"yes\","
			       "\"disabled-by-user\":[],\"disabled-by-local-command\":{}}}",
			       &st, err, sizeof(err)));
	assert_true(st.has_dhcp_state);
	assert_false(st.dhcp_disabled);
	assert_string_equal(st.dhcp_disabled_by, "");
	assert_true(status_str("{\"dhcp-state\":{\"globally-disabled\":true,"
			       "\"disabled-by-user\":true}}",
			       &st, err, sizeof(err)));
	assert_string_equal(st.dhcp_disabled_by, "user");
	assert_true(status_str("{\"dhcp-state\":{\"globally-disabled\":true,"
			       "\"disabled-by-remote-command\":[1000]}}",
			       &st, err, sizeof(err)));
	assert_string_equal(st.dhcp_disabled_by, "partner");

	/* More relationships and scopes than the records hold; names too long. */
	n = (size_t)snprintf(big, sizeof(big), "{\"high-availability\":[");
	for (int i = 0; i < HA_MAX_RELS + 3; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n,
				      "%s{\"ha-mode\":\"hot-standby\",\"ha-servers\":{\"local\":{"
				      "\"state\":\"hot-standby\",\"scopes\":[\"a\",\"b\",\"c\",\"d\","
				      "\"e\",\"f\",\"g\",\"h\",\"i\",\"j\"]}}}",
				      i ? "," : "");
	snprintf(big + n, sizeof(big) - n, "]}");
	assert_true(status_str(big, &st, err, sizeof(err)));
	assert_int_equal(st.nrels, HA_MAX_RELS);
	assert_int_equal(st.rel[HA_MAX_RELS - 1].local.scopes.n, HA_MAX_SCOPES);
	assert_string_equal(st.rel[HA_MAX_RELS - 1].local.scopes.name[HA_MAX_SCOPES - 1], "d");

	n = (size_t)snprintf(big, sizeof(big), "{\"high-availability\":[{\"ha-servers\":{\"local\":{"
					      "\"server-name\":\"");
	memset(big + n, 'n', 300);
	n += 300;
	snprintf(big + n, sizeof(big) - n, "\"}}}]}");
	assert_true(status_str(big, &st, err, sizeof(err)));
	assert_int_equal(strlen(st.rel[0].local.server_name), KEA_NAME_LEN - 1);

	/* No err buffer at all. */
	assert_false(decode_status(NULL, &st, NULL, 0));
}

static cJSON *json(const char *s)
{
	cJSON *j = cJSON_Parse(s);

	if (!j)
		fail_msg("test JSON does not parse: %s", s);
	return j;
}

/* stat_cmds counts in the lease database: what the backup really holds after ha-sync. */
static void test_lease_stats(void **state)
{
	struct kea_pool_usage pu;
	struct dec d;
	cJSON *j;

	(void)state;
	dec_load(&d, "stat-lease4-get.dhcp4.hs-primary");
	assert_true(decode_lease_stats(d.a[0].args, KEA_DHCP4, &pu));
	assert_true(pu.known);
	assert_secs_equal(pu.total, 497.0);
	assert_secs_equal(pu.assigned, 49.0);
	assert_false(decode_lease_stats(d.a[0].args, KEA_DHCP6, &pu));
	dec_free(&d);
	dec_load(&d, "stat-lease6-get.dhcp6.lb-primary");
	assert_true(decode_lease_stats(d.a[0].args, KEA_DHCP6, &pu));
	assert_secs_equal(pu.total, 131072.0);
	assert_secs_equal(pu.assigned, 22.0);
	dec_free(&d);
	/* Rows summed; a row of the wrong shape makes the whole answer unusable. */
	j = json("{\"result-set\":{\"columns\":[\"subnet-id\",\"total-addresses\",\"assigned-addresses\"],"
		 "\"rows\":[[1,100,7],[2,50,3]]}}");
	assert_true(decode_lease_stats(j, KEA_DHCP4, &pu));
	assert_secs_equal(pu.total, 150.0);
	assert_secs_equal(pu.assigned, 10.0);
	cJSON_Delete(j);
	j = json("{\"result-set\":{\"columns\":[\"total-addresses\",\"assigned-addresses\"],"
		 "\"rows\":[[100,\"x\"]]}}");
	assert_false(decode_lease_stats(j, KEA_DHCP4, &pu));
	assert_false(pu.known);
	cJSON_Delete(j);
	assert_false(decode_lease_stats(NULL, KEA_DHCP4, &pu));
}


static void test_heartbeat_malformed(void **state)
{
	struct ha_heartbeat hb;
	char err[DECODE_ERR_LEN];
	cJSON *j;

	(void)state;
	assert_false(decode_heartbeat(NULL, &hb, err, sizeof(err)));
	j = json("{}");
	assert_false(decode_heartbeat(j, &hb, err, sizeof(err)));
	cJSON_Delete(j);
	j = json("{\"state\":5}");
	assert_false(decode_heartbeat(j, &hb, err, sizeof(err)));
	cJSON_Delete(j);
	j = json("[\"state\"]");
	assert_false(decode_heartbeat(j, &hb, err, sizeof(err)));
	cJSON_Delete(j);
	j = json("{\"state\":\"bogus\",\"date-time\":\"yesterday\",\"scopes\":\"x\","
		 "\"unsent-update-count\":\"29\"}");
	assert_true(decode_heartbeat(j, &hb, err, sizeof(err)));
	assert_int_equal(hb.state, HA_STATE_UNKNOWN);
	assert_false(hb.has_date_time);
	assert_int_equal(hb.scopes.n, 0);
	assert_int_equal(hb.unsent_update_count, 0);
	cJSON_Delete(j);
	j = json("{\"state\":\"waiting\",\"date-time\":\"2026-11-23 11:17:11\"}");
	assert_true(decode_heartbeat(j, &hb, err, sizeof(err)));
	assert_int_equal(hb.state, HA_STATE_WAITING);
	assert_false(hb.has_date_time); /* system-time format is not an HTTP date */
	cJSON_Delete(j);
}

static bool config_str(const char *args, enum kea_service svc, struct kea_config *cfg)
{
	char err[DECODE_ERR_LEN] = "";
	cJSON *j = json(args);
	bool ok = decode_config(j, svc, cfg, err, sizeof(err));

	cJSON_Delete(j);
	if (!ok)
		assert_true(err[0] != '\0');
	return ok;
}

#define HA_LIB "/usr/lib/kea/hooks/libdhcp_ha.so"
#define LEASE_LIB "/usr/lib/kea/hooks/libdhcp_lease_cmds.so"

static void test_config_malformed(void **state)
{
	struct kea_config cfg;
	char err[DECODE_ERR_LEN];
	char big[4096];
	size_t n;

	(void)state;
	assert_false(decode_config(NULL, KEA_DHCP4, &cfg, err, sizeof(err)));
	assert_false(config_str("{}", KEA_DHCP4, &cfg));
	assert_false(config_str("{\"Dhcp4\":[]}", KEA_DHCP4, &cfg));
	assert_false(config_str("{\"Dhcp4\":{}}", KEA_DHCP6, &cfg));
	assert_true(config_str("{\"Dhcp4\":{}}", KEA_DHCP4, &cfg));
	assert_false(cfg.has_ha_hook);
	assert_true(config_str("{\"Dhcp4\":{\"hooks-libraries\":{\"library\":\"" HA_LIB "\"}}}",
			       KEA_DHCP4, &cfg));
	assert_false(cfg.has_ha_hook);
	assert_true(config_str("{\"Dhcp4\":{\"hooks-libraries\":[1,\"x\",{\"library\":7}]}}",
			       KEA_DHCP4, &cfg));
	assert_false(cfg.has_ha_hook);

	/* The HA hook without its list, or with a broken one. */
	assert_false(config_str("{\"Dhcp4\":{\"hooks-libraries\":[{\"library\":\"" HA_LIB "\"}]}}",
				KEA_DHCP4, &cfg));
	assert_false(config_str("{\"Dhcp4\":{\"hooks-libraries\":[{\"library\":\"" HA_LIB "\","
				"\"parameters\":{\"high-availability\":{}}}]}}",
				KEA_DHCP4, &cfg));
	assert_false(config_str("{\"Dhcp4\":{\"hooks-libraries\":[{\"library\":\"" HA_LIB "\","
				"\"parameters\":{\"high-availability\":[1]}}]}}",
				KEA_DHCP4, &cfg));

	/* A library whose name merely starts like the HA hook's is another hook. */
	assert_true(config_str("{\"Dhcp4\":{\"hooks-libraries\":[{\"library\":"
			       "\"/usr/lib/kea/hooks/libdhcp_ha_monitor.so\"}]}}",
			       KEA_DHCP4, &cfg));
	assert_false(cfg.has_ha_hook);
	/* A bare library name (Kea 3.0 accepts those). */
	assert_true(config_str("{\"Dhcp4\":{\"hooks-libraries\":[{\"library\":\"libdhcp_ha.so\","
			       "\"parameters\":{\"high-availability\":[{\"mode\":\"hot-standby\"}]}},"
			       "{\"library\":\"libdhcp_lease_cmds.so\"}]}}",
			       KEA_DHCP4, &cfg));
	assert_true(cfg.has_ha_hook);
	/* lease_cmds listed after the HA hook is still found. */
	assert_true(cfg.has_lease_cmds_hook);
	assert_int_equal(cfg.nrels, 1);
	/* Kea's defaults where the configuration is silent. */
	assert_int_equal(cfg.rel[0].mode, HA_MODE_HOT_STANDBY);
	assert_int_equal(cfg.rel[0].heartbeat_delay, 10000);
	assert_int_equal(cfg.rel[0].max_response_delay, 60000);
	assert_int_equal(cfg.rel[0].max_ack_delay, 10000);
	assert_int_equal(cfg.rel[0].max_unacked_clients, 10);
	assert_int_equal(cfg.rel[0].npeers, 0);

	/* Wrong types in a relationship and its peers. */
	assert_true(config_str("{\"Dhcp4\":{\"hooks-libraries\":[{\"library\":\"" HA_LIB "\","
			       "\"parameters\":{\"high-availability\":[{\"mode\":1,"
			       "\"this-server-name\":[],\"heartbeat-delay\":\"1000\","
			       "\"multi-threading\":\"on\",\"state-machine\":{},"
			       "\"user-context\":{\"keaha\":{\"name\":\"dc1-pair\"}},"
			       "\"peers\":[1,{\"name\":2,\"url\":null,\"role\":\"boss\","
			       "\"auto-failover\":\"no\",\"basic-auth-user\":5}]}]}}]}}",
			       KEA_DHCP4, &cfg));
	assert_int_equal(cfg.rel[0].mode, HA_MODE_UNKNOWN);
	assert_string_equal(cfg.rel[0].this_server_name, "");
	assert_string_equal(cfg.rel[0].keaha_name, "dc1-pair");
	assert_int_equal(cfg.rel[0].heartbeat_delay, 10000);
	assert_false(cfg.rel[0].dedicated_listener);
	assert_true(cfg.rel[0].has_state_machine);
	assert_int_equal(cfg.rel[0].pause_states, 0);
	assert_int_equal(cfg.rel[0].npeers, 2);
	assert_string_equal(cfg.rel[0].peer[1].name, "");
	assert_string_equal(cfg.rel[0].peer[1].url, "");
	assert_int_equal(cfg.rel[0].peer[1].role, HA_ROLE_UNKNOWN);
	assert_true(cfg.rel[0].peer[1].auto_failover);
	assert_false(cfg.rel[0].peer[1].has_basic_auth);
	/* peers as a map is not a list of peers */
	assert_true(config_str("{\"Dhcp4\":{\"hooks-libraries\":[{\"library\":\"" HA_LIB "\","
			       "\"parameters\":{\"high-availability\":[{\"peers\":"
			       "{\"a\":{\"name\":\"a\"}}}]}}]}}",
			       KEA_DHCP4, &cfg));
	assert_int_equal(cfg.rel[0].npeers, 0);

	/* The states a state-machine section pauses in: "always" and "once", not "never". */
	assert_true(config_str("{\"Dhcp4\":{\"hooks-libraries\":[{\"library\":\"" HA_LIB "\","
			       "\"parameters\":{\"high-availability\":[{\"state-machine\":{\"states\":["
			       "{\"state\":\"waiting\",\"pause\":\"always\"},"
			       "{\"state\":\"ready\",\"pause\":\"once\"},"
			       "{\"state\":\"syncing\",\"pause\":\"never\"},"
			       "{\"state\":\"nosuch\",\"pause\":\"always\"},{\"pause\":\"always\"}]}}]}}]}}",
			       KEA_DHCP4, &cfg));
	assert_int_equal(cfg.rel[0].pause_states, (1u << HA_STATE_WAITING) | (1u << HA_STATE_READY));

	/* HA multi-threading needs the server's: with DHCP single-threaded Kea
	 * turns it off, and the dedicated listener with it. */
	assert_true(config_str("{\"Dhcp4\":{\"multi-threading\":{\"enable-multi-threading\":false},"
			       "\"hooks-libraries\":[{\"library\":\"" HA_LIB "\",\"parameters\":{"
			       "\"high-availability\":[{\"multi-threading\":{"
			       "\"enable-multi-threading\":true,\"http-dedicated-listener\":true}}]}}]}}",
			       KEA_DHCP4, &cfg));
	assert_false(cfg.rel[0].dedicated_listener);
	assert_true(config_str("{\"Dhcp6\":{\"multi-threading\":{\"enable-multi-threading\":true},"
			       "\"config-control\":{},\"server-tag\":\"dc1\","
			       "\"hooks-libraries\":[{\"library\":\"" HA_LIB "\",\"parameters\":{"
			       "\"high-availability\":[{\"multi-threading\":{"
			       "\"enable-multi-threading\":true,\"http-dedicated-listener\":true}}]}}]},"
			       "\"hash\":\"ABC\"}",
			       KEA_DHCP6, &cfg));
	assert_true(cfg.rel[0].dedicated_listener);
	assert_true(cfg.has_config_control);
	assert_string_equal(cfg.server_tag, "dc1");
	assert_string_equal(cfg.hash, "ABC");
	assert_int_equal(cfg.service, KEA_DHCP6);

	/* More relationships and peers than the records hold. */
	n = (size_t)snprintf(big, sizeof(big), "{\"Dhcp4\":{\"hooks-libraries\":[{\"library\":\""
					      HA_LIB "\",\"parameters\":{\"high-availability\":[");
	for (int i = 0; i < HA_MAX_RELS + 2; i++) {
		n += (size_t)snprintf(big + n, sizeof(big) - n, "%s{\"peers\":[", i ? "," : "");
		for (int p = 0; p < HA_MAX_PEERS + 2; p++)
			n += (size_t)snprintf(big + n, sizeof(big) - n, "%s{\"name\":\"p%d\"}",
					      p ? "," : "", p);
		n += (size_t)snprintf(big + n, sizeof(big) - n, "]}");
	}
	snprintf(big + n, sizeof(big) - n, "]}}]}}");
	assert_true(config_str(big, KEA_DHCP4, &cfg));
	assert_int_equal(cfg.nrels, HA_MAX_RELS);
	assert_int_equal(cfg.rel[HA_MAX_RELS - 1].npeers, HA_MAX_PEERS);
	assert_string_equal(cfg.rel[HA_MAX_RELS - 1].peer[HA_MAX_PEERS - 1].name, "p7");
}

static void test_endpoint_malformed(void **state)
{
	struct kea_endpoint_info info;
	char err[DECODE_ERR_LEN];
	cJSON *j;

	(void)state;
	assert_false(decode_endpoint_info(NULL, &info, err, sizeof(err)));
	assert_int_equal(info.kind, KEA_ENDPOINT_UNKNOWN);
	j = json("{\"D2\":{}}");
	assert_false(decode_endpoint_info(j, &info, err, sizeof(err)));
	cJSON_Delete(j);
	j = json("[{\"Dhcp4\":{}}]");
	assert_false(decode_endpoint_info(j, &info, err, sizeof(err)));
	cJSON_Delete(j);
	j = json("{\"Control-agent\":{}}");
	assert_true(decode_endpoint_info(j, &info, err, sizeof(err)));
	assert_int_equal(info.kind, KEA_ENDPOINT_AGENT);
	assert_false(info.has_service[KEA_DHCP4]);
	assert_false(info.has_service[KEA_DHCP6]);
	cJSON_Delete(j);
	j = json("{\"Control-agent\":{\"control-sockets\":{\"dhcp6\":{},\"d2\":{}}}}");
	assert_true(decode_endpoint_info(j, &info, err, sizeof(err)));
	assert_false(info.has_service[KEA_DHCP4]);
	assert_true(info.has_service[KEA_DHCP6]);
	cJSON_Delete(j);
	j = json("{\"Dhcp6\":{}}");
	assert_true(decode_endpoint_info(j, &info, err, sizeof(err)));
	assert_int_equal(info.kind, KEA_ENDPOINT_DAEMON);
	assert_int_equal(info.service, KEA_DHCP6);
	cJSON_Delete(j);
}

static void test_pool_usage_malformed(void **state)
{
	struct kea_pool_usage pu;
	cJSON *j;

	(void)state;
	assert_false(decode_pool_usage(NULL, KEA_DHCP4, &pu));
	assert_false(pu.known);
	j = json("[]");
	assert_false(decode_pool_usage(j, KEA_DHCP4, &pu));
	cJSON_Delete(j);
	j = json("{}");
	assert_false(decode_pool_usage(j, KEA_DHCP4, &pu));
	cJSON_Delete(j);
	/* Samples of the wrong shape are skipped; only total without assigned: unknown. */
	j = json("{\"subnet[1].total-addresses\":\"x\",\"subnet[2].total-addresses\":[],"
		 "\"subnet[3].total-addresses\":[[\"10\",\"t\"]],"
		 "\"subnet[4].total-addresses\":[[10,\"t\"]]}");
	assert_false(decode_pool_usage(j, KEA_DHCP4, &pu));
	cJSON_Delete(j);
	/* DHCPv6: subnet-level NA counters summed, pool-level, cumulative and
	 * global ones left out. */
	j = json("{\"subnet[1].total-nas\":[[1000,\"t\"],[1,\"t\"]],"
		 "\"subnet[1].assigned-nas\":[[10,\"t\"]],"
		 "\"subnet[2].total-nas\":[[24,\"t\"]],\"subnet[2].assigned-nas\":[[2,\"t\"]],"
		 "\"subnet[1].pool[0].total-nas\":[[99,\"t\"]],"
		 "\"subnet[1].cumulative-assigned-nas\":[[77,\"t\"]],"
		 "\"total-nas\":[[5,\"t\"]],\"x.total-nas\":[[5,\"t\"]],"
		 "\"subnet[9].total-addresses\":[[50,\"t\"]]}");
	assert_true(decode_pool_usage(j, KEA_DHCP6, &pu));
	assert_true(pu.known);
	assert_secs_equal(pu.total, 1024.0);
	assert_secs_equal(pu.assigned, 12.0);
	assert_false(decode_pool_usage(j, KEA_DHCP4, &pu));
	cJSON_Delete(j);
}

/* ---- dates -------------------------------------------------------------- */

/* config-hash-get on the real 3.0 server: the very hash its config-get carries. */
static void test_config_hash3(void **state)
{
	struct dec d;
	struct kea_config cfg;
	char hash[72], err[DECODE_ERR_LEN];
	cJSON *j;

	(void)state;
	dec_load3(&d, "config-hash-get.direct.lb-primary.normal");
	assert_int_equal(d.n, 1);
	assert_int_equal(d.a[0].result, KEA_RESULT_OK);
	assert_true(decode_config_hash(d.a[0].args, hash, sizeof(hash), err, sizeof(err)));
	dec_free(&d);
	dec_load3(&d, "config-get.direct.lb-primary.normal");
	config_of(&d, KEA_DHCP4, &cfg);
	assert_string_equal(hash, cfg.hash);
	assert_int_equal(strlen(hash), 64);
	dec_free(&d);
	/* The secondary's configuration (its own local parts) has another hash. */
	dec_load3(&d, "config-get.direct.lb-secondary.normal");
	config_of(&d, KEA_DHCP4, &cfg);
	assert_string_not_equal(hash, cfg.hash);
	dec_free(&d);

	/* Nothing usable: no hash, not a string, empty, not hex, too long for the buffer. */
	static const char *const bad[] = { "{}", "{\"hash\":7}", "{\"hash\":\"\"}",
					   "{\"hash\":\"12 4\"}", "{\"hash\":\"0123456789\"}" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char small[8];
		j = json(bad[i]);
		err[0] = '\0';
		assert_false(decode_config_hash(j, small, sizeof(small), err, sizeof(err)));
		assert_string_equal(small, "");
		assert_non_null(strstr(err, "hash"));
		cJSON_Delete(j);
	}
	assert_false(decode_config_hash(NULL, hash, sizeof(hash), err, sizeof(err)));
}

static void test_http_date(void **state)
{
	static const char *const bad[] = {
		"",
		"garbage",
		"Mon, 23 Nox 2026 11:07:30 GMT",   /* no such month */
		"Mon, 23 nov 2026 11:07:30 GMT",   /* case matters */
		"Mon, 23 NOV 2026 11:07:30 GMT",
		"Mon, 23 ovN 2026 11:07:30 GMT",
		"Mon, 23 anF 2026 11:07:30 GMT",   /* inside "JanFeb" but not a month */
		"Mon, 23 11 2026 11:07:30 GMT",
		"Mon, 23 Novem 2026 11:07:30 GMT",
		"Mon, 23 Nov 2026 11:07:30",       /* no GMT */
		"Mon, 23 Nov 2026 11:07:30 UTC",
		"Mon, 23 Nov 2026 11:07:30 GMT+1",
		"Mon, 23 Nov 2026 11:07:30 gmt",
		"Mon, 23 Nov 2026 11:07:30 GMTX",
		"Mon, 23 Nov 2026 11:07:30 GMT x",
		"Mon, 23 Nov 2026  11:07:30 GMT",
		"Mon,  23 Nov 2026 11:07:30 GMT",
		"Mon 23 Nov 2026 11:07:30 GMT",    /* no comma */
		"Xyz, 23 Nov 2026 11:07:30 GMT",   /* no such day */
		"Mon, 32 Nov 2026 11:07:30 GMT",
		"Mon, 31 Nov 2026 11:07:30 GMT",   /* November has 30 days */
		"Sun, 29 Feb 2026 00:00:00 GMT",   /* 2026 is no leap year */
		"Mon, 00 Nov 2026 11:07:30 GMT",
		"Mon, -1 Nov 2026 11:07:30 GMT",
		"Mon, +3 Nov 2026 11:07:30 GMT",
		"Mon, 23 Nov 2026 24:00:00 GMT",
		"Mon, 23 Nov 2026 11:60:00 GMT",
		"Mon, 23 Nov 2026 11:07:61 GMT",
		"Mon, 23 Nov 2026 11:7:30 GMT",
		"Wed, 31 Dec 1969 23:59:59 GMT",   /* before the epoch */
		"Monday, 23-Nov-26 11:07:30 GMT",  /* RFC 850 */
		"Mon Nov 23 11:07:30 2026",        /* asctime */
		"2026-11-23 11:07:30",
	};
	double t = -1;

	(void)state;
	assert_true(decode_http_date("Mon, 23 Nov 2026 11:07:30 GMT", &t));
	assert_secs_equal(t, utc(2026, 11, 23, 11, 7, 30));
	assert_true(decode_http_date("Mon, 23 Nov 2026 06:37:40 GMT", &t));
	assert_secs_equal(t, utc(2026, 11, 23, 6, 37, 40));
	/* Blanks around a header value are allowed, as HTTP does. */
	assert_true(decode_http_date(" \tMon, 23 Nov 2026 11:07:30 GMT \r\n", &t));
	assert_secs_equal(t, utc(2026, 11, 23, 11, 7, 30));
	assert_true(decode_http_date("Thu, 01 Jan 1970 00:00:00 GMT", &t));
	assert_secs_equal(t, 0.0);
	assert_true(decode_http_date("Sun, 06 Nov 1994 08:49:37 GMT", &t)); /* RFC 7231's */
	assert_secs_equal(t, 784111777.0);
	assert_true(decode_http_date("Tue, 29 Feb 2028 23:59:59 GMT", &t));
	assert_secs_equal(t, utc(2028, 2, 29, 23, 59, 59));
	assert_true(decode_http_date("Fri, 31 Dec 2100 12:00:00 GMT", &t));
	assert_secs_equal(t, utc(2100, 12, 31, 12, 0, 0));
	for (int m = 1; m <= 12; m++) {
		static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
						   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
		char s[40];
		snprintf(s, sizeof(s), "Mon, 28 %s 2026 01:02:03 GMT", mon[m - 1]);
		assert_true(decode_http_date(s, &t));
		assert_secs_equal(t, utc(2026, m, 28, 1, 2, 3));
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (decode_http_date(bad[i], &t))
			fail_msg("decode_http_date accepted \"%s\"", bad[i]);
	assert_false(decode_http_date(NULL, &t));
}

static void test_system_time(void **state)
{
	static const char *const bad[] = {
		"",
		"garbage",
		"2026-11-23T11:17:11",
		"2026-11-23 11:17:11Z",
		"2026-11-23 11:17:11.5",
		"2026-11-23 11:17:11 ",
		" 2026-11-23 11:17:11",
		"2026-11-23 11:17",
		"2026-11-23",
		"2026-13-01 00:00:00",
		"2026-00-10 00:00:00",
		"2026-02-30 00:00:00",
		"2026-02-29 00:00:00",
		"2026-04-31 00:00:00",
		"2026-11-23 25:00:00",
		"2026-11-23 11:61:00",
		"2026-1-23 11:17:11",
		"2026-11--3 11:17:11",
		"1969-12-31 23:59:59",
		"Mon, 23 Nov 2026 11:17:11 GMT",
	};
	double t = -1;

	(void)state;
	assert_true(decode_system_time("2026-11-23 11:17:11", &t));
	assert_secs_equal(t, utc(2026, 11, 23, 11, 17, 11));
	assert_true(decode_system_time("1970-01-01 00:00:00", &t));
	assert_secs_equal(t, 0.0);
	assert_true(decode_system_time("2028-02-29 12:00:00", &t));
	assert_secs_equal(t, utc(2028, 2, 29, 12, 0, 0));
	assert_true(decode_system_time("2000-02-29 00:00:00", &t)); /* 400-year leap */
	assert_secs_equal(t, utc(2000, 2, 29, 0, 0, 0));
	assert_true(decode_system_time("2026-12-31 23:59:59", &t));
	assert_secs_equal(t, utc(2026, 12, 31, 23, 59, 59));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (decode_system_time(bad[i], &t))
			fail_msg("decode_system_time accepted \"%s\"", bad[i]);
	assert_false(decode_system_time("2100-02-29 00:00:00", &t));
	assert_false(decode_system_time(NULL, &t));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_helper),
		cmocka_unit_test(test_fixture_list),
		cmocka_unit_test(test_sweep_kea22),
		cmocka_unit_test(test_sweep_kea30),
		cmocka_unit_test(test_status_lb_primary_normal),
		cmocka_unit_test(test_status_lb_secondary_partner_down),
		cmocka_unit_test(test_status_backup_no_remote),
		cmocka_unit_test(test_status_passive_backup),
		cmocka_unit_test(test_status_no_ha),
		cmocka_unit_test(test_status_two_services_one_not_configured),
		cmocka_unit_test(test_forwarding_errors),
		cmocka_unit_test(test_http_errors),
		cmocka_unit_test(test_status_never_in_touch),
		cmocka_unit_test(test_status_unacked_clients),
		cmocka_unit_test(test_status3_lb_primary_normal),
		cmocka_unit_test(test_status3_hub),
		cmocka_unit_test(test_status3_clock_skew),
		cmocka_unit_test(test_heartbeat),
		cmocka_unit_test(test_config_lb_primary),
		cmocka_unit_test(test_config_backup_and_passive),
		cmocka_unit_test(test_config_no_ha_and_auth),
		cmocka_unit_test(test_endpoint_info),
		cmocka_unit_test(test_config3),
		cmocka_unit_test(test_pool_usage),
		cmocka_unit_test(test_lease_stats),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_parse_garbage),
		cmocka_unit_test(test_parse_truncated),
		cmocka_unit_test(test_answers_shapes),
		cmocka_unit_test(test_status_malformed),
		cmocka_unit_test(test_heartbeat_malformed),
		cmocka_unit_test(test_config_malformed),
		cmocka_unit_test(test_endpoint_malformed),
		cmocka_unit_test(test_pool_usage_malformed),
		cmocka_unit_test(test_config_hash3),
		cmocka_unit_test(test_http_date),
		cmocka_unit_test(test_system_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
