/*
 * Transaction: the one module that changes Kea servers. It applies a set of
 * desired configurations (a change plan's output) to their servers, step by
 * step on the loop, and either all servers end with the new configuration
 * (tested, set, settled into the expected HA state, written) or all end with
 * their originals. The originals are saved first; a journal on disk names
 * what is half-done, so a server that cannot be put back now is put back by
 * the next keaha run (txn_recover).
 */
#ifndef KEAHA_TXN_H
#define KEAHA_TXN_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>
#include <uv.h>

#include "config.h"
#include "decode.h"
#include "kea.h"
#include "transport.h"

/* Servers in one transaction: the two actives and the backups of a relationship. */
#define TXN_MAX_TARGETS 8

/* What a server must show in status-get once its new configuration runs. */
enum txn_expect {
	TXN_EXPECT_NOTHING,
	TXN_EXPECT_HA_STATE,    /* this HA state for this-server-name */
	TXN_EXPECT_NO_HA,       /* no high-availability section */
};

struct txn_target {
	char name[64];
	struct endpoint_opts ep;  /* strings borrowed for the transaction's life */
	bool agent;               /* send "service" (through a Control Agent) */
	enum kea_service service;
	cJSON *original;          /* config-get arguments as read; owned by the caller */
	cJSON *desired;           /* the new arguments; owned by the caller */
	enum txn_expect expect;
	enum ha_state want_state;
	char ha_name[64];         /* this-server-name, for TXN_EXPECT_HA_STATE */
};

struct txn_opts {
	double step_timeout;      /* seconds per command */
	double settle_timeout;    /* seconds for the HA states to settle (plan_settle_seconds) */
	const char *backup_dir;   /* originals saved here (0600), NULL for none */
	const char *journal_path; /* half-done marker, NULL for none */
	const char *what;         /* a line for the audit and the journal */
};

struct txn_result {
	bool ok;
	bool rolled_back;         /* every server has its original again */
	bool journal_pending;     /* some server could not be put back yet */
	char step[64];            /* the step that failed */
	char message[600];        /* what failed and what Kea said */
	char backups[TXN_MAX_TARGETS][512]; /* where the originals were saved, per target */
};

typedef void (*txn_progress_fn)(void *ctx, const char *line);

/* Runs a transaction on its own loop until it ends; targets in the order to set them. */
void txn_run(struct txn_target *targets, int n, const struct txn_opts *o, txn_progress_fn fn,
	     void *ctx, struct txn_result *out);

/* Whether Kea's answer says a hook failed to load (2.2: result 1; 3.0: result 5). */
bool txn_hook_rejected(int result, const char *text);
/*
 * Kea's answer in words for the user: a hook-rejected configuration and
 * result 5 say that the server's running state is not what config-get shows.
 */
void txn_answer_text(int result, const char *text, char *out, size_t size);

/*
 * Whether a server's status-get agrees with the configuration its config-get
 * shows; false with why (a hook-rejected configuration: hooks not running).
 */
bool txn_runs_config(const cJSON *config, enum kea_service svc, const struct kea_status *st,
		     char *why, size_t size);

/*
 * One command to one server on a private loop, for reading before a plan
 * (config-get, build-report). Returns Kea's result, or -1 with message.
 */
int txn_call(const struct endpoint_opts *ep, bool agent, enum kea_service service,
	     const char *command, const cJSON *args, cJSON **out_args, char *message, size_t size,
	     double timeout);

/*
 * A journal is there and no running transaction holds it (a transaction
 * holds JOURNAL.lock for its whole life; only one runs per state directory).
 */
bool txn_journal_pending(const char *journal_path);

/*
 * Completes what a journal says is half-done: sends each server still listed
 * its original configuration (credentials from cfg, by URL), then writes it.
 * Returns true when nothing is pending any more (also when there was no
 * journal); false also when a running transaction holds the journal (it is
 * left to it). message says what happened.
 */
bool txn_recover(const char *journal_path, const struct keaha_config *cfg, double step_timeout,
		 char *message, size_t size);

#endif
