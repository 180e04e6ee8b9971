/*
 * Change plan for creating and removing HA relationships (see plan.h).
 *
 * Adding works on copies of both servers' config-get arguments: the lease
 * commands hook (unless present) and the HA hook go at the end of
 * hooks-libraries, exactly as in the runtime creation that worked
 * (fixtures config-set.*.add-ha); for load-balancing every pool of the
 * service is split in two halves classed HA_<primary> and HA_<partner>,
 * identically on both servers, each half remembering the original pool in
 * its user-context ({"keaha": {"split-of": POOL}}) so removal can merge it
 * back exactly. Removal undoes that, and then keeps, disables (pools moved
 * to user-context keaha.disabled-pools, reversible) or deletes the
 * secondary's subnets.
 *
 * Rules not enforced by Kea are checked here (plan_check_ha); a refusal is
 * one sentence in plan_result.refusal and no configuration is produced.
 */
#include "plan.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"

#define LIB_HA "libdhcp_ha.so"
#define LIB_LEASE_CMDS "libdhcp_lease_cmds.so"

/*
 * Default timings are Kea's own (heartbeat 10 s, max-response 60 s, ack
 * 10 s, 10 unacked clients): ISC's tested production values, which do not
 * declare a busy but alive partner down. Faster values (the lab's 1000 /
 * 4000 / 2000 / 0) are a choice the user makes knowingly. auto-failover on:
 * without it partner-down needs a human.
 */
void plan_add_choices_init(struct plan_add_choices *c)
{
	memset(c, 0, sizeof(*c));
	c->mode = HA_MODE_LOAD_BALANCING;
	c->service = KEA_DHCP4;
	c->heartbeat_delay = 10000;
	c->max_response_delay = 60000;
	c->max_ack_delay = 10000;
	c->max_unacked_clients = 10;
	c->auto_failover = true;
}

/*
 * After the second config-set the new server waits, syncs leases (each page
 * bounded by sync-timeout), reports ready, and both turn normal on their
 * next heartbeats; a partner that decided partner-down first needs up to a
 * max-response-delay. Kea's defaults (10 s, 60 s, 60 s) took 20-40 s on the
 * lab and get 190 s here; the lab's 1 s / 4 s and the default sync-timeout 80 s.
 */
double plan_settle_seconds(long heartbeat_ms, long max_response_ms, long sync_timeout_ms)
{
	double hb = (heartbeat_ms > 0 ? heartbeat_ms : 10000) / 1000.0;
	double mrd = (max_response_ms > 0 ? max_response_ms : 60000) / 1000.0;
	double sync = (sync_timeout_ms > 0 ? sync_timeout_ms : 60000) / 1000.0;
	double t = 10.0 + 6.0 * hb + mrd + sync;

	return t < PLAN_SETTLE_MIN ? PLAN_SETTLE_MIN : t > PLAN_SETTLE_MAX ? PLAN_SETTLE_MAX : t;
}

void plan_result_free(struct plan_result *r)
{
	for (int i = 0; i < 2; i++) {
		cJSON_Delete(r->config[i]);
		r->config[i] = NULL;
		sbuf_free(&r->diff[i]);
	}
	sbuf_free(&r->warnings);
}

static void result_init(struct plan_result *r)
{
	memset(r, 0, sizeof(*r));
	for (int i = 0; i < 2; i++)
		sbuf_init(&r->diff[i]);
	sbuf_init(&r->warnings);
}

static bool refuse(struct plan_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Sets the refusal, drops anything produced so far; returns false. */
static bool refuse(struct plan_result *r, const char *fmt, ...)
{
	va_list ap;

	/* The message may quote the configs: format it before freeing them. */
	va_start(ap, fmt);
	vsnprintf(r->refusal, sizeof(r->refusal), fmt, ap);
	va_end(ap);
	plan_result_free(r);
	r->ok = false;
	return false;
}

static bool set_why(char *why, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool set_why(char *why, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, size, fmt, ap);
	va_end(ap);
	return false;
}

static bool empty(const char *s)
{
	return !s || !*s;
}

static cJSON *item(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

static const char *str(const cJSON *o, const char *key)
{
	const cJSON *v = item(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const char *subnet_key(enum kea_service s)
{
	return s == KEA_DHCP6 ? "subnet6" : "subnet4";
}

/* ---- URLs and the HA entry rules ---------------------------------------- */

static bool port_ok(const char *p, const char **end)
{
	long v = 0;
	const char *s = p;

	while (isdigit((unsigned char)*s) && v <= 65535)
		v = v * 10 + (*s++ - '0');
	*end = s;
	return s != p && v >= 1 && v <= 65535;
}

bool plan_url_ok(const char *url)
{
	char host[64];
	const char *h, *e;
	size_t n;
	unsigned char buf[16];
	int family = AF_INET;

	if (!url)
		return false;
	if (strncmp(url, "http://", 7) == 0)
		h = url + 7;
	else if (strncmp(url, "https://", 8) == 0)
		h = url + 8;
	else
		return false;
	if (*h == '[') {
		family = AF_INET6;
		e = strchr(++h, ']');
		if (!e || e[1] != ':')
			return false;
	} else {
		e = strchr(h, ':');
		if (!e)
			return false;
	}
	n = (size_t)(e - h);
	if (n == 0 || n >= sizeof(host))
		return false;
	memcpy(host, h, n);
	host[n] = '\0';
	if (inet_pton(family, host, buf) != 1)
		return false;
	if (!port_ok(e + (family == AF_INET6 ? 2 : 1), &e))
		return false;
	return *e == '\0' || *e == '/';
}

static int count_tls(const cJSON *o)
{
	return !empty(str(o, "trust-anchor")) + !empty(str(o, "cert-file")) +
	       !empty(str(o, "key-file"));
}

static bool check_peer(const cJSON *p, bool tls, char *why, size_t size)
{
	const char *name = str(p, "name"), *url = str(p, "url");

	if (empty(name))
		return set_why(why, size, "a peer has no name");
	if (!plan_url_ok(url))
		return set_why(why, size,
			       "peer %s: URL \"%s\" must be http(s):// an IP address "
			       "(v4 or [v6]) and a port",
			       name, url ? url : "");
	if (strncmp(url, "https:", 6) == 0 && !tls)
		return set_why(why, size, "peer %s uses https but trust-anchor, cert-file and "
			       "key-file are not all set", name);
	return true;
}

/* Counts roles and checks each peer; false with why. */
static bool check_peers(const cJSON *peers, const char *self, bool tls, int roles[HA_ROLE_COUNT],
			char *why, size_t size)
{
	const cJSON *p, *q;
	bool self_found = false;

	cJSON_ArrayForEach(p, peers) {
		if (!check_peer(p, tls, why, size))
			return false;
		for (q = p->next; q; q = q->next)
			if (util_streq(str(p, "name"), str(q, "name")))
				return set_why(why, size, "two peers are named %s", str(p, "name"));
		roles[ha_role_parse(str(p, "role"))]++;
		self_found |= util_streq(str(p, "name"), self);
	}
	if (!self_found)
		return set_why(why, size, "this-server-name \"%s\" is not one of the peers", self);
	return true;
}

static bool check_roles(enum ha_mode mode, const int roles[HA_ROLE_COUNT], char *why, size_t size)
{
	int want2 = mode == HA_MODE_LOAD_BALANCING ? HA_ROLE_SECONDARY : HA_ROLE_STANDBY;
	int other = want2 == HA_ROLE_SECONDARY ? HA_ROLE_STANDBY : HA_ROLE_SECONDARY;

	if (roles[HA_ROLE_BACKUP])
		return set_why(why, size, "backup servers are not supported");
	if (roles[HA_ROLE_PRIMARY] != 1 || roles[want2] != 1 || roles[other] ||
	    roles[HA_ROLE_UNKNOWN])
		return set_why(why, size, "%s needs exactly one primary and one %s", ha_mode_name(mode),
			       ha_role_name((enum ha_role)want2));
	return true;
}

bool plan_check_ha(const cJSON *entry, char *why, size_t size)
{
	const char *self = str(entry, "this-server-name");
	enum ha_mode mode = ha_mode_parse(str(entry, "mode"));
	const cJSON *hb = item(entry, "heartbeat-delay"), *mrd = item(entry, "max-response-delay");
	int roles[HA_ROLE_COUNT] = {0};
	int tls = count_tls(entry);

	if (empty(self))
		return set_why(why, size, "this-server-name is missing");
	if (mode != HA_MODE_LOAD_BALANCING && mode != HA_MODE_HOT_STANDBY)
		return set_why(why, size, "mode must be load-balancing or hot-standby");
	if (tls != 0 && tls != 3)
		return set_why(why, size, "TLS needs all of trust-anchor, cert-file and key-file, "
			       "or none");
	if (!check_peers(item(entry, "peers"), self, tls == 3, roles, why, size))
		return false;
	if (!check_roles(mode, roles, why, size))
		return false;
	/* Kea's defaults when absent: 10000 and 60000. */
	return plan_check_timings(cJSON_IsNumber(hb) ? (long)hb->valuedouble : 10000,
				  cJSON_IsNumber(mrd) ? (long)mrd->valuedouble : 60000, why, size);
}

/* The product's rule; Kea does not enforce it (a distribution shipped 10000/10000). */
bool plan_check_timings(long heartbeat_delay, long max_response_delay, char *why, size_t size)
{
	if (max_response_delay <= heartbeat_delay)
		return set_why(why, size, "max-response-delay must be greater than heartbeat-delay");
	return true;
}

/* ---- hooks ---------------------------------------------------------------- */

bool plan_hooks_dir_from_build_report(const char *text, char *out, size_t size)
{
	const char *p = text ? strstr(text, "Hooks directory:") : NULL;
	size_t n;

	if (!p)
		return false;
	p += strlen("Hooks directory:");
	while (*p == ' ' || *p == '\t')
		p++;
	n = strcspn(p, "\r\n");
	while (n && isspace((unsigned char)p[n - 1]))
		n--;
	if (n == 0 || n >= size)
		return false;
	memcpy(out, p, n);
	out[n] = '\0';
	return true;
}

static cJSON *hooks_list(const cJSON *args, enum kea_service service)
{
	return item(item(args, kea_service_config_key(service)), "hooks-libraries");
}

bool plan_hooks_dir_from_config(const cJSON *args, enum kea_service service, char *out,
				size_t size)
{
	const cJSON *h;

	cJSON_ArrayForEach(h, hooks_list(args, service)) {
		const char *lib = str(h, "library"), *slash = lib ? strrchr(lib, '/') : NULL;
		size_t n = slash ? (size_t)(slash - lib) : 0;
		if (n == 0 || n >= size)
			continue;
		memcpy(out, lib, n);
		out[n] = '\0';
		return true;
	}
	return false;
}

static cJSON *ha_list(const cJSON *hook)
{
	return item(item(hook, "parameters"), "high-availability");
}

/* Whether a library path names this file (any directory, or a bare name). */
static bool lib_is(const char *lib, const char *file)
{
	const char *base;

	if (!lib)
		return false;
	base = strrchr(lib, '/');
	return strcmp(base ? base + 1 : lib, file) == 0;
}

static cJSON *find_hook(const cJSON *hooks, const char *file)
{
	cJSON *h;

	cJSON_ArrayForEach(h, hooks)
		if (lib_is(str(h, "library"), file))
			return h;
	return NULL;
}

bool plan_has_ha(const cJSON *args, enum kea_service service)
{
	return find_hook(hooks_list(args, service), LIB_HA) != NULL;
}

static char *lib_path(const char *dir, const char *file)
{
	size_t n = dir ? strlen(dir) : 0;

	if (n == 0)
		return xstrdup(file);
	return xasprintf("%s%s%s", dir, dir[n - 1] == '/' ? "" : "/", file);
}

/* ---- secrets ---------------------------------------------------------------- */

static bool secret_key(const char *k)
{
	size_t n = k ? strlen(k) : 0;

	return n >= 8 && strcmp(k + n - 8, "password") == 0 &&
	       (n == 8 || k[n - 9] == '-' || k[n - 9] == '_');
}

static void mask_walk(cJSON *o)
{
	cJSON *c;

	cJSON_ArrayForEach(c, o) {
		if (cJSON_IsString(c) && secret_key(c->string))
			cJSON_SetValuestring(c, PLAN_MASK);
		else
			mask_walk(c);
	}
}

cJSON *plan_mask_secrets(const cJSON *config)
{
	cJSON *copy = cJSON_Duplicate(config, true);

	if (!copy && config)
		util_fatal("out of memory");
	mask_walk(copy);
	return copy;
}

/* The element of original matching edited's element e (same "name", else same index). */
static const cJSON *match_elem(const cJSON *original, const cJSON *e, int index)
{
	const char *name = str(e, "name");
	const cJSON *o;

	if (name) {
		cJSON_ArrayForEach(o, original)
			if (util_streq(str(o, "name"), name))
				return o;
		return NULL;
	}
	return cJSON_GetArrayItem(original, index);
}

void plan_restore_secrets(cJSON *edited, const cJSON *original)
{
	cJSON *c;
	int i = 0;

	cJSON_ArrayForEach(c, edited) {
		const cJSON *o = cJSON_IsArray(edited) ? match_elem(original, c, i)
						       : item(original, c->string);
		i++;
		if (!o)
			continue;
		if (cJSON_IsString(c) && secret_key(c->string) && strcmp(c->valuestring, PLAN_MASK) == 0) {
			if (cJSON_IsString(o))
				cJSON_SetValuestring(c, o->valuestring);
		} else if (cJSON_IsObject(c) || cJSON_IsArray(c)) {
			plan_restore_secrets(c, o);
		}
	}
}

/* ---- addresses and pools -------------------------------------------------- */

typedef unsigned __int128 u128; /* GCC and Clang: one IPv6 address as a number */

struct range {
	int family;
	u128 lo, hi;
};

static bool addr_parse(const char *s, size_t n, struct range *r, u128 *out)
{
	char buf[64];
	unsigned char b[16];
	int family;

	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	family = strchr(buf, ':') ? AF_INET6 : AF_INET;
	if (r->family && r->family != family)
		return false;
	if (inet_pton(family, buf, b) != 1)
		return false;
	r->family = family;
	*out = 0;
	for (int i = 0; i < (family == AF_INET ? 4 : 16); i++)
		*out = (*out << 8) | b[i];
	return true;
}

/* "a-b", "a - b" or "prefix/len" (v4 or v6) into a range. */
static bool range_parse(const char *pool, struct range *r)
{
	const char *dash = strchr(pool, '-'), *slash = strchr(pool, '/');
	int bits, len;

	memset(r, 0, sizeof(*r));
	if (dash)
		return addr_parse(pool, (size_t)(dash - pool), r, &r->lo) &&
		       addr_parse(dash + 1, strlen(dash + 1), r, &r->hi) && r->lo <= r->hi;
	if (!slash || !addr_parse(pool, (size_t)(slash - pool), r, &r->lo))
		return false;
	bits = r->family == AF_INET ? 32 : 128;
	len = atoi(slash + 1);
	if (len < 1 || len > bits)
		return false;
	u128 host = len == bits ? 0 : (((u128)1 << (bits - len)) - 1);
	r->lo &= ~host;
	r->hi = r->lo | host;
	return true;
}

static void addr_format(int family, u128 v, char *out, size_t size)
{
	unsigned char b[16];
	int n = family == AF_INET ? 4 : 16;

	for (int i = n - 1; i >= 0; i--, v >>= 8)
		b[i] = (unsigned char)(v & 0xff);
	if (!inet_ntop(family, b, out, (socklen_t)size))
		strlcpy_(out, "?", size);
}

/* "a-b" as Kea writes it (sep "-") or as the diff shows it (sep " - "). */
static char *range_format(int family, u128 lo, u128 hi, const char *sep)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	addr_format(family, lo, a, sizeof(a));
	addr_format(family, hi, b, sizeof(b));
	return xasprintf("%s%s%s", a, sep, b);
}

static cJSON *dup(const cJSON *o)
{
	cJSON *c = cJSON_Duplicate(o, true);

	if (!c)
		util_fatal("out of memory");
	return c;
}

/* The subnets of the service: top level and inside shared networks. */
struct subnets {
	cJSON **v;
	size_t n, cap;
};

static void subnets_add_list(struct subnets *s, const cJSON *list)
{
	cJSON *sn;

	cJSON_ArrayForEach(sn, list) {
		if (s->n == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 16;
			s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
		}
		s->v[s->n++] = sn;
	}
}

static void subnets_collect(const cJSON *args, enum kea_service service, struct subnets *s)
{
	const cJSON *dhcp = item(args, kea_service_config_key(service)), *net;

	memset(s, 0, sizeof(*s));
	subnets_add_list(s, item(dhcp, subnet_key(service)));
	cJSON_ArrayForEach(net, item(dhcp, "shared-networks"))
		subnets_add_list(s, item(net, subnet_key(service)));
}

static const char *subnet_label(const cJSON *sn)
{
	const char *p = str(sn, "subnet");

	return p ? p : "?";
}

static cJSON *keaha_ctx(cJSON *o, bool create)
{
	cJSON *uc = item(o, "user-context"), *k;

	if (!uc && create)
		uc = cJSON_AddObjectToObject(o, "user-context");
	k = item(uc, "keaha");
	if (!k && create && cJSON_IsObject(uc))
		k = cJSON_AddObjectToObject(uc, "keaha");
	return k;
}

/* Removes key from user-context.keaha, then empty maps. */
static void keaha_ctx_drop(cJSON *o, const char *key)
{
	cJSON *uc = item(o, "user-context"), *k = item(uc, "keaha");

	cJSON_DeleteItemFromObjectCaseSensitive(k, key);
	if (k && !k->child)
		cJSON_DeleteItemFromObjectCaseSensitive(uc, "keaha");
	if (uc && !uc->child)
		cJSON_DeleteItemFromObjectCaseSensitive(o, "user-context");
}

/* One half of a split pool. */
static cJSON *pool_half(const cJSON *pool, const struct range *r, u128 lo, u128 hi,
			const char *cls)
{
	cJSON *h = dup(pool);
	char *s = range_format(r->family, lo, hi, "-");

	cJSON_ReplaceItemInObjectCaseSensitive(h, "pool", cJSON_CreateString(s));
	cJSON_AddStringToObject(h, "client-class", cls);
	cJSON_AddStringToObject(keaha_ctx(h, true), "split-of", str(pool, "pool"));
	free(s);
	return h;
}

struct split_ctx {
	char cls[2][KEA_NAME_LEN + 4]; /* HA_<primary>, HA_<partner> */
	struct plan_result *r;
};

/* Splits every pool of one subnet in place; with log, a diff line for both servers. */
static bool split_subnet(cJSON *sn, struct split_ctx *x, bool log)
{
	cJSON *pools = item(sn, "pools"), *out = cJSON_CreateArray(), *p;

	cJSON_ArrayForEach(p, pools) {
		const char *ps = str(p, "pool");
		struct range r;
		if (item(p, "client-class")) {
			cJSON_Delete(out);
			return refuse(x->r, "subnet %s pool %s already has a client-class: it cannot be "
				      "split for load-balancing", subnet_label(sn), ps ? ps : "?");
		}
		if (!ps || !range_parse(ps, &r) || r.hi == r.lo) {
			cJSON_Delete(out);
			return refuse(x->r, "subnet %s pool %s cannot be split in two for "
				      "load-balancing (%s)", subnet_label(sn), ps ? ps : "?",
				      ps && range_parse(ps, &r) ? "a single address" : "not a range");
		}
		u128 mid = r.lo + (r.hi - r.lo) / 2;
		cJSON_AddItemToArray(out, pool_half(p, &r, r.lo, mid, x->cls[0]));
		cJSON_AddItemToArray(out, pool_half(p, &r, mid + 1, r.hi, x->cls[1]));
		char *a = range_format(r.family, r.lo, r.hi, " - ");
		char *b = range_format(r.family, r.lo, mid, " - ");
		char *c = range_format(r.family, mid + 1, r.hi, " - ");
		for (int i = 0; log && i < 2; i++)
			sbuf_printf(&x->r->diff[i], "~ subnet %s pool %s -> %s (%s), %s (%s)\n",
				    subnet_label(sn), a, b, x->cls[0], c, x->cls[1]);
		free(a);
		free(b);
		free(c);
	}
	if (pools)
		cJSON_ReplaceItemInObjectCaseSensitive(sn, "pools", out);
	else
		cJSON_Delete(out);
	return true;
}

/* Pools of a subnet as one comparable string. */
static char *pools_text(const cJSON *sn)
{
	struct sbuf b;
	const cJSON *p;

	sbuf_init(&b);
	cJSON_ArrayForEach(p, item(sn, "pools"))
		sbuf_printf(&b, "%s;", str(p, "pool") ? str(p, "pool") : "?");
	cJSON_ArrayForEach(p, item(sn, "pd-pools"))
		sbuf_printf(&b, "pd %s/%d;", str(p, "prefix") ? str(p, "prefix") : "?",
			    item(p, "prefix-len") ? item(p, "prefix-len")->valueint : 0);
	sbuf_puts(&b, "");
	return sbuf_take(&b);
}

static bool same_subnet(const cJSON *a, const cJSON *b)
{
	const cJSON *ia = item(a, "id"), *ib = item(b, "id");

	if (!util_streq(str(a, "subnet"), str(b, "subnet")))
		return false;
	return !cJSON_IsNumber(ia) || !cJSON_IsNumber(ib) || ia->valuedouble == ib->valuedouble;
}

/* Load-balancing splits pools identically on both: the subnets must match. */
static bool subnets_match(const struct subnets *s0, const struct subnets *s1,
			  const struct plan_add_choices *c, struct plan_result *r)
{
	if (s0->n != s1->n)
		return refuse(r, "subnets differ between %s (%zu) and %s (%zu)", c->primary.name,
			      s0->n, c->partner.name, s1->n);
	for (size_t i = 0; i < s0->n; i++) {
		size_t j = 0;
		while (j < s1->n && !same_subnet(s0->v[i], s1->v[j]))
			j++;
		if (j == s1->n)
			return refuse(r, "subnet %s (on %s) is not on %s with the same id",
				      subnet_label(s0->v[i]), c->primary.name, c->partner.name);
		char *a = pools_text(s0->v[i]), *b = pools_text(s1->v[j]);
		bool same = strcmp(a, b) == 0;
		free(a);
		free(b);
		if (!same)
			return refuse(r, "subnet %s has different pools on %s and %s",
				      subnet_label(s0->v[i]), c->primary.name, c->partner.name);
		if (cJSON_GetArraySize(item(s0->v[i], "pd-pools")) > 0)
			return refuse(r, "subnet %s has prefix delegation pools: splitting them is "
				      "not supported", subnet_label(s0->v[i]));
	}
	return true;
}

static bool split_all(const struct plan_add_choices *c, struct plan_result *r)
{
	struct subnets s[2];
	struct split_ctx x;
	bool ok;

	x.r = r;
	snprintf(x.cls[0], sizeof(x.cls[0]), "HA_%s", c->primary.name);
	snprintf(x.cls[1], sizeof(x.cls[1]), "HA_%s", c->partner.name);
	for (int i = 0; i < 2; i++)
		subnets_collect(r->config[i], c->service, &s[i]);
	ok = subnets_match(&s[0], &s[1], c, r);
	/* Split on the primary (with the diff line), then the same subnet on the partner. */
	for (size_t i = 0; ok && i < s[0].n; i++) {
		ok = split_subnet(s[0].v[i], &x, true);
		for (size_t j = 0; ok && j < s[1].n; j++)
			if (same_subnet(s[0].v[i], s[1].v[j]))
				ok = split_subnet(s[1].v[j], &x, false);
	}
	free(s[0].v);
	free(s[1].v);
	return ok;
}

/* ---- adding ----------------------------------------------------------------- */

static cJSON *peer_entry(const struct plan_add_choices *c, const struct plan_server *s,
			 enum ha_role role)
{
	cJSON *p = cJSON_CreateObject();

	cJSON_AddStringToObject(p, "name", s->name);
	cJSON_AddStringToObject(p, "url", s->url);
	cJSON_AddStringToObject(p, "role", ha_role_name(role));
	cJSON_AddBoolToObject(p, "auto-failover", c->auto_failover);
	if (!empty(c->basic_auth_user)) {
		cJSON_AddStringToObject(p, "basic-auth-user", c->basic_auth_user);
		cJSON_AddStringToObject(p, "basic-auth-password",
					c->basic_auth_password ? c->basic_auth_password : "");
	}
	return p;
}

/* The high-availability[] entry for one server, keys in Kea's documented order. */
static cJSON *ha_entry(const struct plan_add_choices *c, const char *self)
{
	cJSON *e = cJSON_CreateObject(), *peers, *uc;

	cJSON_AddStringToObject(e, "this-server-name", self);
	cJSON_AddStringToObject(e, "mode", ha_mode_name(c->mode));
	cJSON_AddNumberToObject(e, "heartbeat-delay", (double)c->heartbeat_delay);
	cJSON_AddNumberToObject(e, "max-response-delay", (double)c->max_response_delay);
	cJSON_AddNumberToObject(e, "max-ack-delay", (double)c->max_ack_delay);
	cJSON_AddNumberToObject(e, "max-unacked-clients", (double)c->max_unacked_clients);
	if (!empty(c->trust_anchor))
		cJSON_AddStringToObject(e, "trust-anchor", c->trust_anchor);
	if (!empty(c->cert_file))
		cJSON_AddStringToObject(e, "cert-file", c->cert_file);
	if (!empty(c->key_file))
		cJSON_AddStringToObject(e, "key-file", c->key_file);
	uc = cJSON_AddObjectToObject(e, "user-context");
	cJSON_AddStringToObject(cJSON_AddObjectToObject(uc, "keaha"), "name", c->name);
	peers = cJSON_AddArrayToObject(e, "peers");
	cJSON_AddItemToArray(peers, peer_entry(c, &c->primary, HA_ROLE_PRIMARY));
	cJSON_AddItemToArray(peers, peer_entry(c, &c->partner,
					       c->mode == HA_MODE_LOAD_BALANCING ? HA_ROLE_SECONDARY
										 : HA_ROLE_STANDBY));
	return e;
}

/*
 * Kea 3 (and 2.7+) HA opens, by default, a dedicated listener on the port of
 * its own peer URL, which answers 403 to management commands. A direct
 * daemon's HA shares its control socket instead; behind a Kea 3 agent HA
 * runs without multi-threading so the agent's port stays the agent's.
 */
static void add_http_mode(cJSON *e, const struct plan_server *s)
{
	cJSON *mt;

	if (!s->direct && s->kea_major < 3)
		return;
	mt = cJSON_AddObjectToObject(e, "multi-threading");
	cJSON_AddBoolToObject(mt, "enable-multi-threading", s->direct);
	if (s->direct)
		cJSON_AddBoolToObject(mt, "http-dedicated-listener", false);
	/* peers last, as Kea documents the entry */
	cJSON_AddItemToObject(e, "peers", cJSON_DetachItemFromObjectCaseSensitive(e, "peers"));
}

static void diff_ha(struct sbuf *d, const cJSON *e)
{
	const cJSON *p, *mt = item(e, "multi-threading");

	sbuf_printf(d, "+ high-availability: relationship %s, %s, this-server-name %s, "
		    "heartbeat-delay %d, max-response-delay %d, max-ack-delay %d, "
		    "max-unacked-clients %d\n",
		    str(item(item(e, "user-context"), "keaha"), "name"), str(e, "mode"),
		    str(e, "this-server-name"), item(e, "heartbeat-delay")->valueint,
		    item(e, "max-response-delay")->valueint, item(e, "max-ack-delay")->valueint,
		    item(e, "max-unacked-clients")->valueint);
	cJSON_ArrayForEach(p, item(e, "peers"))
		sbuf_printf(d, "+   peer %s %s %s auto-failover %s%s%s\n", str(p, "name"),
			    str(p, "role"), str(p, "url"),
			    cJSON_IsTrue(item(p, "auto-failover")) ? "true" : "false",
			    str(p, "basic-auth-user") ? ", basic-auth-user " : "",
			    str(p, "basic-auth-user") ? str(p, "basic-auth-user") : "");
	if (str(e, "trust-anchor"))
		sbuf_printf(d, "+   TLS trust-anchor %s cert-file %s key-file %s\n",
			    str(e, "trust-anchor"), str(e, "cert-file"), str(e, "key-file"));
	if (cJSON_IsTrue(item(mt, "enable-multi-threading")))
		sbuf_printf(d, "+   HA through the daemon's own control socket (multi-threading, no "
			    "dedicated listener)\n");
	else if (mt)
		sbuf_printf(d, "+   HA through the Control Agents (no HA multi-threading)\n");
	if (str(item(e, "peers")->child, "basic-auth-password"))
		sbuf_printf(d, "+   basic-auth-password %s\n", PLAN_MASK);
}

/* Appends lease_cmds (unless there) and the HA hook to one server's copy. */
static void add_hooks(cJSON *args, const struct plan_add_choices *c, cJSON *entry,
		      struct sbuf *d)
{
	cJSON *dhcp = item(args, kea_service_config_key(c->service));
	cJSON *hooks = item(dhcp, "hooks-libraries"), *h, *params;
	char *path;

	if (!cJSON_IsArray(hooks)) {
		cJSON_DeleteItemFromObjectCaseSensitive(dhcp, "hooks-libraries");
		hooks = cJSON_AddArrayToObject(dhcp, "hooks-libraries");
	}
	h = find_hook(hooks, LIB_HA);
	if (h && cJSON_IsArray(ha_list(h))) {
		/* A hub: one more relationship in the HA hook it already runs. */
		cJSON_AddItemToArray(ha_list(h), entry);
		diff_ha(d, entry);
		return;
	}
	if (!find_hook(hooks, LIB_LEASE_CMDS)) {
		path = lib_path(c->hooks_dir, LIB_LEASE_CMDS);
		h = cJSON_CreateObject();
		cJSON_AddStringToObject(h, "library", path);
		cJSON_AddItemToArray(hooks, h);
		sbuf_printf(d, "+ hooks-libraries: %s\n", path);
		free(path);
	}
	path = lib_path(c->hooks_dir, LIB_HA);
	h = cJSON_CreateObject();
	cJSON_AddStringToObject(h, "library", path);
	params = cJSON_AddObjectToObject(h, "parameters");
	cJSON_AddItemToArray(cJSON_AddArrayToObject(params, "high-availability"), entry);
	cJSON_AddItemToArray(hooks, h);
	sbuf_printf(d, "+ hooks-libraries: %s\n", path);
	diff_ha(d, entry);
	free(path);
}

static bool name_used(const struct plan_add_choices *c, const struct kea_config *k,
		      const bool *have, int nk)
{
	for (size_t i = 0; i < c->nknown; i++)
		if (util_streq(c->known_names[i], c->name))
			return true;
	for (int i = 0; i < nk; i++)
		for (int j = 0; have[i] && j < k[i].nrels; j++)
			if (util_streq(k[i].rel[j].keaha_name, c->name))
				return true;
	return false;
}

/* Whether this server is secondary/standby (its own peer's role) in any relationship. */
static bool is_secondary(const struct kea_config *k)
{
	for (int j = 0; j < k->nrels; j++)
		for (int p = 0; p < k->rel[j].npeers; p++)
			if (util_streq(k->rel[j].peer[p].name, k->rel[j].this_server_name) &&
			    (k->rel[j].peer[p].role == HA_ROLE_SECONDARY ||
			     k->rel[j].peer[p].role == HA_ROLE_STANDBY))
				return true;
	return false;
}

static bool check_choices(const struct plan_add_choices *c, struct plan_result *r)
{
	if (empty(c->name))
		return refuse(r, "the relationship needs a name");
	if (c->mode != HA_MODE_LOAD_BALANCING && c->mode != HA_MODE_HOT_STANDBY)
		return refuse(r, "mode must be load-balancing or hot-standby (backup servers are not "
			      "supported)");
	if (empty(c->primary.name) || empty(c->partner.name))
		return refuse(r, "both servers need a name");
	if (strcmp(c->primary.name, c->partner.name) == 0)
		return refuse(r, "the primary and its partner are the same server (%s)",
			      c->primary.name);
	return true;
}

/* This server's own role in one of its relationships. */
static enum ha_role own_role(const struct ha_rel_config *rel)
{
	for (int p = 0; p < rel->npeers; p++)
		if (util_streq(rel->peer[p].name, rel->this_server_name))
			return rel->peer[p].role;
	return HA_ROLE_UNKNOWN;
}

/*
 * Whether a server that already has relationships of this service may take
 * one more (hub-and-spoke, Kea 3 README section 4): Kea 3, hot-standby
 * only, and the same role in every relationship (a standby somewhere never
 * becomes a primary elsewhere). False with why.
 */
static bool hub_ok(const struct plan_add_choices *c, const struct plan_server *s,
		   const struct kea_config *k, enum ha_role role, char *why, size_t size)
{
	const char *svc = kea_service_label(c->service);

	if (s->kea_major < 3)
		return set_why(why, size, "%s already has a %s HA relationship: one per service and "
			       "server (several, hub-and-spoke, need Kea 3)", s->name, svc);
	if (c->mode != HA_MODE_HOT_STANDBY)
		return set_why(why, size, "%s already has a %s HA relationship: a hub takes more in "
			       "hot-standby only", s->name, svc);
	if (k->nrels < 1 || k->nrels >= HA_MAX_RELS)
		return set_why(why, size, "%s has an HA hook with %d relationships: not a hub keaha "
			       "can extend", s->name, k->nrels);
	for (int j = 0; j < k->nrels; j++) {
		enum ha_role own = own_role(&k->rel[j]);
		if (k->rel[j].mode != HA_MODE_HOT_STANDBY)
			return set_why(why, size, "%s is in a %s relationship (%s): a hub's relationships "
				       "are all hot-standby", s->name, ha_mode_name(k->rel[j].mode),
				       k->rel[j].this_server_name);
		if (own != role)
			return set_why(why, size, "%s is %s in relationship %s: it cannot be %s in another",
				       s->name, ha_role_name(own), k->rel[j].this_server_name,
				       ha_role_name(role));
	}
	return true;
}

static bool name_taken(const struct kea_config *k, const char *name, const char *other)
{
	if (util_streq(name, other))
		return true;
	for (int j = 0; j < k->nrels; j++)
		for (int p = 0; p < k->rel[j].npeers; p++)
			if (util_streq(k->rel[j].peer[p].name, name))
				return true;
	return false;
}

/*
 * A hub's this-server-name for its new relationship: Kea maps every peer
 * name of every relationship to that relationship, so it must be new to
 * the hub: keaha's name for the server, else NAME-N.
 */
static void hub_name(const struct kea_config *k, const char *base, const char *other, char *out,
		     size_t size)
{
	snprintf(out, size, "%s", base);
	for (int n = k->nrels + 1; name_taken(k, out, other) && n < k->nrels + 100; n++)
		snprintf(out, size, "%s-%d", base, n);
}

/*
 * Decodes both configs ([0] primary, [1] partner) and the other service's
 * ([2], [3]) and applies the per-server rules; a server already in
 * relationships of this service must make a hub (hub_ok), and only one may.
 * self[i] gets each server's this-server-name for the new relationship.
 */
static bool check_servers(const struct plan_add_choices *c, struct plan_result *r, int *hub)
{
	const struct plan_server *s[2] = {&c->primary, &c->partner};
	struct kea_config *k = xcalloc(4, sizeof(*k));
	enum kea_service other = c->service == KEA_DHCP4 ? KEA_DHCP6 : KEA_DHCP4;
	char err[DECODE_ERR_LEN], why[PLAN_REASON_LEN];
	bool have[4] = {false, false, false, false}, ok = true;

	*hub = -1;
	for (int i = 0; ok && i < 2; i++) {
		enum ha_role role = i == 0 ? HA_ROLE_PRIMARY : c->mode == HA_MODE_LOAD_BALANCING ?
				    HA_ROLE_SECONDARY : HA_ROLE_STANDBY;
		strlcpy_(r->self[i], s[i]->name, sizeof(r->self[i]));
		if (!decode_config(s[i]->config, c->service, &k[i], err, sizeof(err)))
			ok = refuse(r, "%s does not run %s (its configuration has no %s map)",
				    s[i]->name, kea_service_label(c->service),
				    kea_service_config_key(c->service));
		else if ((k[i].has_ha_hook || k[i].nrels > 0) && *hub >= 0)
			ok = refuse(r, "both %s and %s already have %s relationships: only one of them "
				    "can be a hub", c->primary.name, c->partner.name,
				    kea_service_label(c->service));
		else if ((k[i].has_ha_hook || k[i].nrels > 0) && !hub_ok(c, s[i], &k[i], role, why, sizeof(why)))
			ok = refuse(r, "%s", why);
		else if (k[i].has_ha_hook || k[i].nrels > 0)
			*hub = i;
		have[i] = ok;
		have[2 + i] = ok && s[i]->other &&
			      decode_config(s[i]->other, other, &k[2 + i], err, sizeof(err));
	}
	if (ok && *hub >= 0)
		hub_name(&k[*hub], s[*hub]->name, s[1 - *hub]->name, r->self[*hub], sizeof(r->self[0]));
	if (ok && have[2] && is_secondary(&k[2]))
		ok = refuse(r, "%s is secondary in a %s relationship: it cannot become primary in "
			    "another", c->primary.name, kea_service_label(other));
	if (ok && name_used(c, k, have, 4))
		ok = refuse(r, "a relationship named %s already exists", c->name);
	free(k);
	return ok;
}

/* The user-context "ha-server-name" of a subnet: which relationship of a hub serves it. */
static const char *tie_of(const cJSON *sn)
{
	return str(item(sn, "user-context"), "ha-server-name");
}

static void tie(cJSON *sn, const char *name, const char *hub, struct sbuf *d)
{
	cJSON *uc = item(sn, "user-context");

	if (!cJSON_IsObject(uc)) {
		cJSON_DeleteItemFromObjectCaseSensitive(sn, "user-context");
		uc = cJSON_AddObjectToObject(sn, "user-context");
	}
	cJSON_DeleteItemFromObjectCaseSensitive(uc, "ha-server-name");
	cJSON_AddStringToObject(uc, "ha-server-name", name);
	sbuf_printf(d, "~ subnet %s: served by %s's relationship %s (user-context ha-server-name)\n",
		    subnet_label(sn), hub, name);
}

/*
 * A hub serves a subnet only for the relationship its user-context
 * "ha-server-name" names: once it has several, Kea drops the clients of an
 * untied subnet. Every subnet of the spoke must be on the hub, untied or
 * tied to this relationship, and is tied to it; with one relationship so
 * far, the hub's untied subnets are tied to that one.
 */
static bool tie_subnets(const struct plan_add_choices *c, struct plan_result *r, int hub)
{
	const struct plan_server *s[2] = {&c->primary, &c->partner};
	const cJSON *list = ha_list(find_hook(hooks_list(r->config[hub], c->service), LIB_HA));
	const char *first = cJSON_GetArraySize(list) == 2 ? str(list->child, "this-server-name") : NULL;
	struct subnets hs, ss;
	bool ok = true, *mine;

	subnets_collect(r->config[hub], c->service, &hs);
	subnets_collect(r->config[1 - hub], c->service, &ss);
	mine = xcalloc(hs.n + 1, sizeof(*mine));
	for (size_t i = 0; ok && i < ss.n; i++) {
		size_t j = 0;
		while (j < hs.n && !same_subnet(ss.v[i], hs.v[j]))
			j++;
		if (j == hs.n)
			ok = refuse(r, "subnet %s of %s is not on %s: a hub needs its spokes' subnets "
				    "(same subnet and id); add it there first", subnet_label(ss.v[i]),
				    s[1 - hub]->name, s[hub]->name);
		else if (tie_of(hs.v[j]) && !util_streq(tie_of(hs.v[j]), r->self[hub]))
			ok = refuse(r, "subnet %s on %s already belongs to its relationship %s",
				    subnet_label(hs.v[j]), s[hub]->name, tie_of(hs.v[j]));
		else
			mine[j] = true;
	}
	for (size_t j = 0; ok && j < hs.n; j++) {
		if (mine[j])
			tie(hs.v[j], r->self[hub], s[hub]->name, &r->diff[hub]);
		else if (!tie_of(hs.v[j]) && first)
			tie(hs.v[j], first, s[hub]->name, &r->diff[hub]);
		else if (!tie_of(hs.v[j]))
			sbuf_printf(&r->warnings, "subnet %s on %s is tied to none of its relationships: "
				    "Kea drops its clients' packets\n", subnet_label(hs.v[j]), s[hub]->name);
	}
	free(mine);
	free(hs.v);
	free(ss.v);
	return ok;
}

bool plan_add(const struct plan_add_choices *c, struct plan_result *out)
{
	const struct plan_server *s[2] = {&c->primary, &c->partner};
	struct plan_add_choices named = *c;
	char why[PLAN_REASON_LEN];
	int hub;

	result_init(out);
	if (!check_choices(c, out) || !check_servers(c, out, &hub))
		return false;
	/* The peers by their names in this relationship (a hub's may differ). */
	named.primary.name = out->self[0];
	named.partner.name = out->self[1];
	for (int i = 0; i < 2; i++) {
		cJSON *e = ha_entry(&named, out->self[i]);
		add_http_mode(e, s[i]);
		if (!plan_check_ha(e, why, sizeof(why))) {
			cJSON_Delete(e);
			return refuse(out, "%s", why);
		}
		out->config[i] = dup(s[i]->config);
		add_hooks(out->config[i], &named, e, &out->diff[i]);
	}
	if (hub >= 0 && !tie_subnets(c, out, hub))
		return false;
	if (c->mode == HA_MODE_LOAD_BALANCING && !split_all(c, out))
		return false;
	out->ok = true;
	return true;
}

/* ---- removing ----------------------------------------------------------------- */

/* A relationship as found on one server. */
struct found {
	cJSON *hook;     /* the HA hooks-libraries entry */
	cJSON *entry;    /* its high-availability[] element */
};


static bool entry_named(const cJSON *e, const char *name)
{
	return util_streq(str(item(item(e, "user-context"), "keaha"), "name"), name) ||
	       util_streq(str(e, "this-server-name"), name);
}

/* Same relationship: the same set of peer names. */
static bool same_peers(const cJSON *a, const cJSON *b)
{
	const cJSON *p, *q;

	if (cJSON_GetArraySize(item(a, "peers")) != cJSON_GetArraySize(item(b, "peers")))
		return false;
	cJSON_ArrayForEach(p, item(a, "peers")) {
		bool found = false;
		cJSON_ArrayForEach(q, item(b, "peers"))
			found |= util_streq(str(p, "name"), str(q, "name"));
		if (!found)
			return false;
	}
	return true;
}

/* Finds the entry by name, or (with like) the entry with like's peers. */
static bool find_rel(cJSON *args, enum kea_service service, const char *name, const cJSON *like,
		     struct found *f)
{
	cJSON *hook = find_hook(hooks_list(args, service), LIB_HA), *e;

	cJSON_ArrayForEach(e, ha_list(hook)) {
		if (like ? same_peers(e, like) : entry_named(e, name)) {
			f->hook = hook;
			f->entry = e;
			return true;
		}
	}
	return false;
}

/* The peer name with one of the two roles given. */
static const char *peer_with_role(const cJSON *e, enum ha_role r1, enum ha_role r2)
{
	const cJSON *p;

	cJSON_ArrayForEach(p, item(e, "peers")) {
		enum ha_role r = ha_role_parse(str(p, "role"));
		if (r == r1 || r == r2)
			return str(p, "name");
	}
	return NULL;
}

static int index_of(const cJSON *list, const cJSON *x)
{
	int i = 0;
	const cJSON *c;

	cJSON_ArrayForEach(c, list) {
		if (c == x)
			return i;
		i++;
	}
	return -1;
}

static void drop_hook(cJSON *hooks, int i, struct sbuf *d)
{
	cJSON *h = cJSON_DetachItemFromArray(hooks, i);

	sbuf_printf(d, "- hooks-libraries: %s\n", str(h, "library"));
	cJSON_Delete(h);
}

/*
 * Removes the relationship. When it is the HA hook's only one, the hook goes,
 * and with it libdhcp_lease_cmds.so if it sits right before or right after
 * the HA hook with no parameters of its own: that is where keaha (and the
 * documented procedure) puts it, and an entry placed anywhere else was put
 * there for another reason, so it stays.
 */
static void remove_rel(cJSON *args, enum kea_service service, const struct found *f,
		       const char *name, struct sbuf *d)
{
	cJSON *hooks = hooks_list(args, service), *list = ha_list(f->hook), *lc;
	int i;

	if (cJSON_GetArraySize(list) > 1) {
		cJSON_DeleteItemFromArray(list, index_of(list, f->entry));
		sbuf_printf(d, "- high-availability: relationship %s (the HA hook stays for the "
			    "others)\n", name);
		return;
	}
	i = index_of(hooks, f->hook);
	lc = cJSON_GetArrayItem(hooks, i + 1);
	if (lc && lib_is(str(lc, "library"), LIB_LEASE_CMDS) && !item(lc, "parameters"))
		drop_hook(hooks, i + 1, d);
	drop_hook(hooks, i, d);
	lc = i > 0 ? cJSON_GetArrayItem(hooks, i - 1) : NULL;
	if (lc && lib_is(str(lc, "library"), LIB_LEASE_CMDS) && !item(lc, "parameters")) {
		/* Listed first, as it was added: keep the diff in file order. */
		cJSON *h = cJSON_DetachItemFromArray(hooks, i - 1);
		char *line = xasprintf("- hooks-libraries: %s\n", str(h, "library"));
		char *rest = sbuf_take(d);
		sbuf_puts(d, line);
		sbuf_puts(d, rest ? rest : "");
		free(line);
		free(rest);
		cJSON_Delete(h);
	}
	sbuf_printf(d, "- high-availability: relationship %s\n", name);
}

static bool ha_classed(const cJSON *p, const char *cls[2])
{
	const char *cc = str(p, "client-class");

	return util_streq(cc, cls[0]) || util_streq(cc, cls[1]);
}

static cJSON *pool_unclassed(const cJSON *p, const char *pool)
{
	cJSON *m = dup(p);

	cJSON_DeleteItemFromObjectCaseSensitive(m, "client-class");
	keaha_ctx_drop(m, "split-of");
	if (pool)
		cJSON_ReplaceItemInObjectCaseSensitive(m, "pool", cJSON_CreateString(pool));
	return m;
}

/*
 * Undoes a load-balancing split in one subnet: two neighbours that remember
 * the same original (split-of) become it again; any other pool classed for
 * either peer just loses its class (it was split by someone else).
 */
static void merge_subnet(cJSON *sn, const char *cls[2], struct sbuf *d)
{
	cJSON *pools = item(sn, "pools"), *out, *p;

	if (!pools)
		return;
	out = cJSON_CreateArray();
	for (p = pools->child; p; p = p->next) {
		const char *so = str(keaha_ctx(p, false), "split-of");
		cJSON *q = p->next;
		if (so && q && ha_classed(p, cls) && ha_classed(q, cls) &&
		    util_streq(so, str(keaha_ctx(q, false), "split-of"))) {
			sbuf_printf(d, "~ subnet %s pools %s (%s), %s (%s) -> %s\n", subnet_label(sn),
				    str(p, "pool"), str(p, "client-class"), str(q, "pool"),
				    str(q, "client-class"), so);
			cJSON_AddItemToArray(out, pool_unclassed(p, so));
			p = q;
		} else if (ha_classed(p, cls)) {
			sbuf_printf(d, "~ subnet %s pool %s: client-class %s removed\n",
				    subnet_label(sn), str(p, "pool"), str(p, "client-class"));
			cJSON_AddItemToArray(out, pool_unclassed(p, NULL));
		} else {
			cJSON_AddItemToArray(out, dup(p));
		}
	}
	cJSON_ReplaceItemInObjectCaseSensitive(sn, "pools", out);
}

/* Pools (and pd-pools) into user-context keaha.disabled-pools: no address served. */
static void disable_subnet(cJSON *sn, struct sbuf *d)
{
	static const char *const keys[2][2] = {{"pools", "disabled-pools"},
					       {"pd-pools", "disabled-pd-pools"}};

	for (int i = 0; i < 2; i++) {
		cJSON *pools = item(sn, keys[i][0]), *k;
		if (cJSON_GetArraySize(pools) == 0)
			continue;
		k = keaha_ctx(sn, true);
		if (!k || item(k, keys[i][1]))
			continue;
		cJSON_AddItemToObject(k, keys[i][1], dup(pools));
		cJSON_ReplaceItemInObjectCaseSensitive(sn, keys[i][0], cJSON_CreateArray());
		sbuf_printf(d, "~ subnet %s %s -> none (kept in user-context keaha.%s)\n",
			    subnet_label(sn), keys[i][0], keys[i][1]);
	}
}

static void delete_subnets(cJSON *args, enum kea_service service, struct sbuf *d)
{
	cJSON *dhcp = item(args, kea_service_config_key(service)), *net, *sn;
	const char *key = subnet_key(service);

	cJSON_ArrayForEach(sn, item(dhcp, key))
		sbuf_printf(d, "- subnet %s\n", subnet_label(sn));
	if (item(dhcp, key))
		cJSON_ReplaceItemInObjectCaseSensitive(dhcp, key, cJSON_CreateArray());
	cJSON_ArrayForEach(net, item(dhcp, "shared-networks")) {
		cJSON_ArrayForEach(sn, item(net, key))
			sbuf_printf(d, "- subnet %s (shared network %s)\n", subnet_label(sn),
				    str(net, "name") ? str(net, "name") : "?");
		if (item(net, key))
			cJSON_ReplaceItemInObjectCaseSensitive(net, key, cJSON_CreateArray());
	}
}

/* Pool merge on one server, then what the scopes choice says for the secondary. */
static void remove_scopes(cJSON *args, const struct plan_remove_choices *c, bool lb,
			  bool secondary, const char *cls[2], struct sbuf *d)
{
	struct subnets s;

	if (secondary && c->scopes == PLAN_SCOPES_DELETE) {
		delete_subnets(args, c->service, d);
		return;
	}
	subnets_collect(args, c->service, &s);
	for (size_t i = 0; i < s.n; i++) {
		if (lb)
			merge_subnet(s.v[i], cls, d);
		if (secondary && c->scopes == PLAN_SCOPES_DISABLE)
			disable_subnet(s.v[i], d);
	}
	free(s.v);
}

/* Finds the relationship on both servers: f[i] on config[i]. */
static bool find_both(const struct plan_remove_choices *c, struct plan_result *r,
		      struct found f[2])
{
	int a = find_rel(r->config[0], c->service, c->name, NULL, &f[0]) ? 0 : 1;

	if (a == 1 && !find_rel(r->config[1], c->service, c->name, NULL, &f[1]))
		return refuse(r, "no %s relationship named %s on either server",
			      kea_service_label(c->service), c->name);
	if (!find_rel(r->config[1 - a], c->service, NULL, f[a].entry, &f[1 - a]))
		return refuse(r, "relationship %s is configured on one server only",
			      c->name);
	return true;
}

/* The peer names of a relationship entry (copies: the entry is about to go). */
struct names {
	int n;
	char v[HA_MAX_PEERS][KEA_NAME_LEN];
};

static void names_of(const cJSON *entry, struct names *nm)
{
	const cJSON *p;

	nm->n = 0;
	cJSON_ArrayForEach(p, item(entry, "peers"))
		if (nm->n < HA_MAX_PEERS && str(p, "name"))
			strlcpy_(nm->v[nm->n++], str(p, "name"), sizeof(nm->v[0]));
}

static bool tied_to(const cJSON *sn, const struct names *nm)
{
	for (int i = 0; i < nm->n; i++)
		if (util_streq(tie_of(sn), nm->v[i]))
			return true;
	return false;
}

/* Deletes the subnets of one list tied to the removed relationship. */
static void drop_tied(cJSON *list, const struct names *nm, struct sbuf *d)
{
	cJSON *sn = list ? list->child : NULL;

	while (sn) {
		cJSON *next = sn->next;
		if (tied_to(sn, nm)) {
			sbuf_printf(d, "- subnet %s (served by the removed relationship)\n", subnet_label(sn));
			cJSON_Delete(cJSON_DetachItemViaPointer(list, sn));
		}
		sn = next;
	}
}

/*
 * A hub keeps its other relationships, and a subnet tied to the removed one
 * cannot stay served: tied to no relationship Kea drops its clients, and
 * with one relationship left it would be served (and its leases sent)
 * under the wrong one. So on the hub those subnets keep no pools: pools and
 * tie go to user-context keaha (disabled-pools, ha-server-name), to be
 * undone by hand; with delete on a standby hub they are deleted.
 */
static void hub_detach(cJSON *args, const struct plan_remove_choices *c, bool secondary,
		       const struct names *nm, const char *hub, struct sbuf *d, struct sbuf *w)
{
	cJSON *dhcp = item(args, kea_service_config_key(c->service)), *net;
	struct subnets s;

	if (secondary && c->scopes == PLAN_SCOPES_DELETE) {
		drop_tied(item(dhcp, subnet_key(c->service)), nm, d);
		cJSON_ArrayForEach(net, item(dhcp, "shared-networks"))
			drop_tied(item(net, subnet_key(c->service)), nm, d);
		return;
	}
	subnets_collect(args, c->service, &s);
	for (size_t i = 0; i < s.n; i++) {
		cJSON *k;
		if (!tied_to(s.v[i], nm))
			continue;
		disable_subnet(s.v[i], d);
		k = keaha_ctx(s.v[i], true);
		cJSON_DeleteItemFromObjectCaseSensitive(k, "ha-server-name");
		cJSON_AddStringToObject(k, "ha-server-name", tie_of(s.v[i]));
		cJSON_DeleteItemFromObjectCaseSensitive(item(s.v[i], "user-context"), "ha-server-name");
		sbuf_printf(d, "~ subnet %s: no longer tied to a relationship (kept in user-context "
			    "keaha.ha-server-name)\n", subnet_label(s.v[i]));
		sbuf_printf(w, "subnet %s stays on hub %s without pools: a hub cannot serve it without "
			    "the relationship\n", subnet_label(s.v[i]), hub);
	}
	free(s.v);
}

bool plan_remove(const struct plan_remove_choices *c, struct plan_result *out)
{
	struct found f[2];
	char cls[2][KEA_NAME_LEN + 4], label[KEA_NAME_LEN], sec[KEA_NAME_LEN];
	const char *clsp[2] = {cls[0], cls[1]}, *prim, *s, *n;
	bool lb;

	result_init(out);
	if (c->scopes == PLAN_SCOPES_UNSET)
		return refuse(out, "choose what happens to the secondary's scopes: keep, disable "
			      "or delete");
	if (empty(c->name) || !c->config[0] || !c->config[1])
		return refuse(out, "removal needs a relationship name and both configurations");
	for (int i = 0; i < 2; i++)
		out->config[i] = dup(c->config[i]);
	if (!find_both(c, out, f))
		return false;
	lb = ha_mode_parse(str(f[0].entry, "mode")) == HA_MODE_LOAD_BALANCING;
	prim = peer_with_role(f[0].entry, HA_ROLE_PRIMARY, HA_ROLE_PRIMARY);
	s = peer_with_role(f[0].entry, HA_ROLE_SECONDARY, HA_ROLE_STANDBY);
	if (!prim || !s)
		return refuse(out, "relationship %s has no primary and secondary/standby", c->name);
	/* Copies: the entries are freed as the relationship is removed. */
	snprintf(cls[0], sizeof(cls[0]), "HA_%s", prim);
	snprintf(cls[1], sizeof(cls[1]), "HA_%s", s);
	strlcpy_(sec, s, sizeof(sec));
	n = str(item(item(f[0].entry, "user-context"), "keaha"), "name");
	strlcpy_(label, n ? n : c->name, sizeof(label));
	for (int i = 0; i < 2; i++) {
		bool secondary = util_streq(str(f[i].entry, "this-server-name"), sec);
		bool hub = cJSON_GetArraySize(ha_list(f[i].hook)) > 1;
		struct names nm;
		names_of(f[i].entry, &nm);
		strlcpy_(out->self[i], str(f[i].entry, "this-server-name") ? str(f[i].entry,
			 "this-server-name") : "", sizeof(out->self[i]));
		remove_rel(out->config[i], c->service, &f[i], label, &out->diff[i]);
		if (hub)
			hub_detach(out->config[i], c, secondary, &nm, out->self[i], &out->diff[i],
				   &out->warnings);
		else
			remove_scopes(out->config[i], c, lb, secondary, clsp, &out->diff[i]);
	}
	if (c->scopes == PLAN_SCOPES_KEEP && !plan_has_ha(out->config[0], c->service) &&
	    !plan_has_ha(out->config[1], c->service))
		sbuf_printf(&out->warnings, "%s and %s will both hand out the same pools "
			    "independently: two clients can get one address\n", cls[0] + 3, sec);
	out->ok = true;
	return true;
}
