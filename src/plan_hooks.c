/*
 * The hooks-libraries of a configuration: where a server keeps its hook
 * files (its build-report, else its other hooks), and the HA hook put in
 * with its high-availability entry, or taken out with it. lease_cmds goes
 * in right before the HA hook, as in the runtime creation that worked
 * (fixtures config-set.*.add-ha), and out again only from there.
 */
#include "plan.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "plan_internal.h"

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

/* The hooks-libraries list of the service, or NULL. */
static cJSON *hooks_list(const cJSON *args, enum kea_service service)
{
	return plan_item(plan_item(args, kea_service_config_key(service)), "hooks-libraries");
}

bool plan_hooks_dir_from_config(const cJSON *args, enum kea_service service, char *out,
				size_t size)
{
	const cJSON *h;

	cJSON_ArrayForEach(h, hooks_list(args, service)) {
		const char *lib = plan_str(h, "library"), *slash = lib ? strrchr(lib, '/') : NULL;
		size_t n = slash ? (size_t)(slash - lib) : 0;
		if (n == 0 || n >= size)
			continue;
		memcpy(out, lib, n);
		out[n] = '\0';
		return true;
	}
	return false;
}

cJSON *plan_hooks_ha_list(const cJSON *hook)
{
	return plan_item(plan_item(hook, "parameters"), "high-availability");
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
		if (lib_is(plan_str(h, "library"), file))
			return h;
	return NULL;
}

cJSON *plan_hooks_find_ha(const cJSON *args, enum kea_service service)
{
	return find_hook(hooks_list(args, service), PLAN_LIB_HA);
}

bool plan_has_ha(const cJSON *args, enum kea_service service)
{
	return plan_hooks_find_ha(args, service) != NULL;
}

static char *lib_path(const char *dir, const char *file)
{
	size_t n = dir ? strlen(dir) : 0;

	if (n == 0)
		return xstrdup(file);
	return xasprintf("%s%s%s", dir, dir[n - 1] == '/' ? "" : "/", file);
}

/* Appends a hooks-libraries entry for file in dir; the new entry. */
static cJSON *add_lib(cJSON *hooks, const char *dir, const char *file, struct sbuf *d)
{
	char *path = lib_path(dir, file);
	cJSON *h = cJSON_CreateObject();

	cJSON_AddStringToObject(h, "library", path);
	cJSON_AddItemToArray(hooks, h);
	sbuf_printf(d, "+ hooks-libraries: %s\n", path);
	free(path);
	return h;
}

void plan_hooks_add_ha(cJSON *args, const struct plan_add_choices *c, cJSON *entry,
		       struct sbuf *d)
{
	cJSON *dhcp = plan_item(args, kea_service_config_key(c->service));
	cJSON *hooks = plan_item(dhcp, "hooks-libraries"), *h;

	if (!cJSON_IsArray(hooks)) {
		cJSON_DeleteItemFromObjectCaseSensitive(dhcp, "hooks-libraries");
		hooks = cJSON_AddArrayToObject(dhcp, "hooks-libraries");
	}
	h = find_hook(hooks, PLAN_LIB_HA);
	if (h && cJSON_IsArray(plan_hooks_ha_list(h))) {
		/* A hub: one more relationship in the HA hook it already runs. */
		cJSON_AddItemToArray(plan_hooks_ha_list(h), entry);
		return;
	}
	if (!find_hook(hooks, PLAN_LIB_LEASE_CMDS))
		add_lib(hooks, c->hooks_dir, PLAN_LIB_LEASE_CMDS, d);
	h = add_lib(hooks, c->hooks_dir, PLAN_LIB_HA, d);
	cJSON_AddItemToArray(cJSON_AddArrayToObject(cJSON_AddObjectToObject(h, "parameters"),
						    "high-availability"), entry);
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

	sbuf_printf(d, "- hooks-libraries: %s\n", plan_str(h, "library"));
	cJSON_Delete(h);
}

/* lease_cmds as keaha adds it: that library, no parameters of its own. */
static bool plain_lease_cmds(const cJSON *h)
{
	return h && lib_is(plan_str(h, "library"), PLAN_LIB_LEASE_CMDS) &&
	       !plan_item(h, "parameters");
}

/*
 * Removes the relationship. When it is the HA hook's only one, the hook goes,
 * and with it libdhcp_lease_cmds.so if it sits right before or right after
 * the HA hook with no parameters of its own: that is where keaha (and the
 * documented procedure) puts it, and an entry placed anywhere else was put
 * there for another reason, so it stays.
 */
void plan_hooks_remove_ha(cJSON *args, enum kea_service service, cJSON *hook, cJSON *entry,
			  const char *name, struct sbuf *d)
{
	cJSON *hooks = hooks_list(args, service), *list = plan_hooks_ha_list(hook);
	int i;

	if (cJSON_GetArraySize(list) > 1) {
		cJSON_DeleteItemFromArray(list, index_of(list, entry));
		sbuf_printf(d, "- high-availability: relationship %s (the HA hook stays for the "
			    "others)\n", name);
		return;
	}
	i = index_of(hooks, hook);
	if (plain_lease_cmds(cJSON_GetArrayItem(hooks, i + 1)))
		drop_hook(hooks, i + 1, d);
	drop_hook(hooks, i, d);
	if (i > 0 && plain_lease_cmds(cJSON_GetArrayItem(hooks, i - 1))) {
		/* Listed first, as it was added: keep the diff in file order. */
		cJSON *h = cJSON_DetachItemFromArray(hooks, i - 1);
		char *line = xasprintf("- hooks-libraries: %s\n", plan_str(h, "library"));
		char *rest = sbuf_take(d);
		sbuf_puts(d, line);
		sbuf_puts(d, rest ? rest : "");
		free(line);
		free(rest);
		cJSON_Delete(h);
	}
	sbuf_printf(d, "- high-availability: relationship %s\n", name);
}
