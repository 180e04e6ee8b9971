/*
 * Passwords in configurations: masked in everything keaha shows (diffs,
 * the editor, logs), and put back from the original wherever an edited
 * copy still holds the mask, so what is sent keeps the real secrets. A key
 * is a secret when it is "password" or ends in "-password"/"_password".
 */
#include "plan.h"

#include <string.h>

#include "plan_internal.h"

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
	const char *name = plan_str(e, "name");
	const cJSON *o;

	if (name) {
		cJSON_ArrayForEach(o, original)
			if (util_streq(plan_str(o, "name"), name))
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
						       : plan_item(original, c->string);
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
