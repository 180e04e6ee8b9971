/*
 * Replicate: the steps `keaha sync` and `keaha edit` share. A relationship
 * is discovered, refused up front where the product refuses (service down,
 * no source of truth, a configuration backend, a hub, --readonly), every
 * reachable peer's configuration is read, and a set of new configurations
 * goes through the transaction (txn.c: test all, set the source first,
 * write all, roll back all). Afterwards every peer is read again: success
 * means every peer has the source's replicated configuration.
 */
#ifndef KEAHA_REPLICATE_H
#define KEAHA_REPLICATE_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "config.h"
#include "model.h"
#include "replstate.h"
#include "transport.h"

#define REPLICATE_EXIT_OK 0
#define REPLICATE_EXIT_FAILED 1     /* failed (rolled back), or a peer still differs */
#define REPLICATE_EXIT_REFUSED 2    /* refused, or nothing to change */
#define REPLICATE_EXIT_USAGE 64

struct replicate_opts {
	bool dry_run;
	bool yes;
	bool readonly;
	double timeout;              /* per command, seconds */
	const char *state_dir;
	enum kea_service service;    /* edit SERVER in two relationships: which one */
	bool service_given;
	const char *config_path;     /* for the messages that name a command to run */
	bool replication_off;        /* keaReplicateConfig = 0: edit the source only, sync refuses */
};

struct repl_peer {
	char name[KEA_NAME_LEN];
	enum ha_role role;
	struct endpoint_opts ep;     /* strings borrowed from the model and configuration */
	bool agent;
	bool read;                   /* config-get answered */
	char why[300];               /* why not read */
	bool unmanaged;              /* only its Kea 3 HA listener is known: never changed */
	cJSON *config;               /* config-get arguments, owned */
	bool normal;                 /* in its normal HA state now: expected there again after */
	enum ha_state normal_state;
};

struct repl_set {
	struct model m;
	char rel[KEA_NAME_LEN * 2 + 8]; /* "" for a server in no relationship */
	enum kea_service svc;
	int n, source;
	struct repl_peer p[HA_MAX_PEERS];
	long heartbeat_delay, max_response_delay;
	struct replstate st;
};

/*
 * Finds what arg names (a relationship; with server_ok also a server) and
 * reads its peers. Returns 0, or the exit status after saying why on stderr.
 */
int replicate_open(const struct keaha_config *cfg, const struct replicate_opts *o, const char *arg,
		   bool server_ok, struct repl_set *rs);
void replicate_close(struct repl_set *rs);

/* Asks on a terminal (y/N); --yes answers for it; without a terminal: no. */
bool replicate_confirm(const struct replicate_opts *o, const char *question);

/*
 * Sends desired[i] (NULL: leave peer i alone) to the peers, the source
 * first, in one transaction; then reads every peer again. what names the
 * change for the audit log; edit says whether the source's own
 * configuration is new (then a missing primary gets it later: the source
 * is pinned). Returns the exit status.
 */
int replicate_apply(const struct replicate_opts *o, struct repl_set *rs, cJSON *desired[],
		    const char *what, bool edit);

/* Every peer already has the source's configuration: remember it as the agreed one. */
void replicate_record_agreement(const struct replicate_opts *o, struct repl_set *rs);

#endif
