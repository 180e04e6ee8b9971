/*
 * The model: every Kea server keaha knows, the DHCP daemons behind each, and
 * the failover relationships discovered from their configurations. Decoded
 * records are applied here with a time stamp; the model notes what changed
 * (for events and redraws) but never sends, draws or reads the clock itself.
 */
#ifndef KEAHA_MODEL_H
#define KEAHA_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "action.h"
#include "decode.h"
#include "kea.h"

#define MODEL_ERR_LEN 200

/* How well keaha can see one daemon. */
enum reach {
	REACH_PENDING, /* not asked yet */
	REACH_OK,      /* the daemon answered status-get */
	REACH_DOWN,    /* known not running: agent says offline, or direct endpoint refuses */
	REACH_UNKNOWN, /* no usable answer */
};

/* fault, machine-readable name (JSON "fault"), words */
#define FAULTS(X) \
	X(NONE, "none", "none") \
	X(REFUSED, "refused", "connection refused") \
	X(TIMEOUT, "timeout", "timeout") \
	X(DNS, "dns", "name not resolved") \
	X(TLS, "tls", "TLS error") \
	X(AUTH, "auth", "authentication failed") \
	X(HTTP, "http", "HTTP error") \
	X(HA_LISTENER, "ha-listener", "HA-only listener") \
	X(MALFORMED, "malformed", "malformed reply") \
	X(TOO_LARGE, "too-large", "reply too large") \
	X(NOT_RUNNING, "not-running", "DHCP server not running") \
	X(HUNG, "hung", "DHCP server not answering") \
	X(NOT_CONFIGURED, "not-configured", "service not configured") \
	X(NO_HA, "no-ha", "HA hook not loaded") \
	X(KEA_ERROR, "kea-error", "command failed") \
	X(PARTIAL, "partial", "server state unknown: verify") \
	X(OTHER, "other", "error")

enum fault {
#define X(e, name, text) FAULT_##e,
	FAULTS(X)
#undef X
	FAULT_COUNT
};

enum server_origin {
	ORIGIN_CONFIG,     /* listed in keaha's configuration or on the command line */
	ORIGIN_DISCOVERED, /* a peer found in another server's HA configuration */
	ORIGIN_REMEMBERED, /* known from an earlier run ($XDG_STATE_HOME/keaha) */
};

enum transport_kind {
	TRANSPORT_AUTO,
	TRANSPORT_AGENT,  /* Kea Control Agent: requests carry "service" */
	TRANSPORT_DIRECT, /* the DHCP daemon's own HTTP socket (Kea >= 2.7.2) */
};

/* What the model keeps of status-get and config-get: only the relationships Kea reported. */
struct daemon_status {
	KEA_STATUS_FIELDS
	struct ha_rel_status *rel;
};

struct daemon_config {
	KEA_CONFIG_FIELDS
	struct ha_rel_config *rel;
};

/* One DHCP daemon (kea-dhcp4 or kea-dhcp6) behind a server's endpoint. */
struct daemon {
	bool present;            /* the endpoint serves this service */
	enum reach reach;
	enum fault fault;
	char *error;             /* never NULL: "" when none (heap, at most MODEL_ERR_LEN - 1) */
	double reach_since;      /* when reach last changed */
	double first_failure;    /* start of the current run of failures, 0 when fine */

	bool has_status;
	struct daemon_status status;
	double status_at;

	bool has_config;
	struct daemon_config config;
	double config_at;
	bool config_wanted;      /* ask config-get at the next chance */

	struct ha_heartbeat *hb; /* one per relationship in status, nhb of them */
	int nhb;
	bool has_hb[HA_MAX_RELS];
	double hb_at;

	bool has_clock;
	double clock_offset;     /* seconds, positive when the server is ahead of keaha */
	double clock_at;

	struct kea_pool_usage pool;
	double pool_at;

	/* Per HA entry in status-get: when keaha saw its state change. */
	enum ha_state seen_state[HA_MAX_RELS];
	double state_since[HA_MAX_RELS];      /* first sight, or the last change seen */
	bool state_change_seen[HA_MAX_RELS];  /* false: in this state at least since state_since */
	double last_partner_down[HA_MAX_RELS];

	/* Replication (src/drift.c): the replicated part of the last config-get. */
	const char *replica;     /* its compact JSON (replica_text), read-only, owned by the model
				  * and shared by every daemon whose replicated part is equal (a
				  * pair in sync: one copy); replica_parse() makes a tree of it
				  * where one is needed; NULL until a configuration was read */
	uint64_t replica_hash;   /* replica_text_hash() of it */
	double config_epoch;     /* when the running configuration was loaded (status-get reload) */
	bool no_hash_cmd;        /* config-hash-get not supported: fall back on reload */
};

/*
 * Strings on the heap, never NULL ("" when not set): most servers have none
 * of them, and fixed arrays cost 1.3 KB per configured server (bench/).
 */
struct server_auth {
	char *user;
	char *password_file;
	char *ca_file;
	char *cert_file;
	char *key_file;
	char *proxy;
};

struct server {
	char name[KEA_NAME_LEN];
	char *url;                  /* the management URL keaha uses (heap, never NULL) */
	enum server_origin origin;
	bool auto_name;             /* named after its URL: renamed to its this-server-name */
	enum transport_kind transport_conf;
	enum transport_kind transport; /* as detected (or configured) */
	char version[32];

	enum reach reach;           /* of the endpoint itself */
	enum fault fault;
	char *error;                /* never NULL: "" when none (as the daemon's) */
	double last_answer;         /* last time the endpoint answered at all */
	double last_round;          /* last complete poll round */
	bool probed;                /* endpoint kind known */
	bool ha_listener_only;      /* Kea 3 HA listener: status and heartbeat only */
	char note[MODEL_ERR_LEN];   /* e.g. "peer URL is an HA-only listener" */
	unsigned changed_gen;       /* model generation of its last change (model_touch) */

	struct daemon d[KEA_SERVICE_COUNT];
};

struct rel_peer {
	char name[KEA_NAME_LEN];
	const char *ha_url;         /* the relationship's conf.peer[i].url (same i): not a copy */
	enum ha_role role;
	bool auto_failover;
	int server;                 /* index in model.servers, -1 when none */
};

#define REL_MAX_FAULTS 6

enum rel_status {
	REL_OK,
	REL_IMPAIRED,
	REL_SERVICE_DOWN,
	REL_UNREACHABLE,
	REL_STATUS_COUNT
};

struct verdict {
	enum rel_status status;
	bool split_brain;
	bool failover_pending;
	int failover_progress;      /* percent, -1 when none */
	bool clock_terminated;      /* HA terminated (clock skew) */
	char reason[320];
	char next_step[240];
	enum ha_action next_action; /* the keaha ha action the next step is, NONE when none */
	char next_action_peer[KEA_NAME_LEN]; /* its --peer, "" for none */
	int source_of_truth;        /* peer index, -1 when none */
	bool has_skew;
	double clock_skew;          /* seconds, the largest difference Kea acts on */
	int skew_level;             /* 0 fine, 1 warn (> 30 s), 2 critical (> 60 s) */
};

/*
 * Configuration drift of a relationship (src/drift.c): each peer's
 * replicated configuration against the replication source's. Counts and
 * hashes only; the words come from drift_describe() when a view wants them.
 */
struct rel_drift {
	bool known;                 /* a source and at least one peer were compared */
	int source;                 /* peer index compared against, -1 when none */
	bool refused;               /* never replicated (config-control, hub): why says */
	char why[200];
	char pinned[KEA_NAME_LEN];  /* holds edits made while the primary was away: the source */
	int ndrifted;               /* peers that differ from the source */
	bool peer_known[HA_MAX_PEERS];
	int peer_diffs[HA_MAX_PEERS];          /* differences; 0: in line */
	uint64_t seen_source[HA_MAX_PEERS];    /* hashes the counts were made from */
	uint64_t seen_peer[HA_MAX_PEERS];
	char note[200];             /* what automatic replication does or why not (src/autorepl.c) */
};

struct relationship {
	char name[KEA_NAME_LEN * 2 + 8];
	enum kea_service service;
	struct ha_rel_config conf;  /* as the first peer to answer has it */
	bool conf_known;
	/*
	 * Sized to what the relationship has (discovery: npeers of them;
	 * model_add_rel: room for HA_MAX_PEERS), owned by the model: a
	 * relationship was 8 KB with fixed arrays, 1.7 KB now (bench/).
	 */
	int npeers;
	struct rel_peer *peer;
	int nfaults;                /* at most REL_MAX_FAULTS */
	char (*fault)[MODEL_ERR_LEN];
	bool remembered;            /* known only from an earlier run so far */
	int conf_from;              /* server whose configuration conf is, -1 when none */

	struct verdict verdict;
	double verdict_since;       /* when the status last changed, as keaha saw it */
	unsigned judged_gen;        /* model generation when last judged, 0: never (or rebuilt) */
	double judged_at;
	unsigned drifted_gen;       /* model generation when drift was last compared, 0: never */

	struct rel_drift drift;     /* replication: kept across rebuilds like the verdict */
};

/* What one peer of a relationship looks like right now (derived, borrowed). */
struct peer_view {
	const struct rel_peer *peer;
	const struct server *server;         /* NULL when no server is known */
	const struct daemon *daemon;         /* NULL when no server is known */
	const struct ha_rel_status *status;  /* its HA entry in status-get, or NULL */
	const struct ha_heartbeat *hb;
	int ha_index;
	enum reach reach;
	enum ha_state state;
	bool serving;
};

/*
 * One replicated configuration and how many daemons hold it (model.c), as
 * text: a cJSON tree costs several times its text and is needed only when a
 * drift is counted or told, not every poll round.
 */
struct replica_ref {
	uint64_t hash;
	char *text;
	int refs;
};

struct model {
	int nservers, cap_servers;
	struct server *servers;
	int nreplicas;
	struct replica_ref *replicas;
	int nrels, cap_rels;
	struct relationship *rels;
	unsigned generation;        /* bumped on every change: views redraw when it moves */
	unsigned topology_generation; /* bumped when relationships are rebuilt */
};

void model_init(struct model *m);
void model_free(struct model *m);

/* Room for n servers in all, for callers that know the count: no doubling slack. */
void model_reserve_servers(struct model *m, int n);
/* Adds a server (or returns the existing one with that name); index. */
int model_add_server(struct model *m, const char *name, const char *url, enum server_origin origin);
int model_find_server(const struct model *m, const char *name);
int model_find_server_url(const struct model *m, const char *url);
int model_find_rel(const struct model *m, const char *name);

/* Marks server s changed, for code that sets its fields itself (the model's own
 * functions do it): views redraw, verdict_update_changed judges its relationships. */
void model_touch(struct model *m, int s);

/* Applying what the poller learnt, at time now. */
void model_set_endpoint(struct model *m, int s, enum transport_kind kind,
			const bool has_service[KEA_SERVICE_COUNT], double now);
void model_set_version(struct model *m, int s, const char *version);
void model_endpoint_ok(struct model *m, int s, double now);
void model_endpoint_fault(struct model *m, int s, enum fault f, const char *msg, double now);
void model_daemon_fault(struct model *m, int s, enum kea_service svc, enum fault f,
			const char *msg, double now);
void model_apply_status(struct model *m, int s, enum kea_service svc,
			const struct kea_status *st, double now);
void model_apply_heartbeat(struct model *m, int s, enum kea_service svc, int ha_index,
			   const struct ha_heartbeat *hb, double now);
void model_apply_clock(struct model *m, int s, enum kea_service svc, double offset, double now);
void model_apply_config(struct model *m, int s, enum kea_service svc,
			const struct kea_config *c, double now);
/*
 * The replicated part of a config-get as replica_text() gave it (owned by
 * the model from now on, freed with cJSON_free), hash its replica_text_hash().
 */
void model_apply_replica(struct model *m, int s, enum kea_service svc, char *text,
			 uint64_t hash, double now);
/*
 * Kea 3 change detection: config-hash-get's answer; a hash other than the
 * one of the configuration keaha holds asks config-get again. Returns
 * whether it did.
 */
bool model_apply_config_hash(struct model *m, int s, enum kea_service svc, const char *hash,
			     double now);
/* config-hash-get is not supported there: status-get's reload decides again. */
void model_no_hash_cmd(struct model *m, int s, enum kea_service svc);
/* Whether a daemon's configuration changes are detected by its hash (else by reload). */
bool model_watches_hash(const struct daemon *d);
void model_apply_pool(struct model *m, int s, enum kea_service svc,
		      const struct kea_pool_usage *p, double now);

/*
 * An HA relationship's configuration as the model keeps it: dst gets its own
 * heap copy of src's npeers peers, in dst->peer's array when that is not NULL
 * (one the model holds: reused, not doubled); free releases them.
 */
void model_conf_copy(struct ha_rel_config *dst, const struct ha_rel_config *src);
void model_conf_free(struct ha_rel_config *c);

/* Appends a relationship slot (zeroed, room for HA_MAX_PEERS peers) and returns its index. */
int model_add_rel(struct model *m);
/* Frees what a relationship owns (its peers, faults and conf's peers), leaving it empty. */
void model_rel_free(struct relationship *r);
/* Whether two management URLs name the same endpoint. */
bool model_url_same(const char *a, const char *b);

void model_peer_view(const struct model *m, const struct relationship *r, int i,
		     struct peer_view *out);

const char *fault_text(enum fault f);
const char *fault_name(enum fault f);
const char *reach_name(enum reach r);
const char *rel_status_name(enum rel_status s);   /* "ok", "impaired", ... */
const char *rel_status_label(enum rel_status s);  /* "OK", "Impaired", ... */
const char *transport_kind_name(enum transport_kind k);
bool transport_kind_parse(const char *s, enum transport_kind *out);

#endif
