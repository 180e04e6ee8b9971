/*
 * Decode Kea answers. Every field is read through the small typed getters at
 * the top, which accept absence (older Kea, other modes) and reject wrong
 * types, so a malformed answer becomes an error message and never a crash.
 */
#include "decode.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static void set_err(char *err, size_t errlen, const char *msg)
{
	if (err && errlen)
		strlcpy_(err, msg, errlen);
}

static const cJSON *get(const cJSON *obj, const char *key)
{
	return cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
}

/* A JSON number as a long: converting an out-of-range double (1e300, inf)
 * is undefined behaviour, so such values are clamped. */
static long num_long(double d)
{
	if (d != d)
		return 0;
	if (d >= 9.2e18)
		return 9200000000000000000L;
	if (d <= -9.2e18)
		return -9200000000000000000L;
	return (long)d;
}

static int num_int(double d)
{
	long v = num_long(d);

	return v > 1000000 ? 1000000 : v < -1000000 ? -1000000 : (int)v;
}

static long get_long(const cJSON *obj, const char *key, long dflt)
{
	const cJSON *v = get(obj, key);

	return cJSON_IsNumber(v) ? num_long(v->valuedouble) : dflt;
}

static bool get_bool(const cJSON *obj, const char *key, bool dflt)
{
	const cJSON *v = get(obj, key);

	return cJSON_IsBool(v) ? cJSON_IsTrue(v) : dflt;
}

static const char *get_str(const cJSON *obj, const char *key)
{
	const cJSON *v = get(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The list under key, or NULL: cJSON_ArrayForEach would also walk a map. */
static const cJSON *get_list(const cJSON *obj, const char *key)
{
	const cJSON *v = get(obj, key);

	return cJSON_IsArray(v) ? v : NULL;
}

static void copy_str(char *dst, size_t size, const cJSON *obj, const char *key)
{
	const char *s = get_str(obj, key);

	strlcpy_(dst, s ? s : "", size);
}

static void decode_scopes(const cJSON *arr, struct ha_scopes *out)
{
	const cJSON *it;

	out->n = 0;
	if (!cJSON_IsArray(arr))
		return;
	cJSON_ArrayForEach(it, arr) {
		if (out->n >= HA_MAX_SCOPES)
			break;
		if (cJSON_IsString(it))
			strlcpy_(out->name[out->n++], it->valuestring, KEA_NAME_LEN);
	}
}

cJSON *decode_parse(const char *body, size_t len, char *err, size_t errlen)
{
	const char *end = NULL;
	cJSON *root;

	if (!body || len == 0) {
		set_err(err, errlen, "empty reply");
		return NULL;
	}
	root = cJSON_ParseWithLengthOpts(body, len, &end, false);
	if (!root) {
		set_err(err, errlen, "reply is not JSON");
		return NULL;
	}
	/* cJSON stops after the first value: anything but blanks after it means
	 * two bodies run together or a broken one. */
	while (end && end < body + len && isspace((unsigned char)*end))
		end++;
	if (end && end < body + len && *end != '\0') {
		cJSON_Delete(root);
		set_err(err, errlen, "reply has data after the JSON value");
		return NULL;
	}
	if (cJSON_IsObject(root)) {
		cJSON *list = cJSON_CreateArray();
		cJSON_AddItemToArray(list, root);
		root = list;
	}
	if (!cJSON_IsArray(root)) {
		cJSON_Delete(root);
		set_err(err, errlen, "reply is neither a list nor a map");
		return NULL;
	}
	return root;
}

int decode_answers(const cJSON *root, struct kea_answer *out, int max, char *err, size_t errlen)
{
	const cJSON *it;
	int n = 0;

	if (!cJSON_IsArray(root)) {
		set_err(err, errlen, "reply is not a list");
		return -1;
	}
	cJSON_ArrayForEach(it, root) {
		const cJSON *result = get(it, "result");
		if (n >= max)
			break;
		if (!cJSON_IsNumber(result)) {
			set_err(err, errlen, "answer has no numeric 'result'");
			return -1;
		}
		out[n].result = num_int(result->valuedouble);
		copy_str(out[n].text, sizeof(out[n].text), it, "text");
		out[n].args = get(it, "arguments");
		n++;
	}
	if (n == 0)
		set_err(err, errlen, "reply is an empty list");
	return n == 0 ? -1 : n;
}

enum kea_forward_error decode_forward_error(const char *text)
{
	if (!text)
		return KEA_FWD_NONE;
	if (strstr(text, "forwarding socket is not configured"))
		return KEA_FWD_NOT_CONFIGURED;
	if (!strstr(text, "unable to forward command"))
		return KEA_FWD_NONE;
	if (strstr(text, "No such file or directory") || strstr(text, "Connection refused"))
		return KEA_FWD_NOT_RUNNING;
	if (strstr(text, "End of file"))
		return KEA_FWD_HANDLER_FAILED;
	if (strstr(text, "Operation canceled") || strstr(text, "timed out"))
		return KEA_FWD_HUNG;
	return KEA_FWD_OTHER;
}

static void decode_local(const cJSON *o, struct ha_local *out)
{
	const char *t;

	out->role = ha_role_parse(get_str(o, "role"));
	out->state = ha_state_parse(get_str(o, "state"));
	decode_scopes(get(o, "scopes"), &out->scopes);
	copy_str(out->server_name, sizeof(out->server_name), o, "server-name");
	t = get_str(o, "system-time");
	out->has_system_time = t && decode_system_time(t, &out->system_time);
}

static void decode_remote(const cJSON *o, struct ha_remote *out)
{
	const char *last = get_str(o, "last-state");
	const cJSON *skew = get(o, "clock-skew");
	const char *t;

	out->present = cJSON_IsObject(o);
	if (!out->present)
		return;
	out->role = ha_role_parse(get_str(o, "role"));
	copy_str(out->server_name, sizeof(out->server_name), o, "server-name");
	out->last_state = ha_state_parse(last);
	out->never_in_touch = !last || !*last;
	decode_scopes(get(o, "last-scopes"), &out->last_scopes);
	out->age = get_long(o, "age", 0);
	out->in_touch = get_bool(o, "in-touch", false);
	out->communication_interrupted = get_bool(o, "communication-interrupted", false);
	out->connecting_clients = get_long(o, "connecting-clients", 0);
	out->unacked_clients = get_long(o, "unacked-clients", 0);
	out->unacked_clients_left = get_long(o, "unacked-clients-left", 0);
	out->analyzed_packets = get_long(o, "analyzed-packets", 0);
	out->has_clock_skew = cJSON_IsNumber(skew);
	out->clock_skew = out->has_clock_skew ? num_long(skew->valuedouble) : 0;
	t = get_str(o, "system-time");
	out->has_system_time = t && decode_system_time(t, &out->system_time);
}

/* Kea 3.0's dhcp-state: who switched DHCP off, in words. */
static void decode_dhcp_state(const cJSON *ds, struct kea_status *out)
{
	static const struct { const char *key; const char *who; } by[] = {
		{ "disabled-by-user", "user" },
		{ "disabled-by-local-command", "HA" },
		{ "disabled-by-remote-command", "partner" },
		{ "disabled-by-db-connection", "database" },
	};

	out->has_dhcp_state = cJSON_IsObject(ds);
	if (!out->has_dhcp_state)
		return;
	out->dhcp_disabled = get_bool(ds, "globally-disabled", false);
	for (size_t i = 0; i < ARRAY_LEN(by); i++) {
		const cJSON *v = get(ds, by[i].key);
		bool on = cJSON_IsTrue(v) || (cJSON_IsArray(v) && cJSON_GetArraySize(v) > 0);
		if (on) {
			strlcpy_(out->dhcp_disabled_by, by[i].who, sizeof(out->dhcp_disabled_by));
			return;
		}
	}
}

bool decode_status(const cJSON *args, struct kea_status *out, char *err, size_t errlen)
{
	const cJSON *ha, *it;

	memset(out, 0, sizeof(*out));
	if (!cJSON_IsObject(args)) {
		set_err(err, errlen, "status-get answer has no arguments");
		return false;
	}
	out->pid = get_long(args, "pid", 0);
	out->uptime = get_long(args, "uptime", -1);
	out->reload = get_long(args, "reload", -1);
	out->multi_threading = get_bool(args, "multi-threading-enabled", false);
	decode_dhcp_state(get(args, "dhcp-state"), out);
	ha = get(args, "high-availability");
	if (cJSON_IsNull(ha))
		ha = NULL;
	if (ha && !cJSON_IsArray(ha)) {
		set_err(err, errlen, "status-get: high-availability is not a list");
		return false;
	}
	out->has_ha = ha != NULL;
	cJSON_ArrayForEach(it, ha) {
		const cJSON *servers = get(it, "ha-servers");
		struct ha_rel_status *r;
		if (out->nrels >= HA_MAX_RELS)
			break;
		if (!cJSON_IsObject(servers) || !cJSON_IsObject(get(servers, "local"))) {
			set_err(err, errlen, "status-get: high-availability entry without ha-servers.local");
			return false;
		}
		r = &out->rel[out->nrels++];
		r->mode = ha_mode_parse(get_str(it, "ha-mode"));
		decode_local(get(servers, "local"), &r->local);
		decode_remote(get(servers, "remote"), &r->remote);
	}
	return true;
}

bool decode_heartbeat(const cJSON *args, struct ha_heartbeat *out, char *err, size_t errlen)
{
	const char *dt;

	memset(out, 0, sizeof(*out));
	if (!cJSON_IsObject(args) || !get_str(args, "state")) {
		set_err(err, errlen, "ha-heartbeat answer has no state");
		return false;
	}
	out->state = ha_state_parse(get_str(args, "state"));
	dt = get_str(args, "date-time");
	out->has_date_time = dt && decode_http_date(dt, &out->date_time);
	decode_scopes(get(args, "scopes"), &out->scopes);
	out->unsent_update_count = get_long(args, "unsent-update-count", 0);
	return true;
}

static void decode_peer_config(const cJSON *p, struct ha_peer_config *out)
{
	copy_str(out->name, sizeof(out->name), p, "name");
	copy_str(out->url, sizeof(out->url), p, "url");
	out->role = ha_role_parse(get_str(p, "role"));
	out->auto_failover = get_bool(p, "auto-failover", true);
	out->has_basic_auth = get_str(p, "basic-auth-user") != NULL;
}

/* The states a state-machine section pauses in ("always" or "once"; "never" does not). */
static unsigned decode_pauses(const cJSON *sm)
{
	const cJSON *s;
	unsigned bits = 0;

	cJSON_ArrayForEach(s, get_list(sm, "states")) {
		const char *pause = get_str(s, "pause");
		enum ha_state st = ha_state_parse(get_str(s, "state"));
		if (st != HA_STATE_UNKNOWN && pause && strcmp(pause, "never") != 0)
			bits |= 1u << st;
	}
	return bits;
}

static void decode_rel_config(const cJSON *h, bool dhcp_mt, struct ha_rel_config *out,
			      struct ha_peer_config *peers)
{
	const cJSON *mt = get(h, "multi-threading");
	const cJSON *uc = get(get(h, "user-context"), "keaha");
	const cJSON *p;

	copy_str(out->this_server_name, sizeof(out->this_server_name), h, "this-server-name");
	copy_str(out->keaha_name, sizeof(out->keaha_name), uc, "name");
	out->mode = ha_mode_parse(get_str(h, "mode"));
	/* Kea's defaults (README section 7) where the configuration is silent. */
	out->heartbeat_delay = get_long(h, "heartbeat-delay", 10000);
	out->max_response_delay = get_long(h, "max-response-delay", 60000);
	out->max_ack_delay = get_long(h, "max-ack-delay", 10000);
	out->max_unacked_clients = get_long(h, "max-unacked-clients", 10);
	out->delayed_updates_limit = get_long(h, "delayed-updates-limit", 0);
	out->sync_timeout = get_long(h, "sync-timeout", 60000);
	/* Kea turns HA multi-threading (and so the listener) off when the
	 * DHCP server itself runs single-threaded (HA_CONFIG_DHCP_MT_DISABLED). */
	out->dedicated_listener = dhcp_mt && get_bool(mt, "enable-multi-threading", false) &&
				  get_bool(mt, "http-dedicated-listener", false);
	out->has_state_machine = get(h, "state-machine") != NULL;
	out->pause_states = decode_pauses(get(h, "state-machine"));
	out->peer = peers;
	cJSON_ArrayForEach(p, get_list(h, "peers")) {
		if (out->npeers >= HA_MAX_PEERS)
			break;
		decode_peer_config(p, &out->peer[out->npeers++]);
	}
}

/* base is "libdhcp_ha": matches ".../libdhcp_ha.so" but not "libdhcp_ha_foo.so". */
static bool library_is(const char *path, const char *base)
{
	const char *slash = path ? strrchr(path, '/') : NULL;
	const char *name = slash ? slash + 1 : path;
	size_t n = strlen(base);

	return name && strncmp(name, base, n) == 0 && (name[n] == '.' || name[n] == '\0');
}

static bool decode_hooks(const cJSON *hooks, bool dhcp_mt, struct kea_config *out,
			 char *err, size_t errlen)
{
	const cJSON *lib, *h, *rel;

	/* Every library is looked at: lease_cmds may come after the HA hook. */
	cJSON_ArrayForEach(lib, hooks) {
		const char *path = get_str(lib, "library");
		if (library_is(path, "libdhcp_lease_cmds"))
			out->has_lease_cmds_hook = true;
		if (library_is(path, "libdhcp_stat_cmds"))
			out->has_stat_cmds_hook = true;
		if (!library_is(path, "libdhcp_ha") || out->has_ha_hook)
			continue;
		out->has_ha_hook = true;
		strlcpy_(out->ha_library, path, sizeof(out->ha_library));
		h = get(get(lib, "parameters"), "high-availability");
		if (!cJSON_IsArray(h)) {
			set_err(err, errlen, "HA hook loaded without a high-availability list");
			return false;
		}
		cJSON_ArrayForEach(rel, h) {
			if (out->nrels >= HA_MAX_RELS)
				break;
			if (!cJSON_IsObject(rel)) {
				set_err(err, errlen, "high-availability entry is not a map");
				return false;
			}
			decode_rel_config(rel, dhcp_mt, &out->rel[out->nrels],
					  out->peer_store[out->nrels]);
			out->nrels++;
		}
	}
	return true;
}

bool decode_config(const cJSON *args, enum kea_service service, struct kea_config *out,
		   char *err, size_t errlen)
{
	const cJSON *dhcp = get(args, kea_service_config_key(service));
	bool dhcp_mt;

	memset(out, 0, sizeof(*out));
	out->service = service;
	if (!cJSON_IsObject(dhcp)) {
		set_err(err, errlen, "config-get answer has no Dhcp4/Dhcp6 map");
		return false;
	}
	copy_str(out->hash, sizeof(out->hash), args, "hash");
	copy_str(out->server_tag, sizeof(out->server_tag), dhcp, "server-tag");
	out->has_config_control = get(dhcp, "config-control") != NULL;
	/* Absent (never in a config-get): leave it to the HA section. */
	dhcp_mt = get_bool(get(dhcp, "multi-threading"), "enable-multi-threading", true);
	return decode_hooks(get_list(dhcp, "hooks-libraries"), dhcp_mt, out, err, errlen);
}

bool decode_endpoint_info(const cJSON *args, struct kea_endpoint_info *out, char *err, size_t errlen)
{
	const cJSON *agent = get(args, "Control-agent");

	memset(out, 0, sizeof(*out));
	if (cJSON_IsObject(agent)) {
		const cJSON *socks = get(agent, "control-sockets");
		out->kind = KEA_ENDPOINT_AGENT;
		for (int s = 0; s < KEA_SERVICE_COUNT; s++)
			out->has_service[s] = get(socks, kea_service_name((enum kea_service)s)) != NULL;
		return true;
	}
	for (int s = 0; s < KEA_SERVICE_COUNT; s++) {
		if (get(args, kea_service_config_key((enum kea_service)s))) {
			out->kind = KEA_ENDPOINT_DAEMON;
			out->service = (enum kea_service)s;
			out->has_service[s] = true;
			return true;
		}
	}
	set_err(err, errlen, "config-get answer is neither a Control Agent's nor a DHCP server's");
	return false;
}

/* Adds up "subnet[N].<key>" statistics: the most recent sample of each. */
static bool sum_stat(const cJSON *args, const char *key, double *sum)
{
	const cJSON *it;
	bool found = false;
	size_t klen = strlen(key);

	*sum = 0;
	cJSON_ArrayForEach(it, args) {
		const char *name = it->string;
		size_t nlen = name ? strlen(name) : 0;
		const cJSON *sample;
		if (nlen <= klen + 1 || strncmp(name, "subnet[", 7) != 0 ||
		    strcmp(name + nlen - klen, key) != 0 || name[nlen - klen - 1] != '.')
			continue;
		if (strchr(name, '.') != name + nlen - klen - 1)
			continue; /* pool-level statistic: subnet[1].pool[0].x */
		sample = cJSON_GetArrayItem(cJSON_GetArrayItem(it, 0), 0);
		if (cJSON_IsNumber(sample)) {
			*sum += sample->valuedouble;
			found = true;
		}
	}
	return found;
}

bool decode_pool_usage(const cJSON *args, enum kea_service service, struct kea_pool_usage *out)
{
	const char *total = service == KEA_DHCP4 ? "total-addresses" : "total-nas";
	const char *assigned = service == KEA_DHCP4 ? "assigned-addresses" : "assigned-nas";

	memset(out, 0, sizeof(*out));
	if (!cJSON_IsObject(args))
		return false;
	out->known = sum_stat(args, total, &out->total) && sum_stat(args, assigned, &out->assigned);
	return out->known;
}

/* Index of a column of a stat_cmds result-set, or -1. */
static int column_of(const cJSON *columns, const char *name)
{
	int i = 0;
	const cJSON *c;

	cJSON_ArrayForEach(c, columns) {
		if (cJSON_IsString(c) && strcmp(c->valuestring, name) == 0)
			return i;
		i++;
	}
	return -1;
}

bool decode_lease_stats(const cJSON *args, enum kea_service service, struct kea_pool_usage *out)
{
	const cJSON *rs = get(args, "result-set"), *row;
	int tc = column_of(get_list(rs, "columns"), service == KEA_DHCP4 ? "total-addresses" : "total-nas");
	int ac = column_of(get_list(rs, "columns"), service == KEA_DHCP4 ? "assigned-addresses" : "assigned-nas");

	memset(out, 0, sizeof(*out));
	if (tc < 0 || ac < 0 || !get_list(rs, "rows"))
		return false;
	cJSON_ArrayForEach(row, get_list(rs, "rows")) {
		const cJSON *t = cJSON_GetArrayItem(row, tc), *a = cJSON_GetArrayItem(row, ac);
		if (!cJSON_IsNumber(t) || !cJSON_IsNumber(a))
			return false;
		out->total += t->valuedouble;
		out->assigned += a->valuedouble;
	}
	out->known = true;
	return true;
}

bool decode_version(const struct kea_answer *a, char *out, size_t size)
{
	size_t n = 0;

	if (!a || !out || size == 0 || a->result != KEA_RESULT_OK || !a->text[0])
		return false;
	while (a->text[n] && !isspace((unsigned char)a->text[n]) && n + 1 < size)
		n++;
	memcpy(out, a->text, n);
	out[n] = '\0';
	return n > 0;
}

/*
 * config-hash-get (Kea >= 2.4; 3.0 also puts the same hash beside config-get's
 * Dhcp4 map): a SHA-256 in hex. Anything else is not a hash keaha can compare.
 */
bool decode_config_hash(const cJSON *args, char *out, size_t size, char *err, size_t errlen)
{
	const char *h = cJSON_GetStringValue(get(args, "hash"));
	size_t n = h ? strlen(h) : 0;

	if (size)
		out[0] = '\0';
	if (!h || n == 0 || n >= size || n > 128) {
		set_err(err, errlen, "config-hash-get answer has no usable hash");
		return false;
	}
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)h[i])) {
			set_err(err, errlen, "config-hash-get hash is not hexadecimal");
			return false;
		}
	memcpy(out, h, n + 1);
	return true;
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static long days_from_civil(long y, long m, long d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool make_time(long y, long mo, long d, long h, long mi, long s, double *out)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap) ||
	    h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60 || y < 1970 || y > 9999)
		return false;
	*out = (double)(days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s);
	return true;
}

/* Index of a three-letter name in a run of them ("JanFeb..."), or -1. */
static int name3(const char *names, const char *s)
{
	for (int i = 0; names[i * 3]; i++)
		if (strncmp(names + i * 3, s, 3) == 0 && s[3] == '\0')
			return i;
	return -1;
}

/* Only digits: sscanf's %d also takes signs and leading blanks. */
static bool digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

bool decode_http_date(const char *str, double *out)
{
	char s[32], wday[4], mon[4];
	int d, y, h, mi, sec, month, consumed = 0;
	size_t len;

	if (!str || !out)
		return false;
	/* A header value may carry blanks around it (RFC 9110 OWS). */
	str += strspn(str, " \t");
	len = strlen(str);
	while (len > 0 && strchr(" \t\r\n", str[len - 1]))
		len--;
	if (len != 29)
		return false;
	memcpy(s, str, len);
	s[len] = '\0';
	/* Exactly "Mon, 23 Nov 2026 06:37:40 GMT" (IMF-fixdate). */
	if (!digits(s + 5, 2) || !digits(s + 12, 4) ||
	    !digits(s + 17, 2) || !digits(s + 20, 2) || !digits(s + 23, 2))
		return false;
	if (sscanf(s, "%3[A-Za-z], %2d %3[A-Za-z] %4d %2d:%2d:%2d GMT%n", wday, &d, mon, &y, &h,
		   &mi, &sec, &consumed) != 7 || consumed != 29)
		return false;
	month = name3("JanFebMarAprMayJunJulAugSepOctNovDec", mon);
	if (month < 0 || name3("MonTueWedThuFriSatSun", wday) < 0)
		return false;
	return make_time(y, month + 1, d, h, mi, sec, out);
}

bool decode_system_time(const char *s, double *out)
{
	int y, mo, d, h, mi, sec, consumed = 0;

	/* Exactly "2026-11-23 11:17:11". */
	if (!s || !out || strlen(s) != 19 || !digits(s, 4) || !digits(s + 5, 2) ||
	    !digits(s + 8, 2) || !digits(s + 11, 2) || !digits(s + 14, 2) || !digits(s + 17, 2))
		return false;
	if (sscanf(s, "%4d-%2d-%2d %2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &consumed) != 6 ||
	    consumed != 19)
		return false;
	return make_time(y, mo, d, h, mi, sec, out);
}
