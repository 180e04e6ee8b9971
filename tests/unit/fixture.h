/*
 * Captured Kea exchanges for unit tests (header only).
 *
 * A fixture is an envelope NAME.json in shared/kea/fixtures (Kea 2.2) or
 * shared/kea/kea3/fixtures (Kea 3.0): request, url, curl {exit_code, error},
 * http {status, headers {Date, ...}}, response (the parsed body or null) and
 * raw_body_file; raw/NAME.body holds the exact bytes received.
 *
 *   $KEAHA_FIXTURES   2.2 directory, default ../shared/kea/fixtures
 *   $KEAHA_FIXTURES3  3.0 directory, default ../shared/kea/kea3/fixtures
 * (relative defaults are taken from the repository root, where tests run).
 *
 *   struct fixture *f = fixture_load("status-get.dhcp4.lb-primary.normal");
 *   ... f->body, f->body_len, f->http_status, f->curl_exit, f->date ...
 *   fixture_free(f);
 *
 * A missing or broken fixture fails the running test with fail_msg().
 * Include <cmocka.h> (with its prerequisites) before this file, or let this
 * file include it.
 */
#ifndef KEAHA_TEST_FIXTURE_H
#define KEAHA_TEST_FIXTURE_H

#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#define FIXTURE_PATH_LEN 1024

struct fixture {
	char name[256];
	char dir[FIXTURE_PATH_LEN];
	cJSON *envelope;          /* the whole NAME.json */
	const cJSON *request;     /* borrowed from envelope; NULL if absent */
	const cJSON *response;    /* borrowed; NULL when the response was null */
	const char *command;      /* request.command, or NULL (not a map, missing) */
	char *body;               /* body bytes + a NUL; NULL when none came back */
	size_t body_len;
	bool body_is_raw;         /* read from raw/NAME.body (else printed from response) */
	int http_status;          /* 0 when null (no HTTP answer) */
	int curl_exit;
	const char *curl_error;   /* NULL when null */
	const char *date;         /* the Date header, NULL when absent */
};

static inline const char *fixture_dir(void)
{
	const char *d = getenv("KEAHA_FIXTURES");

	return d && *d ? d : "../shared/kea/fixtures";
}

static inline const char *fixture_dir3(void)
{
	const char *d = getenv("KEAHA_FIXTURES3");

	return d && *d ? d : "../shared/kea/kea3/fixtures";
}

/* Reads a whole file; NULL (errno set) when it cannot. Adds a NUL. */
static inline char *fixture_read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!fp)
		return NULL;
	for (;;) {
		size_t got;
		if (cap - n < 4096) {
			char *nb;
			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				free(buf);
				fclose(fp);
				return NULL;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n, fp);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(fp)) {
		free(buf);
		fclose(fp);
		return NULL;
	}
	fclose(fp);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static inline void fixture_free(struct fixture *f)
{
	if (!f)
		return;
	cJSON_Delete(f->envelope);
	free(f->body);
	free(f);
}

static inline const char *fixture_header_(const cJSON *headers, const char *name)
{
	const cJSON *obj = cJSON_IsObject(headers) ? headers : NULL;
	const cJSON *h;

	cJSON_ArrayForEach(h, obj)
		if (h->string && strcasecmp(h->string, name) == 0 && cJSON_IsString(h))
			return h->valuestring;
	return NULL;
}

/* Loads dir/NAME.json; fails the test when it is missing or broken. */
static inline struct fixture *fixture_load_from(const char *dir, const char *name)
{
	char path[FIXTURE_PATH_LEN * 2];
	struct fixture *f;
	const cJSON *http, *curl, *v, *rawf;
	char *text;
	size_t len = 0;

	snprintf(path, sizeof(path), "%s/%s.json", dir, name);
	text = fixture_read_file(path, &len);
	if (!text) {
		fail_msg("fixture %s missing: cannot read %s (%s); set KEAHA_FIXTURES / "
			 "KEAHA_FIXTURES3 or run from the repository root",
			 name, path, strerror(errno));
		return NULL;
	}
	f = calloc(1, sizeof(*f));
	if (!f) {
		free(text);
		fail_msg("out of memory loading fixture %s", name);
		return NULL;
	}
	snprintf(f->name, sizeof(f->name), "%s", name);
	snprintf(f->dir, sizeof(f->dir), "%s", dir);
	f->envelope = cJSON_ParseWithLength(text, len);
	free(text);
	if (!cJSON_IsObject(f->envelope)) {
		fixture_free(f);
		fail_msg("fixture %s: %s is not a JSON envelope", name, path);
		return NULL;
	}
	f->request = cJSON_GetObjectItemCaseSensitive(f->envelope, "request");
	v = cJSON_GetObjectItemCaseSensitive(f->request, "command");
	f->command = cJSON_IsObject(f->request) && cJSON_IsString(v) ? v->valuestring : NULL;
	v = cJSON_GetObjectItemCaseSensitive(f->envelope, "response");
	f->response = v && !cJSON_IsNull(v) ? v : NULL;

	http = cJSON_GetObjectItemCaseSensitive(f->envelope, "http");
	v = cJSON_GetObjectItemCaseSensitive(http, "status");
	f->http_status = cJSON_IsNumber(v) ? v->valueint : 0;
	f->date = fixture_header_(cJSON_GetObjectItemCaseSensitive(http, "headers"), "Date");
	curl = cJSON_GetObjectItemCaseSensitive(f->envelope, "curl");
	v = cJSON_GetObjectItemCaseSensitive(curl, "exit_code");
	f->curl_exit = cJSON_IsNumber(v) ? v->valueint : 0;
	v = cJSON_GetObjectItemCaseSensitive(curl, "error");
	f->curl_error = cJSON_IsString(v) ? v->valuestring : NULL;

	/* The exact bytes: raw_body_file, else raw/NAME.body, else the response
	 * printed again, else nothing (no HTTP answer). */
	rawf = cJSON_GetObjectItemCaseSensitive(f->envelope, "raw_body_file");
	if (cJSON_IsString(rawf))
		snprintf(path, sizeof(path), "%s/%s", dir, rawf->valuestring);
	else
		snprintf(path, sizeof(path), "%s/raw/%s.body", dir, name);
	f->body = fixture_read_file(path, &f->body_len);
	if (f->body) {
		f->body_is_raw = true;
	} else if (cJSON_IsString(rawf)) {
		fixture_free(f);
		fail_msg("fixture %s: raw body %s missing (%s)", name, path, strerror(errno));
		return NULL;
	} else if (f->response) {
		f->body = cJSON_PrintUnformatted(f->response);
		if (!f->body) {
			fixture_free(f);
			fail_msg("fixture %s: cannot print the response", name);
			return NULL;
		}
		f->body_len = strlen(f->body);
	}
	return f;
}

/* A Kea 2.2 fixture. */
static inline struct fixture *fixture_load(const char *name)
{
	return fixture_load_from(fixture_dir(), name);
}

/* A Kea 3.0 fixture. */
static inline struct fixture *fixture_load3(const char *name)
{
	return fixture_load_from(fixture_dir3(), name);
}

typedef void (*fixture_cb)(const char *dir, const char *name, void *ud);

static inline int fixture_cmp_(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Calls cb(dir, name, ud) for every dir/NAME.json whose NAME starts with
 * prefix ("" = all), in name order; returns how many. Fails the test when
 * the directory cannot be read.
 */
static inline int fixture_list(const char *dir, const char *prefix, fixture_cb cb, void *ud)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0, plen = strlen(prefix);

	if (!d) {
		fail_msg("fixture directory %s: %s (set KEAHA_FIXTURES / KEAHA_FIXTURES3)", dir,
			 strerror(errno));
		return 0;
	}
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len <= 5 || strcmp(e->d_name + len - 5, ".json") != 0 ||
		    strncmp(e->d_name, prefix, plen) != 0)
			continue;
		if (n == cap) {
			char **nn;
			cap = cap ? cap * 2 : 64;
			nn = realloc(names, cap * sizeof(*names));
			if (!nn)
				break;
			names = nn;
		}
		names[n] = strndup(e->d_name, len - 5);
		if (names[n])
			n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), fixture_cmp_);
	for (size_t i = 0; i < n; i++)
		cb(dir, names[i], ud);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return (int)n;
}

#endif
