/*
 * Kea configurations from captured fixtures, for unit tests (header only;
 * include after fixture.h). The tests of plan.c, replica.c, drift and
 * relationship_cmd.c all start from a real configuration and read parts of
 * what comes out: one loader and one path lookup, so they read fixtures alike.
 *
 *   cJSON *a = configs_args("config-get.dhcp4.plain-a.no-ha");   (yours: cJSON_Delete)
 *   configs_sget(a, "Dhcp4.subnet4.0.subnet")
 */
#ifndef KEAHA_TEST_CONFIGS_H
#define KEAHA_TEST_CONFIGS_H

#include "fixture.h"

/* A copy of a fixture's configuration: a config-get's answer, else the request's arguments
 * (config-set); frees f. A fixture with none fails the test. */
static inline cJSON *configs_args_of(struct fixture *f, const char *name)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(f->request, "arguments");
	cJSON *copy;

	if (strncmp(name, "config-get", 10) == 0)
		a = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(f->response, 0), "arguments");
	copy = a ? cJSON_Duplicate(a, true) : NULL;
	fixture_free(f);
	if (!copy)
		fail_msg("%s has no arguments", name);
	return copy;
}

/* The same from the Kea 2.2 fixtures, and from the Kea 3.0 ones. */
static inline cJSON *configs_args(const char *name)
{
	return configs_args_of(fixture_load(name), name);
}

static inline cJSON *configs_args3(const char *name)
{
	return configs_args_of(fixture_load3(name), name);
}

/* The node at a dotted path ("Dhcp4.subnet4.0.pools"; numbers index arrays), or NULL. */
static inline cJSON *configs_get(const cJSON *o, const char *path)
{
	char buf[256], *save = NULL, *k;

	snprintf(buf, sizeof(buf), "%s", path);
	for (k = strtok_r(buf, ".", &save); k && o; k = strtok_r(NULL, ".", &save)) {
		if (k[0] >= '0' && k[0] <= '9')
			o = cJSON_GetArrayItem(o, atoi(k));
		else
			o = cJSON_GetObjectItemCaseSensitive(o, k);
	}
	return (cJSON *)o;
}

/* The string at a dotted path, "(none)" when there is none. */
static inline const char *configs_sget(const cJSON *o, const char *path)
{
	const cJSON *v = configs_get(o, path);

	return cJSON_IsString(v) ? v->valuestring : "(none)";
}

#endif
