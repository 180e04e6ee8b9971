/*
 * A service's subnets as the plan sees them: collected from the top level
 * and from shared networks, told apart by prefix and id (the same subnet
 * on two servers), and what removal may do to the secondary's: disable
 * (pools kept aside in user-context keaha, reversible) or delete.
 */
#include "plan.h"

#include <stdlib.h>
#include <string.h>

#include "plan_internal.h"

static void add_list(struct plan_subnets *s, const cJSON *list)
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

void plan_subnet_collect(const cJSON *args, enum kea_service service, struct plan_subnets *s)
{
	const cJSON *dhcp = plan_item(args, kea_service_config_key(service)), *net;

	memset(s, 0, sizeof(*s));
	add_list(s, plan_item(dhcp, plan_subnet_key(service)));
	cJSON_ArrayForEach(net, plan_item(dhcp, "shared-networks"))
		add_list(s, plan_item(net, plan_subnet_key(service)));
}

const char *plan_subnet_label(const cJSON *sn)
{
	const char *p = plan_str(sn, "subnet");

	return p ? p : "?";
}

bool plan_subnet_same(const cJSON *a, const cJSON *b)
{
	const cJSON *ia = plan_item(a, "id"), *ib = plan_item(b, "id");

	if (!util_streq(plan_str(a, "subnet"), plan_str(b, "subnet")))
		return false;
	return !cJSON_IsNumber(ia) || !cJSON_IsNumber(ib) || ia->valuedouble == ib->valuedouble;
}

void plan_subnet_disable(cJSON *sn, struct sbuf *d)
{
	static const char *const keys[2][2] = {{"pools", "disabled-pools"},
					       {"pd-pools", "disabled-pd-pools"}};

	for (int i = 0; i < 2; i++) {
		cJSON *pools = plan_item(sn, keys[i][0]), *k;
		if (cJSON_GetArraySize(pools) == 0)
			continue;
		k = plan_keaha_ctx(sn, true);
		if (!k || plan_item(k, keys[i][1]))
			continue;
		cJSON_AddItemToObject(k, keys[i][1], plan_dup(pools));
		cJSON_ReplaceItemInObjectCaseSensitive(sn, keys[i][0], cJSON_CreateArray());
		sbuf_printf(d, "~ subnet %s %s -> none (kept in user-context keaha.%s)\n",
			    plan_subnet_label(sn), keys[i][0], keys[i][1]);
	}
}

void plan_subnet_delete_all(cJSON *args, enum kea_service service, struct sbuf *d)
{
	cJSON *dhcp = plan_item(args, kea_service_config_key(service)), *net, *sn;
	const char *key = plan_subnet_key(service);

	cJSON_ArrayForEach(sn, plan_item(dhcp, key))
		sbuf_printf(d, "- subnet %s\n", plan_subnet_label(sn));
	if (plan_item(dhcp, key))
		cJSON_ReplaceItemInObjectCaseSensitive(dhcp, key, cJSON_CreateArray());
	cJSON_ArrayForEach(net, plan_item(dhcp, "shared-networks")) {
		cJSON_ArrayForEach(sn, plan_item(net, key))
			sbuf_printf(d, "- subnet %s (shared network %s)\n", plan_subnet_label(sn),
				    plan_str(net, "name") ? plan_str(net, "name") : "?");
		if (plan_item(net, key))
			cJSON_ReplaceItemInObjectCaseSensitive(net, key, cJSON_CreateArray());
	}
}
