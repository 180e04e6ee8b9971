/*
 * verdict.c as a table: each row is one situation built from captured Kea
 * answers (shared/kea/fixtures for 2.2, kea3/fixtures for 3.0) and faults,
 * judged at a fixed time, with every output the product's rules fix:
 * status, split brain, failover pending and its progress, HA terminated,
 * source of truth, clock skew and its level, and words of the reason.
 *
 * A situation: servers get the config-get of one or more peers (discovery
 * adds the other peers), then each peer gets a status-get answer, an
 * agent's "server is offline" answer, or an endpoint fault, and maybe a
 * clock offset. Set VERDICT_TABLE=1 to print each row's verdict.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "decode.h"
#include "discovery.h"
#include "fixture.h"
#include "model.h"
#include "verdict.h"

#include "situation.h"

/* ---- the table ---------------------------------------------------------- */

struct expect {
	enum rel_status status;
	bool split_brain;
	bool failover_pending;
	int progress;             /* failover progress, -1 when none */
	bool clock_terminated;
	const char *sot;          /* source of truth by peer name, NULL: none */
	bool has_skew;
	double skew;
	int level;
	const char *reason[3];    /* each must be in the reason */
	const char *not_reason;   /* must not be in the reason */
	const char *next;         /* must be in the next step */
	enum ha_action action;    /* the next step's action (NONE: none) */
	const char *action_peer;  /* and its --peer, NULL: none */
};

struct row {
	struct situation sit;     /* name, configs, answers, relationship */
	struct expect want;
};

#define REASONS(...) .reason = { __VA_ARGS__ }

static const struct row rows[] = {
	/* ---- Kea 2.2 through agents: load balancing ---- */
	{ { "lb v4 normal", false, KEA_DHCP4, LB4, LB4_REL,
	  { ST("lb-primary", S4("lb-primary.normal")), ST("lb-secondary", S4("lb-secondary.normal")) } },
	  { REL_OK, .progress = -1, .sot = "lb-primary",
	    REASONS("all peers reachable and in their normal states") } },
	{ { "lb v6 normal", false, KEA_DHCP6, LB6, LB6_REL,
	  { ST("lb-primary", S6("lb-primary.normal")), ST("lb-secondary", S6("lb-secondary.normal")) } },
	  { REL_OK, .progress = -1, .sot = "lb-primary",
	    REASONS("all peers reachable and in their normal states") } },
	/* No dhcp6 "offline" answer was captured: the dhcp4 one stands in (same agent text). */
	{ { "lb v6 primary DHCP stopped, secondary partner-down", false, KEA_DHCP6, LB6, LB6_REL,
	  { OFFLINE("lb-primary", S4("lb-primary.service-stopped")),
	    ST("lb-secondary", S6("lb-secondary.partner-down")) } },
	  { REL_IMPAIRED, .progress = -1, .sot = "lb-secondary",
	    REASONS("lb-primary down (DHCP server not running) for 10 s"),
	    .next = "start lb-primary's DHCP server" } },
	{ { "lb primary killed: agent refuses, secondary partner-down", false, KEA_DHCP4, LB4, LB4_REL,
	  { EP("lb-primary", FAULT_REFUSED), ST("lb-secondary", S4("lb-secondary.partner-down")) } },
	  { REL_IMPAIRED, .progress = -1, .sot = "lb-secondary",
	    REASONS("lb-primary unreachable (connection refused)",
		    "lb-secondary in partner-down serves all clients"),
	    .not_reason = "lb-primary down" } },
	{ { "lb primary DHCP stopped (agent: offline), secondary partner-down", false, KEA_DHCP4, LB4,
	  LB4_REL,
	  { OFFLINE("lb-primary", S4("lb-primary.service-stopped")),
	    ST("lb-secondary", S4("lb-secondary.partner-down")) } },
	  { REL_IMPAIRED, .progress = -1, .sot = "lb-secondary",
	    REASONS("lb-primary down (DHCP server not running)"), .not_reason = "unreachable",
	    .next = "start lb-primary's DHCP server" } },
	{ { "lb primary DHCP frozen (agent: operation canceled), secondary partner-down", false,
	  KEA_DHCP4, LB4, LB4_REL,
	  { HUNG("lb-primary", S4("lb-primary.service-hung-60s-answer")),
	    ST("lb-secondary", S4("lb-secondary.partner-down")) } },
	  { REL_IMPAIRED, .progress = -1, .sot = "lb-secondary",
	    REASONS("lb-primary unreachable (DHCP server not answering)"),
	    .not_reason = "lb-primary down" } },
	{ { "lb primary agent hung, secondary comm-interrupted still load-balancing", false, KEA_DHCP4,
	  LB4, LB4_REL,
	  { EP("lb-primary", FAULT_TIMEOUT),
	    ST("lb-secondary", S4("lb-secondary.partner-agent-hung-comm-interrupted")) } },
	  { REL_IMPAIRED, .progress = -1, .sot = "lb-secondary",
	    REASONS("lb-primary unreachable (timeout)"), .not_reason = "split brain" } },
	{ { "lb both DHCP servers not running", false, KEA_DHCP4, LB4, LB4_REL,
	  { OFFLINE("lb-primary", S4("lb-primary.service-stopped")),
	    OFFLINE("lb-secondary", S4("lb-primary.agent-up-service-killed")) } },
	  { REL_SERVICE_DOWN, .progress = -1, .sot = NULL,
	    REASONS("lb-primary down (DHCP server not running)",
		    "lb-secondary down (DHCP server not running)"),
	    .next = "no server answers DHCP" } },
	{ { "lb both agents silent (timeouts)", false, KEA_DHCP4, LB4, LB4_REL,
	  { EP("lb-primary", FAULT_TIMEOUT), EP("lb-secondary", FAULT_TIMEOUT) } },
	  { REL_UNREACHABLE, .progress = -1, .sot = NULL,
	    REASONS("lb-primary unreachable (timeout)", "lb-secondary unreachable (timeout)") } },
	{ { "lb both agents refuse: unknown, not down", false, KEA_DHCP4, LB4, LB4_REL,
	  { EP("lb-primary", FAULT_REFUSED), EP("lb-secondary", FAULT_REFUSED) } },
	  { REL_UNREACHABLE, .progress = -1, .sot = NULL,
	    REASONS("lb-primary unreachable (connection refused)"), .not_reason = "down" } },
	{ { "lb TLS failure and auth failure: unknown", false, KEA_DHCP4, LB4, LB4_REL,
	  { EP("lb-primary", FAULT_TLS), EP("lb-secondary", FAULT_AUTH) } },
	  { REL_UNREACHABLE, .progress = -1, .sot = NULL,
	    REASONS("lb-primary unreachable (TLS error)",
		    "lb-secondary unreachable (authentication failed)") } },
	{ { "lb one down (not running), partner silent (timeout)", false, KEA_DHCP4, LB4, LB4_REL,
	  { OFFLINE("lb-primary", S4("lb-primary.service-stopped")), EP("lb-secondary", FAULT_TIMEOUT) } },
	  { REL_UNREACHABLE, .progress = -1, .sot = NULL,
	    REASONS("lb-primary down", "lb-secondary unreachable (timeout)") } },
	{ { "lb maintenance: primary in-maintenance, secondary partner-in-maintenance", false,
	  KEA_DHCP4, LB4, LB4_REL,
	  { ST("lb-primary", S4("lb-primary.in-maintenance")),
	    ST("lb-secondary", S4("lb-secondary.partner-in-maintenance")) } },
	  { REL_IMPAIRED, .progress = -1, .sot = "lb-secondary",
	    REASONS("lb-primary in in-maintenance",
		    "lb-secondary in partner-in-maintenance serves all clients"),
	    .next = "lb-primary is in maintenance", .action = HA_ACTION_MAINTENANCE_CANCEL,
	    .action_peer = "lb-primary" } },
	{ { "lb primary restarted: waiting, secondary partner-down", false, KEA_DHCP4, LB4, LB4_REL,
	  { ST("lb-primary", S4("lb-primary.waiting")), ST("lb-secondary", S4("lb-secondary.partner-down")) } },
	  { REL_IMPAIRED, .progress = -1, .sot = "lb-secondary", REASONS("lb-primary in waiting") } },
	{ { "lb primary restarted: syncing, secondary partner-down", false, KEA_DHCP4, LB4, LB4_REL,
	  /* plain-a's answer: a primary in syncing (the lab pair had no capture of it) */
	  { ST("lb-primary", S4("plain-a.syncing")), ST("lb-secondary", S4("lb-secondary.partner-down")) } },
	  { REL_IMPAIRED, .progress = -1, .sot = "lb-secondary", REASONS("lb-primary in syncing") } },
	{ { "lb primary restarted: ready, secondary partner-down", false, KEA_DHCP4, LB4, LB4_REL,
	  { ST("lb-primary", S4("lb-primary.ready")), ST("lb-secondary", S4("lb-secondary.partner-down")) } },
	  { REL_IMPAIRED, .progress = -1, .sot = "lb-secondary", REASONS("lb-primary in ready"),
	    .not_reason = "split brain" } },
	{ { "lb both restarting: both waiting", false, KEA_DHCP4, LB4, LB4_REL,
	  /* plain-b's answer: a secondary in waiting */
	  { ST("lb-primary", S4("lb-primary.both-restarting")),
	    ST("lb-secondary", S4("plain-b.waiting-partner-syncing")) } },
	  { REL_SERVICE_DOWN, .progress = -1, .sot = NULL,
	    REASONS("lb-primary in waiting", "lb-secondary in waiting") } },
	{ { "lb split brain: both partner-down, both reachable", false, KEA_DHCP4, LB4, LB4_REL,
	  { ST("lb-primary", S4("lb-primary.partner-down-after-ha-scopes")),
	    ST("lb-secondary", S4("lb-secondary.partner-down")) } },
	  { REL_IMPAIRED, .split_brain = true, .progress = -1, .sot = "lb-primary",
	    REASONS("split brain: lb-primary and lb-secondary cannot reach each other"),
	    .next = "peers cannot reach each other" } },
	{ { "lb split brain: each reports the other unreachable", false, KEA_DHCP4, LB4, LB4_REL,
	  { ST("lb-primary", S4("lb-primary.partner-down-after-ha-scopes")),
	    ST("lb-secondary", S4("lb-secondary.partner-agent-hung-comm-interrupted")) } },
	  { REL_IMPAIRED, .split_brain = true, .progress = -1, .sot = "lb-primary",
	    REASONS("split brain") } },
	/* ha-scopes by hand: lb-primary in load-balancing answers for both scopes (lb-secondary's too). */
	{ { "lb: a manual ha-scopes left behind", false, KEA_DHCP4, LB4, LB4_REL,
	  { ST("lb-primary", S4("lb-primary.after-ha-scopes")), ST("lb-secondary", S4("lb-secondary.normal")) } },
	  { REL_IMPAIRED, .progress = -1, .sot = "lb-primary",
	    REASONS("lb-primary serves the scopes of lb-primary, lb-secondary, not lb-primary as load-balancing implies"),
	    .next = "scopes its state implies", .action = HA_ACTION_RESTORE_SCOPES } },
	{ { "lb clocks 0 and +45 s", false, KEA_DHCP4, LB4, LB4_REL,
	  { STC("lb-primary", S4("lb-primary.normal"), 0),
	    STC("lb-secondary", S4("lb-secondary.normal"), 45) } },
	  { REL_IMPAIRED, .progress = -1, .sot = "lb-primary", .has_skew = true, .skew = 45, .level = 1,
	    REASONS("clocks differ by 45 s", "warns"), .next = "synchronize" } },
	{ { "lb clocks 0 and +90 s", false, KEA_DHCP4, LB4, LB4_REL,
	  { STC("lb-primary", S4("lb-primary.normal"), 0),
	    STC("lb-secondary", S4("lb-secondary.normal"), 90) } },
	  { REL_IMPAIRED, .progress = -1, .sot = "lb-primary", .has_skew = true, .skew = 90, .level = 2,
	    REASONS("clocks differ by 90 s", "terminates HA") } },
	{ { "lb clocks -20 and +20 s: the difference counts", false, KEA_DHCP4, LB4, LB4_REL,
	  { STC("lb-primary", S4("lb-primary.normal"), -20),
	    STC("lb-secondary", S4("lb-secondary.normal"), 20) } },
	  { REL_IMPAIRED, .progress = -1, .sot = "lb-primary", .has_skew = true, .skew = 40, .level = 1,
	    REASONS("clocks differ by 40 s") } },
	{ { "lb clocks 0 and +30 s: not above 30 s", false, KEA_DHCP4, LB4, LB4_REL,
	  { STC("lb-primary", S4("lb-primary.normal"), 0),
	    STC("lb-secondary", S4("lb-secondary.normal"), 30) } },
	  { REL_OK, .progress = -1, .sot = "lb-primary", .has_skew = true, .skew = 30, .level = 0,
	    REASONS("all peers reachable") } },
	{ { "lb clocks 0 and +32 s", false, KEA_DHCP4, LB4, LB4_REL,
	  { STC("lb-primary", S4("lb-primary.normal"), 0),
	    STC("lb-secondary", S4("lb-secondary.normal"), 32) } },
	  { REL_IMPAIRED, .progress = -1, .sot = "lb-primary", .has_skew = true, .skew = 32, .level = 1,
	    REASONS("clocks differ by 32 s") } },
	{ { "lb clocks 0 and +62 s", false, KEA_DHCP4, LB4, LB4_REL,
	  { STC("lb-primary", S4("lb-primary.normal"), 0),
	    STC("lb-secondary", S4("lb-secondary.normal"), 62) } },
	  { REL_IMPAIRED, .progress = -1, .sot = "lb-primary", .has_skew = true, .skew = 62, .level = 2,
	    REASONS("clocks differ by 62 s") } },
	{ { "lb clocks within 1 s", false, KEA_DHCP4, LB4, LB4_REL,
	  { STC("lb-primary", S4("lb-primary.normal"), 0.1),
	    STC("lb-secondary", S4("lb-secondary.normal"), 0.9) } },
	  { REL_OK, .progress = -1, .sot = "lb-primary", .has_skew = true, .skew = 1, .level = 0,
	    REASONS("all peers reachable") } },
	{ { "lb clock of a down peer is not used", false, KEA_DHCP4, LB4, LB4_REL,
	  { OFFLINEC("lb-primary", S4("lb-primary.service-stopped"), 90),
	    STC("lb-secondary", S4("lb-secondary.partner-down"), 0) } },
	  /* One clock left: no difference to measure, the skew is unknown. */
	  { REL_IMPAIRED, .progress = -1, .sot = "lb-secondary", .has_skew = false, .skew = 0, .level = 0,
	    REASONS("lb-primary down"), .not_reason = "clocks differ" } },

	/* ---- Kea 2.2: hot standby ---- */
	{ { "hs normal", false, KEA_DHCP4, HS4, HS4_REL,
	  { ST("hs-primary", S4("hs-primary.normal")), ST("hs-standby", S4("hs-standby.normal")) } },
	  { REL_OK, .progress = -1, .sot = "hs-primary", REASONS("all peers reachable") } },
	{ { "hs primary dead, standby still hot-standby (comm interrupted)", false, KEA_DHCP4, HS4,
	  HS4_REL,
	  { EP("hs-primary", FAULT_REFUSED),
	    ST("hs-standby", S4("hs-standby.comm-interrupted-still-hot-standby")) } },
	  { REL_IMPAIRED, .failover_pending = true, .progress = 0, .sot = "hs-standby",
	    REASONS("hs-primary unreachable", "failover pending: hs-standby takes over", "(0%)") } },
	/* keaha's own path to the primary is broken (auth); the standby still reaches it. */
	/* The standby, in touch a moment ago, vouches that the primary serves. */
	{ { "hs primary unknown to keaha, standby in touch with it", false, KEA_DHCP4, HS4, HS4_REL,
	  { EP("hs-primary", FAULT_AUTH), ST("hs-standby", S4("hs-standby.normal")) } },
	  { REL_IMPAIRED, .progress = -1, .sot = "hs-standby",
	    REASONS("hs-primary unreachable (authentication failed)", "but its partner sees it serving"),
	    .not_reason = "failover pending", .next = "hs-standby still reaches hs-primary" } },
	{ { "hs primary not running, standby not yet aware", false, KEA_DHCP4, HS4, HS4_REL,
	  { OFFLINE("hs-primary", S4("lb-primary.service-stopped")), ST("hs-standby", S4("hs-standby.normal")) } },
	  { REL_IMPAIRED, .failover_pending = true, .progress = 0, .sot = "hs-standby",
	    REASONS("hs-primary down", "failover pending") } },
	{ { "hs primary not running, standby counting unacked clients", false, KEA_DHCP4, HS4, HS4_REL,
	  { OFFLINE("hs-primary", S4("lb-primary.service-stopped")),
	    ST("hs-standby", S4("hs-standby.unacked-clients")) } },
	  { REL_IMPAIRED, .failover_pending = true, .progress = 40, .sot = "hs-standby",
	    REASONS("hs-primary down", "failover pending", "(40%)") } },
	{ { "hs standby took over: partner-down after unacked clients", false, KEA_DHCP4, HS4, HS4_REL,
	  { EP("hs-primary", FAULT_REFUSED), ST("hs-standby", S4("hs-standby.partner-down-after-unacked")) } },
	  { REL_IMPAIRED, .progress = -1, .sot = "hs-standby",
	    REASONS("hs-primary unreachable", "hs-standby in partner-down serves all clients"),
	    .not_reason = "failover pending" } },
	{ { "hs standby cannot reach a serving primary", false, KEA_DHCP4, HS4, HS4_REL,
	  { ST("hs-primary", S4("hs-primary.normal")),
	    ST("hs-standby", S4("hs-standby.comm-interrupted-no-traffic")) } },
	  { REL_IMPAIRED, .progress = -1, .sot = "hs-primary",
	    REASONS("hs-standby cannot reach hs-primary"),
	    .not_reason = "split brain" } },
	{ { "hs both terminated (clock skew)", false, KEA_DHCP4, HS4, HS4_REL,
	  { ST("hs-primary", S4("hs-primary.terminated")), ST("hs-standby", S4("hs-standby.terminated")) } },
	  { REL_IMPAIRED, .clock_terminated = true, .progress = -1, .sot = "hs-primary",
	    REASONS("hs-primary in terminated", "hs-standby in terminated"),
	    .not_reason = "split brain", .next = "HA terminated (clock skew)",
	    .action = HA_ACTION_RECOVER } },
	{ { "hs standby agent stopped", false, KEA_DHCP4, HS4, HS4_REL,
	  { ST("hs-primary", S4("hs-primary.partner-agent-stopped")), EP("hs-standby", FAULT_REFUSED) } },
	  { REL_IMPAIRED, .progress = -1, .sot = "hs-primary",
	    REASONS("hs-standby unreachable (connection refused)",
		    "hs-primary in partner-down serves all clients") } },

	/* ---- Kea 2.2: backups ---- */
	{ { "bk normal", false, KEA_DHCP4, BK4, BK4_REL,
	  { ST("bk-primary", S4("bk-primary.normal")), ST("bk-secondary", S4("bk-secondary.normal")),
	    ST("bk-backup", S4("bk-backup.normal")) } },
	  { REL_OK, .progress = -1, .sot = "bk-primary", REASONS("all peers reachable") } },
	{ { "bk backup down", false, KEA_DHCP4, BK4, BK4_REL,
	  { ST("bk-primary", S4("bk-primary.backup-down")), ST("bk-secondary", S4("bk-secondary.normal")),
	    OFFLINE("bk-backup", S4("lb-primary.service-stopped")) } },
	  { REL_IMPAIRED, .progress = -1, .sot = "bk-primary", REASONS("bk-backup down"),
	    .next = "sync its leases" } },
	{ { "bk backup agent silent", false, KEA_DHCP4, BK4, BK4_REL,
	  { ST("bk-primary", S4("bk-primary.normal")), ST("bk-secondary", S4("bk-secondary.normal")),
	    EP("bk-backup", FAULT_TIMEOUT) } },
	  { REL_IMPAIRED, .progress = -1, .sot = "bk-primary", REASONS("bk-backup unreachable (timeout)") } },
	{ { "bk backup restarted", false, KEA_DHCP4, BK4, BK4_REL,
	  { ST("bk-primary", S4("bk-primary.normal")), ST("bk-secondary", S4("bk-secondary.normal")),
	    ST("bk-backup", S4("bk-backup.restarted")) } },
	  { REL_OK, .progress = -1, .sot = "bk-primary", REASONS("all peers reachable") } },
	{ { "bk secondary's HA hook failed to load", false, KEA_DHCP4, BK4, BK4_REL,
	  { ST("bk-primary", S4("bk-primary.partner-lost-ha")),
	    ST("bk-secondary", S4("bk-secondary.after-failed-hook-load")),
	    ST("bk-backup", S4("bk-backup.normal")) } },
	  { REL_IMPAIRED, .progress = -1, .sot = "bk-primary",
	    REASONS("bk-secondary runs without HA"), .next = "reload bk-secondary's configuration" } },
	{ { "bk both actives down, backup fine", false, KEA_DHCP4, BK4, BK4_REL,
	  { OFFLINE("bk-primary", S4("lb-primary.service-stopped")),
	    OFFLINE("bk-secondary", S4("lb-primary.service-stopped")),
	    ST("bk-backup", S4("bk-backup.primary-down")) } },
	  { REL_SERVICE_DOWN, .progress = -1, .sot = NULL, REASONS("bk-primary down", "bk-secondary down") } },

	{ { "bk both actives down, backup silent: still known down", false, KEA_DHCP4, BK4, BK4_REL,
	  { OFFLINE("bk-primary", S4("lb-primary.service-stopped")),
	    OFFLINE("bk-secondary", S4("lb-primary.service-stopped")), EP("bk-backup", FAULT_TIMEOUT) } },
	  { REL_SERVICE_DOWN, .progress = -1, .sot = NULL,
	    REASONS("bk-primary down", "bk-secondary down", "bk-backup unreachable") } },

	/* ---- Kea 2.2: passive backup ---- */
	{ { "pb normal", false, KEA_DHCP4, PB4, PB4_REL,
	  { ST("pb-primary", S4("pb-primary.passive-backup")), ST("pb-backup", S4("pb-backup.backup")) } },
	  { REL_OK, .progress = -1, .sot = "pb-primary", REASONS("all peers reachable") } },
	{ { "pb primary down", false, KEA_DHCP4, PB4, PB4_REL,
	  { OFFLINE("pb-primary", S4("lb-primary.service-stopped")), ST("pb-backup", S4("pb-backup.backup")) } },
	  { REL_SERVICE_DOWN, .progress = -1, .sot = NULL, REASONS("pb-primary down"),
	    .next = "no server answers DHCP" } },
	{ { "pb primary silent", false, KEA_DHCP4, PB4, PB4_REL,
	  { EP("pb-primary", FAULT_TIMEOUT), ST("pb-backup", S4("pb-backup.backup")) } },
	  { REL_UNREACHABLE, .progress = -1, .sot = NULL, REASONS("pb-primary unreachable") } },
	{ { "pb backup down", false, KEA_DHCP4, PB4, PB4_REL,
	  { ST("pb-primary", S4("pb-primary.passive-backup")),
	    OFFLINE("pb-backup", S4("lb-primary.service-stopped")) } },
	  { REL_IMPAIRED, .progress = -1, .sot = "pb-primary", REASONS("pb-backup down") } },

	/* ---- Kea 3.0, straight to the daemons ---- */
	{ { "kea3 lb normal", true, KEA_DHCP4, LB3, LB4_REL,
	  { ST("lb-primary", K3("lb-primary.normal")), ST("lb-secondary", K3("lb-secondary.normal")) } },
	  { REL_OK, .progress = -1, .sot = "lb-primary", .has_skew = true, .skew = 0, .level = 0,
	    REASONS("all peers reachable") } },
	{ { "kea3 lb partner clock +45 s", true, KEA_DHCP4, LB3, LB4_REL,
	  { ST("lb-primary", K3("lb-primary.partner-clock-plus45s")),
	    ST("lb-secondary", K3("lb-secondary.own-clock-plus45s")) } },
	  { REL_IMPAIRED, .progress = -1, .sot = "lb-primary", .has_skew = true, .skew = 45, .level = 1,
	    REASONS("clocks differ by 45 s") } },
	{ { "kea3 lb partner clock +90 s: both terminated", true, KEA_DHCP4, LB3, LB4_REL,
	  { ST("lb-primary", K3("lb-primary.partner-clock-plus90s")),
	    ST("lb-secondary", K3("lb-secondary.own-clock-plus90s")) } },
	  { REL_IMPAIRED, .clock_terminated = true, .progress = -1, .sot = "lb-primary",
	    .has_skew = true, .skew = 90, .level = 2,
	    REASONS("clocks differ by 90 s", "lb-primary in terminated"), .not_reason = "split brain",
	    .next = "HA terminated", .action = HA_ACTION_RECOVER } },
	/* The skewed server restarted on a good clock; its terminated partner still reports the
	 * frozen 90 s. keaha reads both clocks itself: they agree, so no skew is claimed. */
	{ { "kea3 terminated partner's frozen skew after the clock was fixed", true, KEA_DHCP4, LB3, LB4_REL,
	  { STC("lb-primary", K3("lb-primary.partner-clock-plus90s"), 0),
	    STC("lb-secondary", K3("lb-secondary.restarted-waiting"), 0.4) } },
	  { REL_IMPAIRED, .clock_terminated = true, .progress = -1, .sot = "lb-primary",
	    .has_skew = true, .skew = 0, .level = 0,
	    REASONS("lb-primary in terminated"), .not_reason = "clocks differ",
	    .next = "HA terminated", .action = HA_ACTION_RECOVER } },
	{ { "kea3 clock-skew from Kea wins over measured offsets", true, KEA_DHCP4, LB3, LB4_REL,
	  { STC("lb-primary", K3("lb-primary.normal"), 0), STC("lb-secondary", K3("lb-secondary.normal"), 45) } },
	  { REL_OK, .progress = -1, .sot = "lb-primary", .has_skew = true, .skew = 0, .level = 0,
	    REASONS("all peers reachable") } },
	{ { "kea3 lb secondary killed: direct endpoint refuses = down", true, KEA_DHCP4, LB3, LB4_REL,
	  { ST("lb-primary", K3("lb-primary.partner-killed")), EP("lb-secondary", FAULT_REFUSED) } },
	  { REL_IMPAIRED, .progress = -1, .sot = "lb-primary",
	    REASONS("lb-secondary down", "lb-primary in partner-down serves all clients") } },
	{ { "kea3 lb both direct endpoints refuse", true, KEA_DHCP4, LB3, LB4_REL,
	  { EP("lb-primary", FAULT_REFUSED), EP("lb-secondary", FAULT_REFUSED) } },
	  { REL_SERVICE_DOWN, .progress = -1, .sot = NULL, REASONS("lb-primary down", "lb-secondary down") } },
	{ { "kea3 lb secondary restarted, waiting with DHCP off", true, KEA_DHCP4, LB3, LB4_REL,
	  { ST("lb-primary", K3("lb-primary.partner-killed")),
	    ST("lb-secondary", K3("lb-secondary.restarted-waiting")) } },
	  { REL_IMPAIRED, .progress = -1, .sot = "lb-primary", .has_skew = false,
	    REASONS("lb-secondary has DHCP switched off"), .not_reason = "split brain" } },
	{ { "kea3 hs normal", true, KEA_DHCP4, HS3, HS4_REL,
	  { ST("hs-primary", K3("hs-primary.normal")), ST("hs-standby", K3("hs-standby.normal")) } },
	  { REL_OK, .progress = -1, .sot = "hs-primary", .has_skew = true, .skew = 0, .level = 0,
	    REASONS("all peers reachable") } },
	{ { "kea3 hs standby clock -45 s", true, KEA_DHCP4, HS3, HS4_REL,
	  { ST("hs-primary", K3("hs-primary.partner-clock-minus45s")),
	    ST("hs-standby", K3("hs-standby.own-clock-minus45s")) } },
	  { REL_IMPAIRED, .progress = -1, .sot = "hs-primary", .has_skew = true, .skew = 45, .level = 1,
	    REASONS("clocks differ by 45 s") } },
	{ { "kea3 hs primary frozen, standby comm-interrupted still hot-standby", true, KEA_DHCP4, HS3,
	  HS4_REL,
	  { EP("hs-primary", FAULT_TIMEOUT), ST("hs-standby", K3("hs-standby.partner-frozen-comm-interrupted")) } },
	  { REL_IMPAIRED, .failover_pending = true, .progress = 0, .sot = "hs-standby",
	    .has_skew = true, .skew = 0, .level = 0,
	    REASONS("hs-primary unreachable (timeout)", "failover pending") } },
	{ { "kea3 hs primary killed, standby partner-down", true, KEA_DHCP4, HS3, HS4_REL,
	  { EP("hs-primary", FAULT_REFUSED), ST("hs-standby", K3("hs-standby.partner-killed")) } },
	  { REL_IMPAIRED, .progress = -1, .sot = "hs-standby",
	    REASONS("hs-primary down", "hs-standby in partner-down serves all clients") } },
	{ { "kea3 hs primary resumed (ready, DHCP off), standby partner-down", true, KEA_DHCP4, HS3,
	  HS4_REL,
	  { ST("hs-primary", K3("hs-primary.resumed")), ST("hs-standby", K3("hs-standby.partner-frozen")) } },
	  { REL_IMPAIRED, .progress = -1, .sot = "hs-standby", .has_skew = true, .skew = 0, .level = 0,
	    REASONS("hs-primary has DHCP switched off") } },
	{ { "kea3 hub normal: hub-1", true, KEA_DHCP4, HUB3, "hub-1+spoke1/dhcp4",
	  { ST("hub", K3("hub.normal")), ST("spoke1", K3("spoke1.normal")), ST("spoke2", K3("spoke2.normal")) } },
	  { REL_OK, .progress = -1, .sot = "hub-1", .has_skew = true, .skew = 0, .level = 0,
	    REASONS("all peers reachable") } },
	{ { "kea3 hub normal: hub-2", true, KEA_DHCP4, HUB3, "hub-2+spoke2/dhcp4",
	  { ST("hub", K3("hub.normal")), ST("spoke1", K3("spoke1.normal")), ST("spoke2", K3("spoke2.normal")) } },
	  { REL_OK, .progress = -1, .sot = "hub-2", .has_skew = true, .skew = 0, .level = 0,
	    REASONS("all peers reachable") } },
	/* hub-2 in maintenance switches the hub's DHCP off for hub-1's clients too; spoke1 is
	 * in touch with hub-1 (no communication trouble), so it will not take over. */
	{ { "kea3 hub-2 in maintenance: hub-1's relationship", true, KEA_DHCP4, HUB3, "hub-1+spoke1/dhcp4",
	  { ST("hub", K3("hub.hub-2-in-maintenance")), ST("spoke1", K3("spoke1.normal")),
	    ST("spoke2", K3("spoke2.normal")) } },
	  { REL_SERVICE_DOWN, .progress = -1, .sot = "hub-1", .has_skew = true, .skew = 0, .level = 0,
	    REASONS("hub-1 has DHCP switched off"), .not_reason = "failover pending" } },
	{ { "kea3 hub: spoke1 killed: hub-1", true, KEA_DHCP4, HUB3, "hub-1+spoke1/dhcp4",
	  { ST("hub", K3("hub.spoke1-killed")), EP("spoke1", FAULT_REFUSED), ST("spoke2", K3("spoke2.normal")) } },
	  { REL_IMPAIRED, .progress = -1, .sot = "hub-1", .has_skew = false,
	    REASONS("spoke1 down", "hub-1 in partner-down") } },
	{ { "kea3 hub: spoke1 killed: hub-2 unaffected", true, KEA_DHCP4, HUB3, "hub-2+spoke2/dhcp4",
	  { ST("hub", K3("hub.spoke1-killed")), EP("spoke1", FAULT_REFUSED), ST("spoke2", K3("spoke2.normal")) } },
	  { REL_OK, .progress = -1, .sot = "hub-2", .has_skew = true, .skew = 0, .level = 0,
	    REASONS("all peers reachable") } },
};

#define NROWS (sizeof(rows) / sizeof(rows[0]))

static void build(struct model *m, const struct row *r)
{
	situation_build_row(m, &r->sit);
}

/* ---- checking ------------------------------------------------------------- */

struct errs {
	int n;
	char text[2048];
};

static void mismatch(struct errs *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void mismatch(struct errs *e, const char *fmt, ...)
{
	size_t len = strlen(e->text);
	va_list ap;

	e->n++;
	if (len + 8 >= sizeof(e->text))
		return;
	len += (size_t)snprintf(e->text + len, sizeof(e->text) - len, "\n  ");
	va_start(ap, fmt);
	vsnprintf(e->text + len, sizeof(e->text) - len, fmt, ap);
	va_end(ap);
}

static const char *sot_name(const struct relationship *r, const struct verdict *v)
{
	if (v->source_of_truth < 0)
		return "(none)";
	if (v->source_of_truth >= r->npeers)
		return "(out of range)";
	return r->peer[v->source_of_truth].name;
}

static void check(const struct row *row, const struct relationship *r, const struct verdict *v,
		  struct errs *e)
{
	const struct expect *w = &row->want;

	if (v->status != w->status)
		mismatch(e, "status %s, expected %s", rel_status_label(v->status),
			 rel_status_label(w->status));
	if (v->split_brain != w->split_brain)
		mismatch(e, "split_brain %d, expected %d", v->split_brain, w->split_brain);
	if (v->failover_pending != w->failover_pending)
		mismatch(e, "failover_pending %d, expected %d", v->failover_pending, w->failover_pending);
	if (v->failover_progress != w->progress)
		mismatch(e, "failover_progress %d, expected %d", v->failover_progress, w->progress);
	if (v->clock_terminated != w->clock_terminated)
		mismatch(e, "clock_terminated %d, expected %d", v->clock_terminated, w->clock_terminated);
	if (w->sot ? strcmp(sot_name(r, v), w->sot) != 0 : v->source_of_truth != -1)
		mismatch(e, "source of truth %s, expected %s", sot_name(r, v), w->sot ? w->sot : "(none)");
	if (v->has_skew != w->has_skew)
		mismatch(e, "has_skew %d, expected %d", v->has_skew, w->has_skew);
	if (v->clock_skew != w->skew)
		mismatch(e, "clock_skew %.3f, expected %.3f", v->clock_skew, w->skew);
	if (v->skew_level != w->level)
		mismatch(e, "skew_level %d, expected %d", v->skew_level, w->level);
	for (int i = 0; i < 3 && w->reason[i]; i++)
		if (!strstr(v->reason, w->reason[i]))
			mismatch(e, "reason lacks \"%s\"", w->reason[i]);
	if (w->not_reason && strstr(v->reason, w->not_reason))
		mismatch(e, "reason has \"%s\"", w->not_reason);
	if (w->next && !strstr(v->next_step, w->next))
		mismatch(e, "next step lacks \"%s\"", w->next);
	if (v->next_action != w->action)
		mismatch(e, "next action %s, expected %s", action_name(v->next_action),
			 action_name(w->action));
	if (strcmp(v->next_action_peer, w->action_peer ? w->action_peer : "") != 0)
		mismatch(e, "next action peer \"%s\", expected \"%s\"", v->next_action_peer,
			 w->action_peer ? w->action_peer : "");
}

static void test_row(void **state)
{
	const struct row *row = *state;
	struct model *m = calloc(1, sizeof(*m));
	struct verdict direct;
	struct errs e;
	int ri;

	assert_non_null(m);
	memset(&e, 0, sizeof(e));
	build(m, row);
	ri = model_find_rel(m, row->sit.rel);
	if (ri < 0) {
		model_free(m);
		free(m);
		fail_msg("%s: no relationship %s", row->sit.name, row->sit.rel);
	}
	verdict_update_all(m, NOW, NULL, NULL);
	check(row, &m->rels[ri], &m->rels[ri].verdict, &e);
	/* verdict_judge alone says the same. */
	verdict_judge(m, &m->rels[ri], NOW, &direct);
	if (memcmp(&direct, &m->rels[ri].verdict, sizeof(direct)) != 0)
		mismatch(&e, "verdict_judge and verdict_update_all differ");
	if (getenv("VERDICT_TABLE"))
		print_message("| %s | %s | sb=%d fp=%d(%d) term=%d | sot %s | skew %s%.0f L%d | %s |\n",
			      row->sit.name, rel_status_label(m->rels[ri].verdict.status),
			      m->rels[ri].verdict.split_brain, m->rels[ri].verdict.failover_pending,
			      m->rels[ri].verdict.failover_progress, m->rels[ri].verdict.clock_terminated,
			      sot_name(&m->rels[ri], &m->rels[ri].verdict),
			      m->rels[ri].verdict.has_skew ? "" : "n/a ", m->rels[ri].verdict.clock_skew,
			      m->rels[ri].verdict.skew_level, m->rels[ri].verdict.reason);
	if (e.n) {
		char reason[sizeof(m->rels[ri].verdict.reason)];
		snprintf(reason, sizeof(reason), "%s", m->rels[ri].verdict.reason);
		model_free(m);
		free(m);
		fail_msg("%s: %d mismatch(es):%s\n  reason: %s", row->sit.name, e.n, e.text, reason);
	}
	model_free(m);
	free(m);
}

/* ---- situations outside the table ----------------------------------------- */

/* The builder really builds: peers mapped, statuses where they should be. */
static void test_builder_sanity(void **state)
{
	struct model *m = calloc(1, sizeof(*m));
	const struct relationship *r;
	struct peer_view v;

	(void)state;
	assert_non_null(m);
	build(m, &rows[0]);
	assert_int_equal(m->nrels, 1);
	r = &m->rels[0];
	assert_string_equal(r->name, LB4_REL);
	assert_int_equal(r->npeers, 2);
	model_peer_view(m, r, 0, &v);
	assert_int_equal(v.reach, REACH_OK);
	assert_int_equal(v.state, HA_STATE_LOAD_BALANCING);
	assert_true(v.serving);
	assert_string_equal(v.server->name, "lb-primary");
	model_peer_view(m, r, 1, &v);
	assert_int_equal(v.state, HA_STATE_LOAD_BALANCING);
	assert_string_equal(v.server->name, "lb-secondary");
	model_free(m);
	free(m);
}

/* A 2.2 agent that refuses is unknown; a 3.0 daemon that refuses is down. */
static void test_refused_agent_vs_daemon(void **state)
{
	struct model m;
	int a, d;

	(void)state;
	model_init(&m);
	a = add_server(&m, false, KEA_DHCP4, "lb-primary");
	d = model_add_server(&m, "k3", "http://127.0.0.151:8151/", ORIGIN_CONFIG);
	{
		bool has[KEA_SERVICE_COUNT] = { true, false };
		model_set_endpoint(&m, d, TRANSPORT_DIRECT, has, T0);
	}
	model_endpoint_fault(&m, a, FAULT_REFUSED, NULL, T0);
	model_endpoint_fault(&m, d, FAULT_REFUSED, NULL, T0);
	assert_int_equal(m.servers[a].d[KEA_DHCP4].reach, REACH_UNKNOWN);
	assert_int_equal(m.servers[d].d[KEA_DHCP4].reach, REACH_DOWN);
	model_endpoint_fault(&m, d, FAULT_TIMEOUT, NULL, T0);
	assert_int_equal(m.servers[d].d[KEA_DHCP4].reach, REACH_UNKNOWN);
	/* Never probed: refused is down only when configured as a direct daemon endpoint. */
	{
		int c = model_add_server(&m, "conf-direct", "http://127.0.0.152:8152/", ORIGIN_CONFIG);
		int u = model_add_server(&m, "auto", "http://127.0.0.153:8153/", ORIGIN_CONFIG);
		int g = model_add_server(&m, "conf-agent", "http://127.0.0.154:8154/", ORIGIN_CONFIG);
		m.servers[c].transport_conf = TRANSPORT_DIRECT;
		m.servers[g].transport_conf = TRANSPORT_AGENT;
		model_endpoint_fault(&m, c, FAULT_REFUSED, NULL, T0);
		model_endpoint_fault(&m, u, FAULT_REFUSED, NULL, T0);
		model_endpoint_fault(&m, g, FAULT_REFUSED, NULL, T0);
		assert_int_equal(m.servers[c].d[KEA_DHCP4].reach, REACH_DOWN);
		assert_int_equal(m.servers[u].d[KEA_DHCP4].reach, REACH_UNKNOWN);
		assert_int_equal(m.servers[g].d[KEA_DHCP4].reach, REACH_UNKNOWN);
	}
	model_daemon_fault(&m, a, KEA_DHCP4, FAULT_NOT_RUNNING, NULL, T0);
	assert_int_equal(m.servers[a].d[KEA_DHCP4].reach, REACH_DOWN);
	model_daemon_fault(&m, a, KEA_DHCP4, FAULT_HUNG, NULL, T0);
	assert_int_equal(m.servers[a].d[KEA_DHCP4].reach, REACH_UNKNOWN);
	model_free(&m);
}

/* Two peers whose HA configurations disagree: all else fine, still Impaired. */
static void test_config_fault_impairs(void **state)
{
	struct model *m = calloc(1, sizeof(*m));
	struct fixture *f = fixture_load(C4("lb-primary"));
	cJSON *args = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(answer(f, 0), "arguments"), 1);
	cJSON *ha = cJSON_GetArrayItem(
		cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(
				cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(
					cJSON_GetObjectItemCaseSensitive(args, "Dhcp4"),
					"hooks-libraries"), 2),
				"parameters"),
			"high-availability"),
		0);
	struct kea_config *c = calloc(1, sizeof(*c));
	char err[DECODE_ERR_LEN];
	int s;

	(void)state;
	assert_non_null(m);
	assert_non_null(c);
	assert_non_null(ha);
	cJSON_ReplaceItemInObjectCaseSensitive(ha, "this-server-name", cJSON_CreateString("lb-secondary"));
	cJSON_ReplaceItemInObjectCaseSensitive(ha, "heartbeat-delay", cJSON_CreateNumber(3000));
	build(m, &rows[0]);
	s = model_find_server(m, "lb-secondary");
	assert_true(decode_config(args, KEA_DHCP4, c, err, sizeof(err)));
	model_apply_config(m, s, KEA_DHCP4, c, T0);
	discovery_rebuild(m);
	assert_int_equal(m->nrels, 1);
	assert_true(m->rels[0].nfaults >= 1);
	verdict_update_all(m, NOW, NULL, NULL);
	assert_int_equal(m->rels[0].verdict.status, REL_IMPAIRED);
	assert_non_null(strstr(m->rels[0].verdict.reason, "configuration fault"));
	assert_non_null(strstr(m->rels[0].verdict.reason, "heartbeat-delay 1000 vs 3000"));
	assert_string_equal(sot_name(&m->rels[0], &m->rels[0].verdict), "lb-primary");
	cJSON_Delete(args);
	fixture_free(f);
	free(c);
	model_free(m);
	free(m);
}

/*
 * verdict_update_changed, what a loop calls after every reply: a relationship
 * is judged again when one of its peers' servers changed (model_touch) or
 * its verdict is VERDICT_REFRESH_S old, and only then.
 */
static void test_update_changed_follows_touches(void **state)
{
	struct model *m = calloc(1, sizeof(*m));
	struct relationship *r;
	int s;

	(void)state;
	assert_non_null(m);
	build(m, &rows[0]); /* lb v4 normal */
	r = &m->rels[0];
	verdict_update_changed(m, NOW, NULL, NULL);
	assert_int_equal(r->verdict.status, REL_OK);
	assert_true(r->judged_at == NOW);
	/* Nothing touched, a fraction of a second later: not judged again. */
	verdict_update_changed(m, NOW + 0.5, NULL, NULL);
	assert_true(r->judged_at == NOW);
	/* A peer's daemon dies: judged at once, as verdict_update_all would. */
	s = model_find_server(m, "lb-secondary");
	model_daemon_fault(m, s, KEA_DHCP4, FAULT_NOT_RUNNING, "offline", NOW + 0.6);
	verdict_update_changed(m, NOW + 0.7, NULL, NULL);
	assert_true(r->judged_at == NOW + 0.7);
	assert_int_equal(r->verdict.status, REL_IMPAIRED);
	assert_true(r->verdict_since == NOW + 0.7);
	/* The same fault again is no change; a second on, the ages are judged again. */
	model_daemon_fault(m, s, KEA_DHCP4, FAULT_NOT_RUNNING, "offline", NOW + 0.8);
	verdict_update_changed(m, NOW + 0.9, NULL, NULL);
	assert_true(r->judged_at == NOW + 0.7);
	verdict_update_changed(m, NOW + 0.7 + VERDICT_REFRESH_S, NULL, NULL);
	assert_true(r->judged_at == NOW + 0.7 + VERDICT_REFRESH_S);
	assert_non_null(strstr(r->verdict.reason, "lb-secondary down (DHCP server not running) for 1 s"));
	/* A rebuilt relationship (judged_gen 0) is always judged. */
	r->judged_gen = 0;
	verdict_update_changed(m, NOW + 2, NULL, NULL);
	assert_true(r->judged_at == NOW + 2);
	model_free(m);
	free(m);
}

/* uptime and reload go on every second: the model keeps them without calling it a change. */
static void test_uptime_is_not_a_change(void **state)
{
	struct model *m = calloc(1, sizeof(*m));
	struct kea_status st;
	unsigned gen, touched;
	int s;

	(void)state;
	assert_non_null(m);
	build(m, &rows[0]);
	s = model_find_server(m, "lb-primary");
	memset(&st, 0, sizeof(st));
	memcpy(&st, &m->servers[s].d[KEA_DHCP4].status, offsetof(struct kea_status, rel));
	st.nrels = m->servers[s].d[KEA_DHCP4].status.nrels;
	memcpy(st.rel, m->servers[s].d[KEA_DHCP4].status.rel, sizeof(st.rel[0]) * (size_t)st.nrels);
	st.uptime += 1;
	st.reload += 1;
	gen = m->generation;
	touched = m->servers[s].changed_gen;
	model_apply_status(m, s, KEA_DHCP4, &st, NOW + 1);
	assert_int_equal(m->generation, gen);
	assert_int_equal(m->servers[s].changed_gen, touched);
	assert_int_equal(m->servers[s].d[KEA_DHCP4].status.uptime, st.uptime);
	/* A state change is one, and marks the server. */
	st.rel[0].local.state = HA_STATE_PARTNER_DOWN;
	model_apply_status(m, s, KEA_DHCP4, &st, NOW + 2);
	assert_true(m->generation != gen);
	assert_int_equal(m->servers[s].changed_gen, m->generation);
	model_free(m);
	free(m);
}

struct change_log {
	int calls;
	enum rel_status old;
	enum rel_status now;
};

static void on_change(void *ctx, const struct relationship *r, enum rel_status old, double now)
{
	struct change_log *log = ctx;

	(void)now;
	log->calls++;
	log->old = old;
	log->now = r->verdict.status;
}

/* verdict_since moves only when the status does; the callback hears each change. */
static void test_update_all_stamps_changes(void **state)
{
	struct model *m = calloc(1, sizeof(*m));
	struct change_log log = { 0, REL_OK, REL_OK };
	int s;

	(void)state;
	assert_non_null(m);
	build(m, &rows[0]); /* lb v4 normal */
	verdict_update_all(m, NOW, on_change, &log);
	assert_int_equal(m->rels[0].verdict.status, REL_OK);
	assert_true(m->rels[0].verdict_since == NOW);
	assert_int_equal(log.calls, 0); /* the first verdict is no change */

	verdict_update_all(m, NOW + 5, on_change, &log);
	assert_true(m->rels[0].verdict_since == NOW);
	assert_int_equal(log.calls, 0);

	s = model_find_server(m, "lb-secondary");
	model_daemon_fault(m, s, KEA_DHCP4, FAULT_NOT_RUNNING, "offline", NOW + 6);
	verdict_update_all(m, NOW + 7, on_change, &log);
	assert_int_equal(m->rels[0].verdict.status, REL_IMPAIRED);
	assert_true(m->rels[0].verdict_since == NOW + 7);
	assert_int_equal(log.calls, 1);
	assert_int_equal(log.old, REL_OK);
	assert_int_equal(log.now, REL_IMPAIRED);
	assert_non_null(strstr(m->rels[0].verdict.reason, "lb-secondary down (DHCP server not running) for 1 s"));
	model_free(m);
	free(m);
}

/* A backup that was down and came back: Impaired while down, OK after. */
static void test_backup_down_then_restarted(void **state)
{
	struct model *m = calloc(1, sizeof(*m));
	int s;

	(void)state;
	assert_non_null(m);
	for (size_t i = 0; i < NROWS; i++)
		if (strcmp(rows[i].sit.name, "bk backup down") == 0)
			build(m, &rows[i]);
	assert_true(m->nrels == 1);
	verdict_update_all(m, NOW, NULL, NULL);
	assert_int_equal(m->rels[0].verdict.status, REL_IMPAIRED);
	assert_non_null(strstr(m->rels[0].verdict.next_step, "sync its leases"));
	s = model_find_server(m, "bk-backup");
	feed_status(m, s, false, KEA_DHCP4, S4("bk-backup.restarted"));
	feed_status(m, model_find_server(m, "bk-primary"), false, KEA_DHCP4, S4("bk-primary.normal"));
	verdict_update_all(m, NOW + 20, NULL, NULL);
	assert_int_equal(m->rels[0].verdict.status, REL_OK);
	assert_true(m->rels[0].verdict_since == NOW + 20);
	model_free(m);
	free(m);
}

/* Pool usage as statistic-get-all reports it (the captured one: 49 leases held). */
static struct kea_pool_usage captured_pool(void)
{
	struct fixture *f = fixture_load("statistic-get-all.dhcp4.hs-primary");
	struct kea_pool_usage p;

	assert_true(decode_pool_usage(cJSON_GetObjectItemCaseSensitive(answer(f, 0), "arguments"),
				      KEA_DHCP4, &p));
	fixture_free(f);
	return p;
}

/* A backup back from an outage holds fewer leases: Impaired, and the next step is sync-leases. */
static void test_backup_missing_leases(void **state)
{
	struct model *m = calloc(1, sizeof(*m));
	struct kea_pool_usage full = captured_pool(), part = full;
	const struct verdict *v;
	int b;

	(void)state;
	assert_non_null(m);
	for (size_t i = 0; i < NROWS; i++)
		if (strcmp(rows[i].sit.name, "bk backup restarted") == 0)
			build(m, &rows[i]);
	b = model_find_server(m, "bk-backup");
	model_apply_pool(m, model_find_server(m, "bk-primary"), KEA_DHCP4, &full, T0);
	model_apply_pool(m, model_find_server(m, "bk-secondary"), KEA_DHCP4, &full, T0);
	part.assigned = full.assigned - 30;
	model_apply_pool(m, b, KEA_DHCP4, &part, T0);
	verdict_update_all(m, NOW, NULL, NULL);
	v = &m->rels[0].verdict;
	assert_int_equal(v->status, REL_IMPAIRED);
	assert_non_null(strstr(v->reason, "bk-backup holds 19 leases, bk-primary 49"));
	assert_int_equal(v->next_action, HA_ACTION_SYNC_LEASES);
	assert_string_equal(v->next_action_peer, "bk-backup");
	/* Within the slack (updates in flight): not a fault. */
	part.assigned = full.assigned - 2;
	model_apply_pool(m, b, KEA_DHCP4, &part, T0);
	verdict_update_all(m, NOW, NULL, NULL);
	assert_int_equal(v->status, REL_OK);
	assert_int_equal(v->next_action, HA_ACTION_NONE);
	/* After the sync: equal. */
	model_apply_pool(m, b, KEA_DHCP4, &full, T0);
	verdict_update_all(m, NOW, NULL, NULL);
	assert_int_equal(v->status, REL_OK);
	model_free(m);
	free(m);
}

/* Active peers both normal hold every lease: one with far fewer lost them; ha-reset resyncs it. */
static void test_active_missing_leases(void **state)
{
	struct model *m = calloc(1, sizeof(*m));
	struct kea_pool_usage full = captured_pool(), part = full;
	const struct verdict *v;

	(void)state;
	assert_non_null(m);
	for (size_t i = 0; i < NROWS; i++)
		if (strcmp(rows[i].sit.name, "hs normal") == 0)
			build(m, &rows[i]);
	model_apply_pool(m, model_find_server(m, "hs-primary"), KEA_DHCP4, &full, T0);
	part.assigned = 0;
	model_apply_pool(m, model_find_server(m, "hs-standby"), KEA_DHCP4, &part, T0);
	verdict_update_all(m, NOW, NULL, NULL);
	v = &m->rels[model_find_rel(m, "hs-primary+hs-standby/dhcp4")].verdict;
	assert_int_equal(v->status, REL_IMPAIRED);
	assert_non_null(strstr(v->reason, "hs-standby holds 0 leases, hs-primary 49"));
	assert_int_equal(v->next_action, HA_ACTION_RESET);
	assert_string_equal(v->next_action_peer, "hs-standby");
	/* Within the slack: not a fault. */
	part.assigned = full.assigned - 1;
	model_apply_pool(m, model_find_server(m, "hs-standby"), KEA_DHCP4, &part, T0);
	verdict_update_all(m, NOW, NULL, NULL);
	assert_int_equal(v->status, REL_OK);
	model_free(m);
	free(m);
}

/* A Kea 3 hub holds the leases of both its relationships, a spoke of one: no lease gap. */
static void test_hub_leases_not_compared(void **state)
{
	struct model *m = calloc(1, sizeof(*m));
	struct kea_pool_usage full = captured_pool(), part = full;

	(void)state;
	assert_non_null(m);
	for (size_t i = 0; i < NROWS; i++)
		if (strcmp(rows[i].sit.name, "kea3 hub normal: hub-1") == 0)
			build(m, &rows[i]);
	model_apply_pool(m, model_find_server(m, "hub"), KEA_DHCP4, &full, T0);
	part.assigned = 10;
	model_apply_pool(m, model_find_server(m, "spoke1"), KEA_DHCP4, &part, T0);
	model_apply_pool(m, model_find_server(m, "spoke2"), KEA_DHCP4, &part, T0);
	verdict_update_all(m, NOW, NULL, NULL);
	for (int i = 0; i < m->nrels; i++) {
		assert_int_equal(m->rels[i].verdict.status, REL_OK);
		assert_int_equal(m->rels[i].verdict.next_action, HA_ACTION_NONE);
	}
	model_free(m);
	free(m);
}

/* Stork's failover progress: floor(100 u / (u + left + 1)) while interrupted. */
static void test_failover_progress(void **state)
{
	struct ha_remote r;

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(verdict_failover_progress(NULL), -1);
	assert_int_equal(verdict_failover_progress(&r), -1); /* not present */
	r.present = true;
	r.unacked_clients = 2;
	r.unacked_clients_left = 2;
	assert_int_equal(verdict_failover_progress(&r), -1); /* not interrupted */
	r.communication_interrupted = true;
	assert_int_equal(verdict_failover_progress(&r), 40);
	r.unacked_clients = 0;
	r.unacked_clients_left = 4;
	assert_int_equal(verdict_failover_progress(&r), 0);
	r.unacked_clients = 3;
	r.unacked_clients_left = 1;
	assert_int_equal(verdict_failover_progress(&r), 60);
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_builder_sanity),
		cmocka_unit_test(test_refused_agent_vs_daemon),
		cmocka_unit_test(test_config_fault_impairs),
		cmocka_unit_test(test_update_all_stamps_changes),
		cmocka_unit_test(test_update_changed_follows_touches),
		cmocka_unit_test(test_uptime_is_not_a_change),
		cmocka_unit_test(test_backup_down_then_restarted),
		cmocka_unit_test(test_failover_progress),
		cmocka_unit_test(test_backup_missing_leases),
		cmocka_unit_test(test_active_missing_leases),
		cmocka_unit_test(test_hub_leases_not_compared),
	};
	struct CMUnitTest tests[NROWS + sizeof(fixed) / sizeof(fixed[0])];
	size_t n = 0;
	int rc;

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		tests[n++] = fixed[i];
	for (size_t i = 0; i < NROWS; i++) {
		struct CMUnitTest t = { rows[i].sit.name, test_row, NULL, NULL, (void *)&rows[i] };
		tests[n++] = t;
	}
	rc = _cmocka_run_group_tests("verdict", tests, n, NULL, NULL);
	return rc;
}
