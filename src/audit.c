/*
 * One writer for audit.log, so that the relationship commands, the HA
 * actions and replication log the same fields the same way.
 */
#include "audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

#include "util.h"

cJSON *audit_entry(const char *what)
{
	const char *user = getenv("USER");
	time_t now = time(NULL);
	char when[32];
	struct tm tm;
	cJSON *j = cJSON_CreateObject();

	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	cJSON_AddStringToObject(j, "time", when);
	cJSON_AddStringToObject(j, "who", user ? user : "?");
	cJSON_AddStringToObject(j, "what", what ? what : "");
	return j;
}

void audit_append(const char *state_dir, cJSON *entry)
{
	char path[600], *line;
	FILE *f;

	if (state_dir && util_mkdirs(state_dir)) {
		snprintf(path, sizeof(path), "%s/audit.log", state_dir);
		line = cJSON_PrintUnformatted(entry);
		f = fopen(path, "a");
		if (f && line) {
			fchmod(fileno(f), 0600);
			fprintf(f, "%s\n", line);
		}
		if (f)
			fclose(f);
		cJSON_free(line);
	}
	cJSON_Delete(entry);
}

const char *audit_txn_result(const struct txn_result *r)
{
	return r->ok ? "applied" : r->rolled_back ? "rolled back" : "half-applied";
}
