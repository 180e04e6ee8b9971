/*
 * Replica: which parts of a Kea DHCP configuration are the same on every
 * peer of a relationship and which belong to one server only, as one table
 * (replica.c, REPLICA_LOCAL). Pure functions of cJSON trees (config-get
 * arguments, {"Dhcp4": {...}}): the replicated part of a configuration, the
 * configuration a peer should have (its own server-local parts with the
 * source of truth's replicated part), and the drift between two
 * configurations in words; the compact text the model keeps of a part, and
 * its tree again. No I/O, no clock.
 */
#ifndef KEAHA_REPLICA_H
#define KEAHA_REPLICA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "kea.h"
#include "util.h"

#define REPLICA_WHY_LEN 300
#define REPLICA_MAX_LINES 40   /* drift lines before "... and N more" */

/* One server-local part of Dhcp4/Dhcp6: never copied, never compared. */
struct replica_local {
	const char *key;          /* a key of the Dhcp4/Dhcp6 map */
	unsigned services;        /* bit 1 << KEA_DHCP4, 1 << KEA_DHCP6 */
	const char *why;
};

/* The table, and its length, for the README and the tests. */
const struct replica_local *replica_local_table(size_t *n);
bool replica_is_local(const char *key, enum kea_service svc);
/* Keys of a high-availability[] entry (and of its peers) that are per server. */
bool replica_ha_key_is_local(const char *key);
bool replica_ha_peer_key_is_local(const char *key);

/*
 * The replicated part: a new {"Dhcp4": {...}} without the server-local
 * parts, with the HA relationship's shared parameters under the pseudo key
 * "high-availability" (per-server keys removed). NULL with why when args
 * holds no configuration of that service.
 */
cJSON *replica_part(const cJSON *args, enum kea_service svc, char *why, size_t size);

/*
 * The part's compact JSON (cJSON_PrintUnformatted: no spaces, Kea's own key
 * order kept): what the model holds, several times smaller than the tree. Freed
 * with cJSON_free.
 */
char *replica_text(const cJSON *part);
/* FNV-1a of a compact text; replica_hash(p) == replica_text_hash(replica_text(p)). */
uint64_t replica_text_hash(const char *text);
/* FNV-1a of the part's compact JSON: equal parts, equal hashes. */
uint64_t replica_hash(const cJSON *part);
/*
 * replica_text(replica_part(args)) without copying the configuration (the
 * part's members point at args' while it is printed): what the poller keeps
 * of every config-get. NULL with why as replica_part.
 */
char *replica_part_text(const cJSON *args, enum kea_service svc, char *why, size_t size);
/* The tree of a replica_text() again (a new tree, the caller's), or NULL for NULL. */
cJSON *replica_parse(const char *text);

/* Why a configuration is never replicated (a config-control section), or false. */
bool replica_refuses(const cJSON *args, enum kea_service svc, char *why, size_t size);

/*
 * What the target should run: a copy of target (all its server-local parts,
 * its HA this-server-name, TLS files and thread sizes kept) with every
 * replicated part taken from source. NULL with why when it cannot be done
 * safely (config-control, a hub in several relationships, another
 * relationship, no configuration).
 */
cJSON *replica_desired(const cJSON *target, const cJSON *source, enum kea_service svc,
		       char *why, size_t size);

/*
 * How b differs from a, one line each ("subnet 192.0.2.0/24: pool
 * 192.0.2.10-192.0.2.99 differs", "option domain-name-servers differs",
 * "2 reservations only on lb-secondary"), appended to out in a stable
 * order. a and b are config-get arguments or replicated parts of the same
 * service; name_a and name_b name their servers. Returns the number of
 * differences (0: identical).
 */
int replica_drift(const cJSON *a, const cJSON *b, enum kea_service svc, const char *name_a,
		  const char *name_b, struct sbuf *out);

#endif
