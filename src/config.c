/*
 * The configuration parser. Keys are looked up in one table per section so
 * that the accepted names, their types and their documentation (README,
 * man page) stay one list.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

#define MAX_SERVERS 10000

void config_defaults(struct keaha_config *c)
{
	memset(c, 0, sizeof(*c));
	c->poll_interval = 2.0;
	c->request_timeout = 3.0;
	c->replicate = true;
	c->agent_port = 8000;
	strlcpy_(c->theme, "default", sizeof(c->theme));
}

void config_free(struct keaha_config *c)
{
	for (int i = 0; i < c->nservers; i++) {
		struct server_auth *a = &c->servers[i].auth;
		char **fields[] = { &a->user, &a->password_file, &a->ca_file, &a->cert_file,
				    &a->key_file, &a->proxy };
		for (size_t f = 0; f < ARRAY_LEN(fields); f++)
			util_text_set(fields[f], "", 0);
		if (c->servers[i].password) {
			memset(c->servers[i].password, 0, strlen(c->servers[i].password));
			free(c->servers[i].password);
		}
	}
	free(c->servers);
	c->servers = NULL;
	c->nservers = 0;
}

const struct server_conf *config_server_by_url(const struct keaha_config *c, const char *url)
{
	for (int i = 0; i < c->nservers; i++)
		if (model_url_same(c->servers[i].url, url))
			return &c->servers[i];
	return NULL;
}

void config_endpoint_opts(const struct keaha_config *c, const char *url, struct endpoint_opts *out)
{
	config_server_endpoint_opts(config_server_by_url(c, url), url, out);
}

void config_server_endpoint_opts(const struct server_conf *s, const char *url,
				 struct endpoint_opts *out)
{
	*out = (struct endpoint_opts){ .url = url };
	if (!s)
		return;
	out->user = s->auth.user;
	out->password = s->password;
	out->ca_file = s->auth.ca_file;
	out->cert_file = s->auth.cert_file;
	out->key_file = s->auth.key_file;
	out->proxy = s->auth.proxy[0] ? s->auth.proxy : NULL;
}

void config_default_path(char *out, size_t size)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");

	if (xdg && *xdg)
		snprintf(out, size, "%s/keaha/config", xdg);
	else
		snprintf(out, size, "%s/.config/keaha/config", home ? home : ".");
}

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

bool config_normalize_url(const struct keaha_config *c, const char *in, char *out, size_t size)
{
	const char *host = in;
	const char *scheme = "http://";
	bool has_port;
	size_t hostlen;

	if (strncmp(in, "http://", 7) == 0)
		host = in + 7;
	else if (strncmp(in, "https://", 8) == 0) {
		host = in + 8;
		scheme = "https://";
	} else if (strstr(in, "://"))
		return false;
	hostlen = strcspn(host, "/");
	if (hostlen == 0 || strpbrk(host, " \t\"'") )
		return false;
	/* "[::1]:8000" and "127.0.0.1:8000" carry a port; "::1" alone does not. */
	if (host[0] == '[')
		has_port = memchr(host, ']', hostlen) && ((const char *)memchr(host, ']', hostlen))[1] == ':';
	else
		has_port = memchr(host, ':', hostlen) != NULL;
	if (has_port)
		snprintf(out, size, "%s%.*s%s", scheme, (int)hostlen, host, host[hostlen] ? host + hostlen : "/");
	else
		snprintf(out, size, "%s%.*s:%d%s", scheme, (int)hostlen, host, c->agent_port,
			 host[hostlen] ? host + hostlen : "/");
	return strlen(out) + 1 < size;
}

static bool parse_bool(const char *v, bool *out)
{
	if (!strcmp(v, "1") || !strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcasecmp(v, "on"))
		*out = true;
	else if (!strcmp(v, "0") || !strcasecmp(v, "no") || !strcasecmp(v, "false") || !strcasecmp(v, "off"))
		*out = false;
	else
		return false;
	return true;
}

static bool parse_seconds(const char *v, double *out, double lo, double hi)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(v, &end);
	if (errno || end == v || *trim(end) || d < lo || d > hi)
		return false;
	*out = d;
	return true;
}

/* One [keaha] preference; false with why. */
static bool set_pref(struct keaha_config *c, const char *k, const char *v, const char **why)
{
	double d;

	if (!strcmp(k, "poll-interval")) {
		*why = "poll-interval wants seconds between 0.2 and 3600";
		return parse_seconds(v, &c->poll_interval, 0.2, 3600);
	}
	if (!strcmp(k, "request-timeout")) {
		*why = "request-timeout wants seconds between 0.2 and 600";
		return parse_seconds(v, &c->request_timeout, 0.2, 600);
	}
	if (!strcmp(k, "keaReplicateSourceEdits")) {
		*why = "keaReplicateSourceEdits wants 0 or 1";
		return parse_bool(v, &c->replicate_source_edits);
	}
	if (!strcmp(k, "keaReplicateConfig")) {
		*why = "keaReplicateConfig wants 0 or 1";
		return parse_bool(v, &c->replicate);
	}
	if (!strcmp(k, "keaControlAgentHost")) {
		*why = "keaControlAgentHost too long";
		return strlcpy_(c->agent_host, v, sizeof(c->agent_host)) < sizeof(c->agent_host);
	}
	if (!strcmp(k, "keaControlAgentPort")) {
		*why = "keaControlAgentPort wants a port number";
		if (!parse_seconds(v, &d, 1, 65535) || d != (int)d)
			return false;
		c->agent_port = (int)d;
		return true;
	}
	if (!strcmp(k, "keaHooksLocation")) {
		*why = "keaHooksLocation too long";
		return strlcpy_(c->hooks_location, v, sizeof(c->hooks_location)) < sizeof(c->hooks_location);
	}
	if (!strcmp(k, "theme")) {
		*why = "theme name too long";
		return strlcpy_(c->theme, v, sizeof(c->theme)) < sizeof(c->theme);
	}
	*why = "unknown preference";
	return false;
}

/* The password file must not be readable by others: it holds a secret. */
static bool read_password(struct server_conf *s, const char **why)
{
	FILE *f = fopen(s->auth.password_file, "r");
	char buf[512];
	struct stat st;

	*why = "cannot read password-file";
	if (!f)
		return false;
	if (fstat(fileno(f), &st) == 0 && (st.st_mode & 0077)) {
		fclose(f);
		*why = "password-file is readable by others (chmod 600 it)";
		return false;
	}
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\r\n")] = '\0';
	s->password = xstrdup(buf);
	memset(buf, 0, sizeof(buf));
	return true;
}

static bool set_server_key(struct keaha_config *c, struct server_conf *s, const char *k,
			   const char *v, const char **why)
{
	static const struct { const char *key; size_t off; } paths[] = {
		{ "user", offsetof(struct server_auth, user) },
		{ "password-file", offsetof(struct server_auth, password_file) },
		{ "ca", offsetof(struct server_auth, ca_file) },
		{ "cert", offsetof(struct server_auth, cert_file) },
		{ "key", offsetof(struct server_auth, key_file) },
		{ "proxy", offsetof(struct server_auth, proxy) },
	};
	if (!strcmp(k, "url")) {
		/* Completed in finish_servers: keaControlAgentPort may come later. */
		*why = "url is not an http:// or https:// URL";
		return config_normalize_url(c, v, s->url, sizeof(s->url)) &&
		       strlcpy_(s->url, v, sizeof(s->url)) < sizeof(s->url);
	}
	if (!strcmp(k, "transport")) {
		*why = "transport wants auto, agent or direct";
		return transport_kind_parse(v, &s->transport);
	}
	for (size_t i = 0; i < ARRAY_LEN(paths); i++) {
		if (!strcmp(k, paths[i].key)) {
			char **field = (char **)((char *)&s->auth + paths[i].off);
			*why = "value too long";
			if (strlen(v) >= KEA_URL_LEN)
				return false;
			util_text_set(field, v, 0);
			return strcmp(k, "password-file") != 0 || read_password(s, why);
		}
	}
	*why = "unknown server key (url, user, password-file, ca, cert, key, proxy, transport)";
	return false;
}

static struct server_conf *add_server(struct keaha_config *c, const char *name)
{
	struct server_conf *s;

	for (int i = 0; i < c->nservers; i++)
		if (!strcmp(c->servers[i].name, name))
			return NULL;
	c->servers = xrealloc(c->servers, (size_t)(c->nservers + 1) * sizeof(*c->servers));
	s = &c->servers[c->nservers++];
	memset(s, 0, sizeof(*s));
	s->auth = (struct server_auth){ util_text_unset, util_text_unset, util_text_unset,
					util_text_unset, util_text_unset, util_text_unset };
	strlcpy_(s->name, name, sizeof(s->name));
	return s;
}

/* "[server lb-primary]" -> section "server", name "lb-primary". */
static bool parse_section(char *line, char **kind, char **name)
{
	char *end = strchr(line, ']');

	if (!end || *trim(end + 1))
		return false;
	*end = '\0';
	*kind = trim(line + 1);
	*name = strpbrk(*kind, " \t");
	if (*name) {
		*(*name)++ = '\0';
		*name = trim(*name);
	}
	return true;
}

static bool fail(char *err, size_t errlen, const char *src, int line, const char *what)
{
	snprintf(err, errlen, "%s:%d: %s", src, line, what);
	return false;
}

static bool finish_servers(struct keaha_config *c, char *err, size_t errlen)
{
	char url[KEA_URL_LEN];

	for (int i = 0; i < c->nservers; i++) {
		/* The product's keaControlAgentHost: where agents are when no url is given. */
		if (!c->servers[i].url[0] && c->agent_host[0])
			strlcpy_(c->servers[i].url, c->agent_host, sizeof(c->servers[i].url));
		if (!c->servers[i].url[0]) {
			snprintf(err, errlen, "%s: server %s has no url (and no keaControlAgentHost)",
				 c->source, c->servers[i].name);
			return false;
		}
		if (!config_normalize_url(c, c->servers[i].url, url, sizeof(url))) {
			snprintf(err, errlen, "%s: server %s: url too long", c->source, c->servers[i].name);
			return false;
		}
		strlcpy_(c->servers[i].url, url, sizeof(c->servers[i].url));
	}
	return true;
}

bool config_parse(struct keaha_config *c, const char *text, const char *source,
		  char *err, size_t errlen)
{
	char *copy = xstrdup(text), *save = NULL, *raw;
	struct server_conf *server = NULL;
	bool in_keaha = false, ok = true;
	int lineno = 0;

	strlcpy_(c->source, source, sizeof(c->source));
	for (raw = copy; raw && ok; raw = save) {
		char *line, *eq, *kind, *name;
		const char *why = "";
		save = strchr(raw, '\n');
		if (save)
			*save++ = '\0';
		lineno++;
		line = trim(raw);
		if (!*line || *line == '#' || *line == ';')
			continue;
		if (*line == '[') {
			server = NULL;
			in_keaha = false;
			if (!parse_section(line, &kind, &name))
				ok = fail(err, errlen, source, lineno, "bad section header");
			else if (!strcmp(kind, "keaha") && !name)
				in_keaha = true;
			else if (!strcmp(kind, "server") && name && *name && c->nservers < MAX_SERVERS) {
				server = add_server(c, name);
				if (!server)
					ok = fail(err, errlen, source, lineno, "server name used twice");
			} else
				ok = fail(err, errlen, source, lineno,
					  "unknown section (want [keaha] or [server NAME])");
			continue;
		}
		eq = strchr(line, '=');
		if (!eq) {
			ok = fail(err, errlen, source, lineno, "expected key = value");
			continue;
		}
		*eq = '\0';
		if (in_keaha)
			ok = set_pref(c, trim(line), trim(eq + 1), &why);
		else if (server)
			ok = set_server_key(c, server, trim(line), trim(eq + 1), &why);
		else
			ok = false, why = "key outside any section";
		if (!ok)
			fail(err, errlen, source, lineno, why);
	}
	free(copy);
	return ok && finish_servers(c, err, errlen);
}

bool config_load(struct keaha_config *c, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	struct sbuf b;
	char buf[4096];
	size_t n;
	bool ok;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return false;
	}
	sbuf_init(&b);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0 && b.len < (8u << 20))
		sbuf_add(&b, buf, n);
	fclose(f);
	ok = config_parse(c, b.s ? b.s : "", path, err, errlen);
	sbuf_free(&b);
	return ok;
}

bool config_add_url(struct keaha_config *c, const char *url, char *err, size_t errlen)
{
	char norm[KEA_URL_LEN], name[KEA_NAME_LEN];
	struct server_conf *s;
	const char *host;

	if (!config_normalize_url(c, url, norm, sizeof(norm))) {
		snprintf(err, errlen, "not a URL keaha can use: %s", url);
		return false;
	}
	for (int i = 0; i < c->nservers; i++)
		if (model_url_same(c->servers[i].url, norm))
			return true;
	host = strstr(norm, "://") + 3;
	snprintf(name, sizeof(name), "%.*s", (int)strcspn(host, "/"), host);
	s = add_server(c, name);
	if (!s)
		return true;
	strlcpy_(s->url, norm, sizeof(s->url));
	s->auto_name = true;
	return true;
}
