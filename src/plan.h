/*
 * Change plan: creating or removing an HA relationship as a pure function
 * from the servers' current configurations (config-get arguments) and the
 * user's choices to the complete new configuration of each server (sent by
 * the transaction with config-set) and a readable diff. Every rule is checked
 * here, before anything is sent, including the ones Kea itself skips
 * (shared/kea/README.md section 7). No I/O, no clock: whether the hook files
 * exist on a server cannot be known here, so the caller verifies the plan
 * with config-test before config-set.
 */
#ifndef KEAHA_PLAN_H
#define KEAHA_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "kea.h"
#include "util.h"

#define PLAN_REASON_LEN 256
#define PLAN_MASK "*****"

/* One server of a relationship, as keaha knows it. */
struct plan_server {
	const char *name;         /* keaha's name: becomes the HA peer name */
	const char *url;          /* its management URL: agent or the daemon's own; the HA peer URL */
	const cJSON *config;      /* config-get arguments of the service ({"Dhcp4": {...}}) */
	const cJSON *other;       /* config-get arguments of its other DHCP service, or NULL */
	/*
	 * How its HA talks (Kea 3 README section 2). direct: a Kea >= 2.7 daemon
	 * reached over its own HTTP socket; HA shares that socket
	 * ("http-dedicated-listener": false), so the peer URL stays the
	 * management URL and never becomes an HA-only listener. kea_major >= 3
	 * behind an agent: HA multi-threading off, peers through the agents.
	 */
	bool direct;
	int kea_major;            /* 0 when unknown */
	/*
	 * The rest of its version-get text (plan_server_version): hub-and-spoke
	 * needs 2.5.5. A plan_server given a major only reads as MAJOR.0.0.
	 */
	int kea_minor, kea_patch;
};

struct plan_add_choices {
	const char *name;         /* the relationship's name (required, unique) */
	enum ha_mode mode;        /* LOAD_BALANCING or HOT_STANDBY */
	enum kea_service service; /* KEA_DHCP4 by default */
	struct plan_server primary;
	struct plan_server partner; /* secondary (load-balancing) or standby (hot-standby) */
	const char *hooks_dir;    /* "" or NULL: bare library names (Kea 3.0) */
	long heartbeat_delay;     /* ms */
	long max_response_delay;  /* ms */
	long max_ack_delay;       /* ms */
	long max_unacked_clients;
	bool auto_failover;
	const char *trust_anchor; /* TLS: all three or none */
	const char *cert_file;
	const char *key_file;
	const char *basic_auth_user;     /* optional, both peers */
	const char *basic_auth_password;
	const char *const *known_names;  /* relationship names already in use */
	size_t nknown;
};

/* What to do with the secondary's (or standby's) subnets on removal. */
enum plan_scopes {
	PLAN_SCOPES_UNSET,        /* refused: the caller must choose */
	PLAN_SCOPES_KEEP,
	PLAN_SCOPES_DISABLE,
	PLAN_SCOPES_DELETE,
};

struct plan_remove_choices {
	const char *name;         /* keaha's relationship name, or a this-server-name */
	enum kea_service service;
	enum plan_scopes scopes;
	const cJSON *config[2];   /* config-get arguments of both servers, any order */
};

struct plan_result {
	bool ok;
	char refusal[PLAN_REASON_LEN];  /* why, when !ok */
	cJSON *config[2];         /* add: [0] primary, [1] partner; remove: input order */
	char self[2][64];         /* each server's this-server-name in the relationship */
	struct sbuf diff[2];      /* "+ ...", "- ...", "~ ..." lines; secrets masked */
	struct sbuf warnings;     /* one line each */
};

/* Sets kea_major/minor/patch from version-get's text ("2.6.1", "3.0.4"); zeroes when unknown. */
void plan_server_version(struct plan_server *s, const char *text);

/* Defaults for the timings and auto-failover; zeroes everything else. */
void plan_add_choices_init(struct plan_add_choices *c);
bool plan_add(const struct plan_add_choices *c, struct plan_result *out);
bool plan_remove(const struct plan_remove_choices *c, struct plan_result *out);
void plan_result_free(struct plan_result *r);

/*
 * How long (s) a transaction waits for a new pair to reach its normal states:
 * a few heartbeats, a max-response-delay, one lease-sync timeout (Kea's
 * defaults for values <= 0), within [PLAN_SETTLE_MIN, PLAN_SETTLE_MAX].
 */
#define PLAN_SETTLE_MIN 30.0
#define PLAN_SETTLE_MAX 300.0
double plan_settle_seconds(long heartbeat_ms, long max_response_ms, long sync_timeout_ms);

/* The rules Kea skips, on one high-availability[] entry; false with why. */
bool plan_check_ha(const cJSON *entry, char *why, size_t size);
/* max-response-delay above heartbeat-delay (ms), the product's rule; false with why. */
bool plan_check_timings(long heartbeat_delay, long max_response_delay, char *why, size_t size);
/* "http://192.0.2.1:8000/" or "https://[2001:db8::1]:8000/": an IP literal and a port. */
bool plan_url_ok(const char *url);
/*
 * Whether two http(s) URLs name the same host, whatever their ports: IP
 * literals compared as addresses, names without case. A Kea 3 host's
 * kea-dhcp4 and kea-dhcp6 reached directly are two endpoints of one server.
 */
bool plan_same_host(const char *a, const char *b);

/* Whether a configuration loads the HA hook for this service (a hub keeps it on removal). */
bool plan_has_ha(const cJSON *args, enum kea_service service);

/* The "Hooks directory:" line of a build-report text. */
bool plan_hooks_dir_from_build_report(const char *text, char *out, size_t size);
/* The directory of the server's other hook libraries (the first with a path). */
bool plan_hooks_dir_from_config(const cJSON *args, enum kea_service service, char *out,
				size_t size);

/* A copy of a configuration with every password replaced by PLAN_MASK. */
cJSON *plan_mask_secrets(const cJSON *config);
/* Puts back the originals wherever an edited (masked) copy still holds PLAN_MASK. */
void plan_restore_secrets(cJSON *edited, const cJSON *original);

#endif
