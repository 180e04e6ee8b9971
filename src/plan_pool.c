/*
 * Address ranges and the load-balancing pool split. Each pool of the
 * service is cut in two halves classed HA_<primary> and HA_<partner>,
 * identically on both servers (Kea's load-balancing serves a client from
 * the half of the server its hash picks); each half remembers the original
 * pool in its user-context ({"keaha": {"split-of": POOL}}) so removal can
 * merge it back exactly. Pools are "a-b" or "prefix/len", v4 or v6.
 */
#include "plan.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan_internal.h"

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

/* ---- a pool's class ------------------------------------------------------------- */

/*
 * Kea 2.x writes a pool's class as "client-class"; Kea 3.0 turns it into
 * "client-classes" (a list) and config-get returns that, so a split made on
 * Kea 3 comes back as ["HA_x"] (seen on the 3.0 lab's agent pair).
 */
static bool pool_has_class(const cJSON *p)
{
	return plan_item(p, "client-class") || cJSON_GetArraySize(plan_item(p, "client-classes")) > 0;
}

/* The pool's one class, from either form; NULL with none or several. */
static const char *pool_class(const cJSON *p)
{
	const cJSON *l = plan_item(p, "client-classes");

	if (plan_item(p, "client-class"))
		return plan_str(p, "client-class");
	if (cJSON_GetArraySize(l) == 1 && cJSON_IsString(l->child))
		return l->child->valuestring;
	return NULL;
}

/* ---- the split ------------------------------------------------------------------ */

/* One half of a split pool. */
static cJSON *pool_half(const cJSON *pool, const struct range *r, u128 lo, u128 hi,
			const char *cls)
{
	cJSON *h = plan_dup(pool);
	char *s = range_format(r->family, lo, hi, "-");

	cJSON_ReplaceItemInObjectCaseSensitive(h, "pool", cJSON_CreateString(s));
	cJSON_AddStringToObject(h, "client-class", cls);
	cJSON_AddStringToObject(plan_keaha_ctx(h, true), "split-of", plan_str(pool, "pool"));
	free(s);
	return h;
}

struct split_ctx {
	char cls[2][KEA_NAME_LEN + 4]; /* HA_<primary>, HA_<partner> */
	struct plan_result *r;
};

/* Why pool p of subnet sn cannot be split (refuses), else its range in r. */
static bool splittable(const cJSON *sn, const cJSON *p, struct range *r, struct split_ctx *x)
{
	const char *ps = plan_str(p, "pool");

	if (pool_has_class(p))
		return plan_refuse(x->r, "subnet %s pool %s already has a client-class: it cannot be "
				   "split for load-balancing", plan_subnet_label(sn), ps ? ps : "?");
	if (!ps || !range_parse(ps, r) || r->hi == r->lo)
		return plan_refuse(x->r, "subnet %s pool %s cannot be split in two for "
				   "load-balancing (%s)", plan_subnet_label(sn), ps ? ps : "?",
				   ps && range_parse(ps, r) ? "a single address" : "not a range");
	return true;
}

static void diff_split(const cJSON *sn, const struct range *r, u128 mid, struct split_ctx *x)
{
	char *a = range_format(r->family, r->lo, r->hi, " - ");
	char *b = range_format(r->family, r->lo, mid, " - ");
	char *c = range_format(r->family, mid + 1, r->hi, " - ");

	for (int i = 0; i < 2; i++)
		sbuf_printf(&x->r->diff[i], "~ subnet %s pool %s -> %s (%s), %s (%s)\n",
			    plan_subnet_label(sn), a, b, x->cls[0], c, x->cls[1]);
	free(a);
	free(b);
	free(c);
}

/* Splits every pool of one subnet in place; with log, a diff line for both servers. */
static bool split_subnet(cJSON *sn, struct split_ctx *x, bool log)
{
	cJSON *pools = plan_item(sn, "pools"), *out = cJSON_CreateArray(), *p;

	cJSON_ArrayForEach(p, pools) {
		struct range r;
		if (!splittable(sn, p, &r, x)) {
			cJSON_Delete(out);
			return false;
		}
		u128 mid = r.lo + (r.hi - r.lo) / 2;
		cJSON_AddItemToArray(out, pool_half(p, &r, r.lo, mid, x->cls[0]));
		cJSON_AddItemToArray(out, pool_half(p, &r, mid + 1, r.hi, x->cls[1]));
		if (log)
			diff_split(sn, &r, mid, x);
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
	cJSON_ArrayForEach(p, plan_item(sn, "pools"))
		sbuf_printf(&b, "%s;", plan_str(p, "pool") ? plan_str(p, "pool") : "?");
	cJSON_ArrayForEach(p, plan_item(sn, "pd-pools"))
		sbuf_printf(&b, "pd %s/%d;", plan_str(p, "prefix") ? plan_str(p, "prefix") : "?",
			    plan_item(p, "prefix-len") ? plan_item(p, "prefix-len")->valueint : 0);
	sbuf_puts(&b, "");
	return sbuf_take(&b);
}

/* Load-balancing splits pools identically on both: the subnets must match. */
static bool subnets_match(const struct plan_subnets *s0, const struct plan_subnets *s1,
			  const struct plan_add_choices *c, struct plan_result *r)
{
	if (s0->n != s1->n)
		return plan_refuse(r, "subnets differ between %s (%zu) and %s (%zu)", c->primary.name,
				   s0->n, c->partner.name, s1->n);
	for (size_t i = 0; i < s0->n; i++) {
		size_t j = 0;
		while (j < s1->n && !plan_subnet_same(s0->v[i], s1->v[j]))
			j++;
		if (j == s1->n)
			return plan_refuse(r, "subnet %s (on %s) is not on %s with the same id",
					   plan_subnet_label(s0->v[i]), c->primary.name, c->partner.name);
		char *a = pools_text(s0->v[i]), *b = pools_text(s1->v[j]);
		bool same = strcmp(a, b) == 0;
		free(a);
		free(b);
		if (!same)
			return plan_refuse(r, "subnet %s has different pools on %s and %s",
					   plan_subnet_label(s0->v[i]), c->primary.name, c->partner.name);
		if (cJSON_GetArraySize(plan_item(s0->v[i], "pd-pools")) > 0)
			return plan_refuse(r, "subnet %s has prefix delegation pools: splitting them is "
					   "not supported", plan_subnet_label(s0->v[i]));
	}
	return true;
}

bool plan_pool_split(const struct plan_add_choices *c, struct plan_result *r)
{
	struct plan_subnets s[2];
	struct split_ctx x;
	bool ok;

	x.r = r;
	snprintf(x.cls[0], sizeof(x.cls[0]), "HA_%s", c->primary.name);
	snprintf(x.cls[1], sizeof(x.cls[1]), "HA_%s", c->partner.name);
	for (int i = 0; i < 2; i++)
		plan_subnet_collect(r->config[i], c->service, &s[i]);
	ok = subnets_match(&s[0], &s[1], c, r);
	/* Split on the primary (with the diff line), then the same subnet on the partner. */
	for (size_t i = 0; ok && i < s[0].n; i++) {
		ok = split_subnet(s[0].v[i], &x, true);
		for (size_t j = 0; ok && j < s[1].n; j++)
			if (plan_subnet_same(s[0].v[i], s[1].v[j]))
				ok = split_subnet(s[1].v[j], &x, false);
	}
	free(s[0].v);
	free(s[1].v);
	return ok;
}

/* ---- the merge ------------------------------------------------------------------ */

static bool ha_classed(const cJSON *p, const char *const cls[2])
{
	const char *cc = pool_class(p);

	return util_streq(cc, cls[0]) || util_streq(cc, cls[1]);
}

static cJSON *pool_unclassed(const cJSON *p, const char *pool)
{
	cJSON *m = plan_dup(p);

	cJSON_DeleteItemFromObjectCaseSensitive(m, "client-class");
	cJSON_DeleteItemFromObjectCaseSensitive(m, "client-classes");
	plan_keaha_ctx_drop(m, "split-of");
	if (pool)
		cJSON_ReplaceItemInObjectCaseSensitive(m, "pool", cJSON_CreateString(pool));
	return m;
}

/*
 * Two neighbours that remember the same original (split-of) become it
 * again; any other pool classed for either peer just loses its class (it
 * was split by someone else).
 */
void plan_pool_merge(cJSON *sn, const char *const cls[2], struct sbuf *d)
{
	cJSON *pools = plan_item(sn, "pools"), *out, *p;

	if (!pools)
		return;
	out = cJSON_CreateArray();
	for (p = pools->child; p; p = p->next) {
		const char *so = plan_str(plan_keaha_ctx(p, false), "split-of");
		cJSON *q = p->next;
		if (so && q && ha_classed(p, cls) && ha_classed(q, cls) &&
		    util_streq(so, plan_str(plan_keaha_ctx(q, false), "split-of"))) {
			sbuf_printf(d, "~ subnet %s pools %s (%s), %s (%s) -> %s\n",
				    plan_subnet_label(sn), plan_str(p, "pool"),
				    pool_class(p), plan_str(q, "pool"), pool_class(q), so);
			cJSON_AddItemToArray(out, pool_unclassed(p, so));
			p = q;
		} else if (ha_classed(p, cls)) {
			sbuf_printf(d, "~ subnet %s pool %s: client-class %s removed\n",
				    plan_subnet_label(sn), plan_str(p, "pool"), pool_class(p));
			cJSON_AddItemToArray(out, pool_unclassed(p, NULL));
		} else {
			cJSON_AddItemToArray(out, plan_dup(p));
		}
	}
	cJSON_ReplaceItemInObjectCaseSensitive(sn, "pools", out);
}
