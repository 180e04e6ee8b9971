/*
 * The audit log: $STATE/audit.log, one JSON line per change keaha made or
 * tried on a server (who, when, what, the result, and what each kind of
 * change adds: a diff, the servers, the commands and Kea's answers). Mode
 * 0600: diffs name servers and configuration, never passwords (masked).
 */
#ifndef KEAHA_AUDIT_H
#define KEAHA_AUDIT_H

#include <cjson/cJSON.h>

#include "txn.h"

/* A new entry with time (UTC), who ($USER) and what; the caller adds the rest. */
cJSON *audit_entry(const char *what);
/* Appends the entry as one line to STATE_DIR/audit.log and frees it; no state dir: dropped. */
void audit_append(const char *state_dir, cJSON *entry);
/* A transaction's outcome in the log's words: applied, rolled back, half-applied. */
const char *audit_txn_result(const struct txn_result *r);

#endif
