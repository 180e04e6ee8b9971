/*
 * The replication records. A relationship's name may hold any character a
 * Kea server name holds; the file name keeps letters, digits, '-', '_' and
 * '.', and replaces the rest.
 */
#include "replstate.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "util.h"

static void path_of(const char *dir, const char *rel, char *out, size_t size)
{
	char leaf[KEA_NAME_LEN * 2 + 8];
	size_t k = 0;

	for (const char *p = rel; *p && k + 1 < sizeof(leaf); p++) {
		char c = *p;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			  c == '-' || c == '_' || (c == '.' && k > 0);
		leaf[k++] = ok ? c : '_';
	}
	leaf[k] = '\0';
	snprintf(out, size, "%s/replication/%s.json", dir, leaf);
}

void replstate_load(const char *state_dir, const char *rel, struct replstate *out)
{
	char path[1024], *text;
	cJSON *j;
	const char *s;

	memset(out, 0, sizeof(*out));
	if (!state_dir)
		return;
	path_of(state_dir, rel, path, sizeof(path));
	text = util_read_file(path, 1u << 20);
	j = text ? cJSON_Parse(text) : NULL;
	free(text);
	s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "in-sync"));
	if (s && sscanf(s, "%" SCNx64, &out->in_sync) == 1)
		out->has_in_sync = true;
	s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "pinned"));
	strlcpy_(out->pinned, s ? s : "", sizeof(out->pinned));
	s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "pinned-since"));
	strlcpy_(out->pinned_since, s ? s : "", sizeof(out->pinned_since));
	cJSON_Delete(j);
}

bool replstate_save(const char *state_dir, const char *rel, const struct replstate *st)
{
	char path[1024], dir[1024], hash[24], tmp[1100];
	cJSON *j = cJSON_CreateObject();
	char *text;
	bool ok = false;
	int fd;

	if (!state_dir)
		return false;
	snprintf(dir, sizeof(dir), "%s/replication", state_dir);
	path_of(state_dir, rel, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (st->has_in_sync) {
		snprintf(hash, sizeof(hash), "%016" PRIx64, st->in_sync);
		cJSON_AddStringToObject(j, "in-sync", hash);
	}
	if (st->pinned[0]) {
		cJSON_AddStringToObject(j, "pinned", st->pinned);
		cJSON_AddStringToObject(j, "pinned-since", st->pinned_since);
	}
	text = cJSON_Print(j);
	cJSON_Delete(j);
	fd = util_mkdirs(dir) ? open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) : -1;
	if (fd >= 0) {
		size_t len = strlen(text);
		ok = write(fd, text, len) == (ssize_t)len;
		ok = close(fd) == 0 && ok;
		/* Renamed into place: a reader never sees half a record. */
		ok = ok && rename(tmp, path) == 0;
	}
	cJSON_free(text);
	return ok;
}

void replstate_apply(struct model *m, const char *state_dir)
{
	for (int i = 0; i < m->nrels; i++) {
		struct replstate st;
		replstate_load(state_dir, m->rels[i].name, &st);
		if (strcmp(st.pinned, m->rels[i].drift.pinned) != 0)
			m->generation++;
		strlcpy_(m->rels[i].drift.pinned, st.pinned, sizeof(m->rels[i].drift.pinned));
	}
}
