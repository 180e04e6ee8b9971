/*
 * Drift in words: how one server's configuration differs from another's,
 * the way an administrator would say it. Lists whose elements have an
 * identity (subnets by prefix, options by space and name, classes and
 * shared networks by name, reservations by identifier) are compared element
 * by element, never by position, so a reordered list is no drift. Output
 * order: the Dhcp4/Dhcp6 keys sorted, then each list's elements sorted by
 * identity: the same two configurations always give the same lines.
 */
#include "replica.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ID_LEN 160

struct dctx {
	const char *na, *nb;
	struct sbuf *out;
	int n;
};

struct elem {
	char id[ID_LEN];
	const cJSON *j;
	const char *home;   /* a subnet's shared network, NULL at the top level */
};

static void line(struct dctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void line(struct dctx *c, const char *fmt, ...)
{
	va_list ap;

	c->n++;
	if (c->n > REPLICA_MAX_LINES)
		return;
	va_start(ap, fmt);
	sbuf_vprintf(c->out, fmt, ap);
	va_end(ap);
	sbuf_puts(c->out, "\n");
}

static const char *str_of(const cJSON *o, const char *k)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

typedef void (*id_fn)(const cJSON *e, char *out, size_t size);

static int by_id(const void *a, const void *b)
{
	return strcmp(((const struct elem *)a)->id, ((const struct elem *)b)->id);
}

/* A list's elements with their identities, sorted; *n of them. */
static struct elem *elems(const cJSON *list, id_fn id, int *n)
{
	int cap = cJSON_GetArraySize(list), k = 0;
	struct elem *e = xcalloc((size_t)(cap ? cap : 1), sizeof(*e));
	const cJSON *c;

	cJSON_ArrayForEach(c, list) {
		if (k >= cap)
			break;
		id(c, e[k].id, sizeof(e[k].id));
		e[k++].j = c;
	}
	qsort(e, (size_t)k, sizeof(*e), by_id);
	*n = k;
	return e;
}

/* What a keyed walk does with elements on one side only, and with both. */
struct walk {
	void (*only)(struct dctx *c, const char *ctx, const char *id, const char *side, void *u);
	void (*both)(struct dctx *c, const char *ctx, const char *id, const cJSON *a,
		     const cJSON *b, void *u);
	void *u;
};

static void walk_keyed(struct dctx *c, const cJSON *la, const cJSON *lb, id_fn id,
		       const char *ctx, const struct walk *w)
{
	int na, nb, i = 0, k = 0;
	struct elem *a = elems(la, id, &na), *b = elems(lb, id, &nb);

	while (i < na || k < nb) {
		int cmp = i >= na ? 1 : k >= nb ? -1 : strcmp(a[i].id, b[k].id);
		if (cmp < 0)
			w->only(c, ctx, a[i++].id, c->na, w->u);
		else if (cmp > 0)
			w->only(c, ctx, b[k++].id, c->nb, w->u);
		else {
			w->both(c, ctx, a[i].id, a[i].j, b[k].j, w->u);
			i++, k++;
		}
	}
	free(a);
	free(b);
}

/* Identities. */
static void id_subnet(const cJSON *e, char *out, size_t size)
{
	snprintf(out, size, "%s", str_of(e, "subnet") ? str_of(e, "subnet") : "?");
}

static void id_name(const cJSON *e, char *out, size_t size)
{
	snprintf(out, size, "%s", str_of(e, "name") ? str_of(e, "name") : "?");
}

static void id_option(const cJSON *e, char *out, size_t size)
{
	const char *space = str_of(e, "space"), *name = str_of(e, "name");
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(e, "code");
	char n[64];

	if (name)
		snprintf(n, sizeof(n), "%s", name);
	else
		snprintf(n, sizeof(n), "code %d", cJSON_IsNumber(code) ? code->valueint : -1);
	if (space && strcmp(space, "dhcp4") != 0 && strcmp(space, "dhcp6") != 0)
		snprintf(out, size, "%s.%s", space, n);
	else
		snprintf(out, size, "%s", n);
}

static void id_pool(const cJSON *e, char *out, size_t size)
{
	const cJSON *len = cJSON_GetObjectItemCaseSensitive(e, "prefix-len");

	if (str_of(e, "prefix"))
		snprintf(out, size, "%s/%d", str_of(e, "prefix"), cJSON_IsNumber(len) ? len->valueint : 0);
	else
		snprintf(out, size, "%s", str_of(e, "pool") ? str_of(e, "pool") : "?");
}

static void id_reservation(const cJSON *e, char *out, size_t size)
{
	static const char *const ids[] = { "hw-address", "duid", "client-id", "circuit-id", "flex-id" };

	for (size_t i = 0; i < ARRAY_LEN(ids); i++)
		if (str_of(e, ids[i])) {
			snprintf(out, size, "%s %s", ids[i], str_of(e, ids[i]));
			return;
		}
	snprintf(out, size, "?");
}

static void only_named(struct dctx *c, const char *ctx, const char *id, const char *side, void *u)
{
	line(c, "%s%s %s only on %s", ctx, (const char *)u, id, side);
}

static void both_named(struct dctx *c, const char *ctx, const char *id, const cJSON *a,
		       const cJSON *b, void *u)
{
	if (!cJSON_Compare(a, b, true))
		line(c, "%s%s %s differs", ctx, (const char *)u, id);
}

static void compare_named(struct dctx *c, const cJSON *a, const cJSON *b, id_fn id,
			  const char *ctx, const char *what)
{
	struct walk w = { only_named, both_named, (void *)what };

	walk_keyed(c, a, b, id, ctx, &w);
}

/* Pools whose range is on one side only; a changed range is one on each side. */
struct pool_odd {
	const char *what;
	int na, nb, cap;
	char (*a)[ID_LEN], (*b)[ID_LEN];
};

static void pool_only(struct dctx *c, const char *ctx, const char *id, const char *side, void *u)
{
	struct pool_odd *p = u;

	(void)ctx;
	if (side == c->na && p->na < p->cap)
		snprintf(p->a[p->na++], ID_LEN, "%s", id);
	else if (side != c->na && p->nb < p->cap)
		snprintf(p->b[p->nb++], ID_LEN, "%s", id);
}

static void pool_both(struct dctx *c, const char *ctx, const char *id, const cJSON *a,
		      const cJSON *b, void *u)
{
	both_named(c, ctx, id, a, b, (void *)((struct pool_odd *)u)->what);
}

/*
 * Pools are known by their range, so a changed range would read as two
 * pools "only on" either side: those are paired in range order and said in
 * one line, "pool A differs (B on NAME)"; what is left over is "only on".
 */
static void compare_pools(struct dctx *c, const cJSON *a, const cJSON *b, const char *ctx,
			  const char *what)
{
	int cap = cJSON_GetArraySize(a) + cJSON_GetArraySize(b) + 1, i;
	struct pool_odd p = { what, 0, 0, cap, xcalloc((size_t)cap, ID_LEN), xcalloc((size_t)cap, ID_LEN) };
	struct walk w = { pool_only, pool_both, &p };

	walk_keyed(c, a, b, id_pool, ctx, &w);
	for (i = 0; i < p.na && i < p.nb; i++)
		line(c, "%s%s %s differs (%s on %s)", ctx, what, p.a[i], p.b[i], c->nb);
	for (int k = i; k < p.na; k++)
		line(c, "%s%s %s only on %s", ctx, what, p.a[k], c->na);
	for (int k = i; k < p.nb; k++)
		line(c, "%s%s %s only on %s", ctx, what, p.b[k], c->nb);
	free(p.a);
	free(p.b);
}

/* Reservations are counted, not listed: a big subnet has thousands. */
struct res_count {
	int only_a, only_b, differ;
};

static void res_only(struct dctx *c, const char *ctx, const char *id, const char *side, void *u)
{
	struct res_count *r = u;

	(void)ctx, (void)id;
	if (side == c->na)
		r->only_a++;
	else
		r->only_b++;
}

static void res_both(struct dctx *c, const char *ctx, const char *id, const cJSON *a,
		     const cJSON *b, void *u)
{
	(void)c, (void)ctx, (void)id;
	if (!cJSON_Compare(a, b, true))
		((struct res_count *)u)->differ++;
}

static void compare_reservations(struct dctx *c, const cJSON *a, const cJSON *b, const char *ctx)
{
	struct res_count r = { 0 };
	struct walk w = { res_only, res_both, &r };

	walk_keyed(c, a, b, id_reservation, ctx, &w);
	if (r.only_a)
		line(c, "%s%d reservation%s only on %s", ctx, r.only_a, r.only_a == 1 ? "" : "s", c->na);
	if (r.only_b)
		line(c, "%s%d reservation%s only on %s", ctx, r.only_b, r.only_b == 1 ? "" : "s", c->nb);
	if (r.differ)
		line(c, "%s%d reservation%s differ%s", ctx, r.differ, r.differ == 1 ? "" : "s",
		     r.differ == 1 ? "s" : "");
}

static void compare_map(struct dctx *c, const cJSON *a, const cJSON *b, const char *ctx,
			const char *const *skip, size_t nskip);

/* A key's values on both sides: lists with identities element by element, else whole. */
static void compare_value(struct dctx *c, const char *key, const cJSON *a, const cJSON *b,
			  const char *ctx)
{
	if (!strcmp(key, "option-data"))
		compare_named(c, a, b, id_option, ctx, "option");
	else if (!strcmp(key, "option-def"))
		compare_named(c, a, b, id_option, ctx, "option definition");
	else if (!strcmp(key, "client-classes"))
		compare_named(c, a, b, id_name, ctx, "client class");
	else if (!strcmp(key, "pools") || !strcmp(key, "pd-pools"))
		compare_pools(c, a, b, ctx, !strcmp(key, "pools") ? "pool" : "pd-pool");
	else if (!strcmp(key, "reservations"))
		compare_reservations(c, a, b, ctx);
	else if (!cJSON_Compare(a, b, true))
		line(c, "%s%s differs", ctx, key);
}

static void subnet_both(struct dctx *c, const char *ctx, const char *id, const cJSON *a,
			const cJSON *b, void *u)
{
	static const char *const skip[] = { "subnet" };
	char sub[ID_LEN + 16];

	(void)ctx, (void)u;
	snprintf(sub, sizeof(sub), "subnet %s: ", id);
	compare_map(c, a, b, sub, skip, ARRAY_LEN(skip));
}

static void subnet_only(struct dctx *c, const char *ctx, const char *id, const char *side, void *u)
{
	(void)ctx, (void)u;
	line(c, "subnet %s only on %s", id, side);
}

/* Every subnet, wherever it is (top level or in a shared network), with its home; sorted. */
static struct elem *all_subnets(const cJSON *map, const char *key, int *n)
{
	const cJSON *nets = cJSON_GetObjectItemCaseSensitive(map, "shared-networks"), *s, *net;
	int cap = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(map, key)), k = 0;
	struct elem *e;

	cJSON_ArrayForEach(net, nets)
		cap += cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(net, key));
	e = xcalloc((size_t)(cap ? cap : 1), sizeof(*e));
	cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(map, key)) {
		id_subnet(s, e[k].id, sizeof(e[k].id));
		e[k++].j = s;
	}
	cJSON_ArrayForEach(net, nets)
		cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(net, key)) {
			id_subnet(s, e[k].id, sizeof(e[k].id));
			e[k].home = str_of(net, "name") ? str_of(net, "name") : "?";
			e[k++].j = s;
		}
	qsort(e, (size_t)k, sizeof(*e), by_id);
	*n = k;
	return e;
}

/* A subnet moved into, out of or between shared networks. */
static void subnet_home(struct dctx *c, const struct elem *a, const struct elem *b)
{
	if (!a->home && !b->home)
		return;
	if (a->home && b->home && !strcmp(a->home, b->home))
		return;
	if (a->home && b->home)
		line(c, "subnet %s: in shared network %s on %s, in %s on %s", a->id, a->home, c->na,
		     b->home, c->nb);
	else
		line(c, "subnet %s: in shared network %s on %s, outside any shared network on %s",
		     a->id, a->home ? a->home : b->home, a->home ? c->na : c->nb, a->home ? c->nb : c->na);
}

static void compare_subnets(struct dctx *c, const cJSON *ma, const cJSON *mb, const char *key)
{
	int na, nb, i = 0, k = 0;
	struct elem *a = all_subnets(ma, key, &na), *b = all_subnets(mb, key, &nb);

	while (i < na || k < nb) {
		int cmp = i >= na ? 1 : k >= nb ? -1 : strcmp(a[i].id, b[k].id);
		if (cmp < 0)
			subnet_only(c, "", a[i++].id, c->na, NULL);
		else if (cmp > 0)
			subnet_only(c, "", b[k++].id, c->nb, NULL);
		else {
			subnet_home(c, &a[i], &b[k]);
			subnet_both(c, "", a[i].id, a[i].j, b[k].j, NULL);
			i++, k++;
		}
	}
	free(a);
	free(b);
}

static void net_both(struct dctx *c, const char *ctx, const char *id, const cJSON *a,
		     const cJSON *b, void *u)
{
	static const char *const skip[] = { "name", "subnet4", "subnet6" };
	char sub[ID_LEN + 24];

	(void)ctx, (void)u;
	snprintf(sub, sizeof(sub), "shared network %s: ", id);
	compare_map(c, a, b, sub, skip, ARRAY_LEN(skip));
}

static void net_only(struct dctx *c, const char *ctx, const char *id, const char *side, void *u)
{
	(void)ctx, (void)u;
	line(c, "shared network %s only on %s", id, side);
}

static void compare_ha(struct dctx *c, const cJSON *a, const cJSON *b)
{
	static const char *const skip[] = { "" };
	int na = cJSON_GetArraySize(a), nb = cJSON_GetArraySize(b);

	if (na != nb || na != 1) {
		if (!cJSON_Compare(a, b, true))
			line(c, "HA relationships differ");
		return;
	}
	compare_map(c, cJSON_GetArrayItem(a, 0), cJSON_GetArrayItem(b, 0), "HA ", skip, 1);
}

static bool skipped(const char *key, const char *const *skip, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(skip[i], key))
			return true;
	return false;
}

static int by_string(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The union of two maps' keys, sorted; *n of them (borrowed strings). */
static const char **union_keys(const cJSON *a, const cJSON *b, int *n)
{
	int cap = cJSON_GetArraySize(a) + cJSON_GetArraySize(b), k = 0;
	const char **keys = xcalloc((size_t)(cap ? cap : 1), sizeof(*keys));
	const cJSON *e;

	cJSON_ArrayForEach(e, a)
		keys[k++] = e->string;
	cJSON_ArrayForEach(e, b)
		if (!cJSON_GetObjectItemCaseSensitive(a, e->string))
			keys[k++] = e->string;
	qsort(keys, (size_t)k, sizeof(*keys), by_string);
	*n = k;
	return keys;
}

/* Key by key; subnets and shared networks get lines of their own. */
static void compare_map(struct dctx *c, const cJSON *a, const cJSON *b, const char *ctx,
			const char *const *skip, size_t nskip)
{
	int n;
	const char **keys = union_keys(a, b, &n);

	for (int i = 0; i < n; i++) {
		const cJSON *va = cJSON_GetObjectItemCaseSensitive(a, keys[i]);
		const cJSON *vb = cJSON_GetObjectItemCaseSensitive(b, keys[i]);
		if (!keys[i] || skipped(keys[i], skip, nskip))
			continue;
		if (!va || !vb)
			line(c, "%s%s only on %s", ctx, keys[i], va ? c->na : c->nb);
		else if (!*ctx && (!strcmp(keys[i], "subnet4") || !strcmp(keys[i], "subnet6")))
			compare_subnets(c, a, b, keys[i]);
		else if (!*ctx && !strcmp(keys[i], "shared-networks")) {
			struct walk w = { net_only, net_both, NULL };
			walk_keyed(c, va, vb, id_name, "", &w);
		} else if (!*ctx && !strcmp(keys[i], "high-availability"))
			compare_ha(c, va, vb);
		else
			compare_value(c, keys[i], va, vb, ctx);
	}
	free(keys);
}

int replica_drift(const cJSON *a, const cJSON *b, enum kea_service svc, const char *name_a,
		  const char *name_b, struct sbuf *out)
{
	const char *key = kea_service_config_key(svc);
	const cJSON *ma = cJSON_GetObjectItemCaseSensitive(a, key);
	const cJSON *mb = cJSON_GetObjectItemCaseSensitive(b, key);
	struct dctx c = { name_a, name_b, out, 0 };

	if (!cJSON_IsObject(ma) || !cJSON_IsObject(mb)) {
		line(&c, "%s configuration only on %s", key, cJSON_IsObject(ma) ? name_a : name_b);
		return c.n;
	}
	compare_map(&c, ma, mb, "", NULL, 0);
	if (c.n > REPLICA_MAX_LINES)
		sbuf_printf(out, "... and %d more differences\n", c.n - REPLICA_MAX_LINES);
	return c.n;
}
