/*
 * Decode: Kea's JSON answers turned into plain C records. Pure functions of a
 * cJSON tree (no I/O, no clock), so every captured answer in
 * shared/kea/fixtures is a unit test and the functions can be fuzzed. Each
 * returns true on success, or false with a one-line reason in err.
 */
#ifndef KEAHA_DECODE_H
#define KEAHA_DECODE_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "kea.h"

#define HA_MAX_RELS 8    /* relationships per server (hub-and-spoke) */
#define HA_MAX_PEERS 8   /* peers per relationship: 2 actives + backups */
#define HA_MAX_SCOPES 4  /* scope names a server reports: its own, or its partner's too */
#define KEA_NAME_LEN 64
#define KEA_URL_LEN 256
#define KEA_TEXT_LEN 256
#define DECODE_ERR_LEN 160

/* Kea's result codes; 5 (3.0.4) = failed and left the configuration partly changed. */
enum kea_result {
	KEA_RESULT_OK = 0,
	KEA_RESULT_ERROR = 1,
	KEA_RESULT_UNSUPPORTED = 2,
	KEA_RESULT_EMPTY = 3,
	KEA_RESULT_CONFLICT = 4,
	KEA_RESULT_PARTIAL = 5,
};

/* One element of Kea's answer list; args borrows from the parsed tree. */
struct kea_answer {
	int result;
	char text[KEA_TEXT_LEN];
	const cJSON *args;
};

/* What "The server is likely to be offline" really says (Kea README section 1). */
enum kea_forward_error {
	KEA_FWD_NONE,           /* not a forwarding error */
	KEA_FWD_NOT_RUNNING,    /* No such file or directory / Connection refused */
	KEA_FWD_HANDLER_FAILED, /* End of file: a handler threw, the server is fine */
	KEA_FWD_HUNG,           /* Operation canceled: the daemon did not answer in 60 s */
	KEA_FWD_NOT_CONFIGURED, /* the agent has no socket for that service */
	KEA_FWD_OTHER,
};

struct ha_scopes {
	int n;
	char name[HA_MAX_SCOPES][KEA_NAME_LEN];
};

struct ha_local {
	enum ha_role role;
	enum ha_state state;
	struct ha_scopes scopes;
	char server_name[KEA_NAME_LEN]; /* Kea >= 2.7.2 */
	bool has_system_time;
	double system_time;             /* UTC, taken at the last good heartbeat */
};

struct ha_remote {
	bool present;
	enum ha_role role;
	char server_name[KEA_NAME_LEN];
	enum ha_state last_state;       /* UNKNOWN with never_in_touch when "" */
	bool never_in_touch;
	struct ha_scopes last_scopes;
	long age;
	bool in_touch;
	bool communication_interrupted;
	long connecting_clients;
	long unacked_clients;
	long unacked_clients_left;
	long analyzed_packets;
	bool has_clock_skew;
	long clock_skew;                /* partner minus local, seconds */
	bool has_system_time;
	double system_time;
};

struct ha_rel_status {
	enum ha_mode mode;
	struct ha_local local;
	struct ha_remote remote;
};

/*
 * status-get of one DHCP daemon. The fields before the relationships are a
 * list of their own, shared with the model's stored copy (struct
 * daemon_status in model.h), which holds only as many relationships as Kea
 * reported.
 */
#define KEA_STATUS_FIELDS \
	long pid; \
	long uptime; \
	long reload; \
	bool multi_threading; \
	bool has_dhcp_state;            /* Kea 3.0 */ \
	bool dhcp_disabled; \
	char dhcp_disabled_by[64];      /* "user", "HA", "database", ... */ \
	bool has_ha; \
	int nrels;

struct kea_status {
	KEA_STATUS_FIELDS
	struct ha_rel_status rel[HA_MAX_RELS];
};

struct ha_heartbeat {
	enum ha_state state;
	bool has_date_time;
	double date_time;               /* the DHCP server's clock, 1 s resolution */
	struct ha_scopes scopes;
	long unsent_update_count;
};

struct ha_peer_config {
	char name[KEA_NAME_LEN];
	char url[KEA_URL_LEN];
	enum ha_role role;
	bool auto_failover;
	bool has_basic_auth;
};

struct ha_rel_config {
	char this_server_name[KEA_NAME_LEN];
	char keaha_name[KEA_NAME_LEN];  /* user-context.keaha.name, if keaha named it */
	enum ha_mode mode;
	long heartbeat_delay;
	long max_response_delay;
	long max_ack_delay;
	long max_unacked_clients;
	long delayed_updates_limit;
	long sync_timeout;              /* ms a lease sync may take (syncing) */
	bool dedicated_listener;        /* HA listener of its own (3.0 default with MT) */
	bool has_state_machine;         /* pauses configured: status-get cannot show them */
	unsigned pause_states;          /* bit (1u << enum ha_state) per state paused "always"/"once" */
	/*
	 * npeers of them (at most HA_MAX_PEERS). In a decoded kea_config they
	 * are its own peer_store; in the model a heap array the model owns
	 * (model_conf_copy / model_conf_free): 8 fixed peers were 2.7 KB per
	 * relationship per daemon, kept twice (bench/).
	 */
	int npeers;
	struct ha_peer_config *peer;
};

/* The HA-relevant part of one DHCP daemon's config-get (shared as above). */
#define KEA_CONFIG_FIELDS \
	enum kea_service service; \
	bool has_ha_hook; \
	bool has_lease_cmds_hook; \
	bool has_stat_cmds_hook;        /* stat-lease4/6-get: counts from the lease database */ \
	bool has_config_control;        /* shared configuration backend: never replicate */ \
	char server_tag[KEA_NAME_LEN]; \
	char hash[72];                  /* Kea 3.0 config hash, "" before */ \
	int nrels;

/*
 * rel[k].peer points into peer_store[k]: a kea_config is filled by
 * decode_config and passed by pointer, never copied by value.
 */
struct kea_config {
	KEA_CONFIG_FIELDS
	struct ha_rel_config rel[HA_MAX_RELS];
	/* After rel: decoded, not kept by the model (256 bytes a daemon nobody reads there). */
	char ha_library[KEA_URL_LEN];
	struct ha_peer_config peer_store[HA_MAX_RELS][HA_MAX_PEERS];
};

/* What answered a config-get sent without "service". */
enum kea_endpoint_kind {
	KEA_ENDPOINT_UNKNOWN,
	KEA_ENDPOINT_AGENT,
	KEA_ENDPOINT_DAEMON,
};

struct kea_endpoint_info {
	enum kea_endpoint_kind kind;
	enum kea_service service;       /* for a daemon */
	bool has_service[KEA_SERVICE_COUNT]; /* for an agent: its control-sockets */
};

struct kea_pool_usage {
	bool known;
	double total;
	double assigned;
};

/* Parses an HTTP body into a tree holding Kea's answer list. Kea answers HTTP
 * errors with a map ({"result": 400, ...}): that becomes a one-element list. */
cJSON *decode_parse(const char *body, size_t len, char *err, size_t errlen);
/* Fills up to max answers; returns how many, or -1 with err. */
int decode_answers(const cJSON *root, struct kea_answer *out, int max, char *err, size_t errlen);
enum kea_forward_error decode_forward_error(const char *text);

bool decode_status(const cJSON *args, struct kea_status *out, char *err, size_t errlen);
bool decode_heartbeat(const cJSON *args, struct ha_heartbeat *out, char *err, size_t errlen);
bool decode_config(const cJSON *args, enum kea_service service, struct kea_config *out,
		   char *err, size_t errlen);
bool decode_endpoint_info(const cJSON *args, struct kea_endpoint_info *out, char *err, size_t errlen);
bool decode_pool_usage(const cJSON *args, enum kea_service service, struct kea_pool_usage *out);
/* The same from stat-lease4-get / stat-lease6-get ("result-set"), counted in the lease
 * database itself: unlike statistic-get-all it also counts leases ha-sync brought. */
bool decode_lease_stats(const cJSON *args, enum kea_service service, struct kea_pool_usage *out);
/* The configuration hash from a config-hash-get answer (Kea 3: equal to config-get's "hash"). */
bool decode_config_hash(const cJSON *args, char *out, size_t size, char *err, size_t errlen);
/* Kea's version text ("2.2.0") from a version-get answer. */
bool decode_version(const struct kea_answer *a, char *out, size_t size);

/* "Mon, 23 Nov 2026 06:37:40 GMT" (RFC 1123) and "2026-11-23 11:17:11" (UTC). */
bool decode_http_date(const char *s, double *out);
bool decode_system_time(const char *s, double *out);

#endif
