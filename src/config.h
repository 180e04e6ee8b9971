/*
 * keaha's own configuration: $XDG_CONFIG_HOME/keaha/config or --config FILE.
 * An INI-like file: a [keaha] section of preferences (the product's names
 * where it has them) and one [server NAME] section per Kea server. Secrets
 * are never in this file: a server names a password *file*.
 */
#ifndef KEAHA_CONFIG_H
#define KEAHA_CONFIG_H

#include <stdbool.h>

#include "model.h"
#include "transport.h"

#define CONFIG_ERR_LEN 300

struct server_conf {
	char name[KEA_NAME_LEN];
	char url[KEA_URL_LEN];
	bool auto_name;            /* given as a bare URL: named after it */
	enum transport_kind transport;
	struct server_auth auth;
	char *password;            /* read from auth.password_file; never printed */
};

struct keaha_config {
	double poll_interval;      /* seconds */
	double request_timeout;    /* seconds */
	bool replicate;            /* keaReplicateConfig */
	bool replicate_source_edits; /* keaReplicateSourceEdits: external edits on the source too */
	char agent_host[KEA_NAME_LEN]; /* keaControlAgentHost */
	int agent_port;            /* keaControlAgentPort */
	char hooks_location[KEA_URL_LEN]; /* keaHooksLocation */
	char theme[KEA_NAME_LEN];
	char source[KEA_URL_LEN];  /* the file read, "" for none */
	int nservers;
	struct server_conf *servers;
};

void config_defaults(struct keaha_config *c);
void config_free(struct keaha_config *c);

/* The configured server with this management URL (model_url_same), or NULL. */
const struct server_conf *config_server_by_url(const struct keaha_config *c, const char *url);
/*
 * How to reach url: its credentials, TLS files and proxy when a configured
 * server has that URL, else none. Strings are borrowed from c and url.
 */
void config_endpoint_opts(const struct keaha_config *c, const char *url, struct endpoint_opts *out);
/* The same for a server already found (s may be NULL: no options). */
void config_server_endpoint_opts(const struct server_conf *s, const char *url,
				 struct endpoint_opts *out);

/* Reads a configuration file; false with a message naming file and line. */
bool config_load(struct keaha_config *c, const char *path, char *err, size_t errlen);
bool config_parse(struct keaha_config *c, const char *text, const char *source,
		  char *err, size_t errlen);
/* The default file: $XDG_CONFIG_HOME/keaha/config (or ~/.config/...). */
void config_default_path(char *out, size_t size);

/* Adds a server given by URL on the command line; false with a message. */
bool config_add_url(struct keaha_config *c, const char *url, char *err, size_t errlen);

/*
 * Completes a management URL: a bare host gets http:// and the default
 * agent port, a missing path gets "/". False when it is not a URL keaha can use.
 */
bool config_normalize_url(const struct keaha_config *c, const char *in, char *out, size_t size);

#endif
