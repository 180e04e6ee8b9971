/*
 * action.c as a table: each row is a situation built from captured Kea
 * answers (tests/unit/situation.h, as for the verdicts), an action and an
 * optional --peer, and what must come out: a refusal with its words, a usage
 * error, or a plan with its commands (receiver, command, arguments), the
 * words of its effect and warning, and the states to expect afterwards.
 * Set ACTION_TABLE=1 to print every decision.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "action.h"
#include "decode.h"
#include "discovery.h"
#include "fixture.h"
#include "model.h"
#include "verdict.h"

#include "situation.h"

struct step_want {
	const char *to;           /* receiving peer */
	const char *command;
	const char *args;         /* the arguments as printed unformatted, NULL: none */
	bool reapply;
};

struct exp_want {
	const char *peer;
	enum ha_state state;
	bool leave;
};

struct arow {
	struct situation sit;     /* name, configs, answers, relationship */
	const char *pause;        /* a state-machine section added to the fed configs */
	enum ha_action action;
	const char *peer;
	enum action_kind kind;
	const char *words[2];     /* in the refusal (REFUSED, USAGE) or the effect (PLAN) */
	const char *warning;      /* in the warning; NULL: no warning */
	struct step_want step[2];
	struct exp_want expect[2];
};

#define MS HA_ACTION_MAINTENANCE_START
#define MC HA_ACTION_MAINTENANCE_CANCEL
#define SY HA_ACTION_SYNC_LEASES
#define CO HA_ACTION_CONTINUE
#define RS HA_ACTION_RESET
#define RC HA_ACTION_RECOVER
#define SC HA_ACTION_RESTORE_SCOPES
#define WORDS(...) .words = { __VA_ARGS__ }

#define LB_NORMAL { ST("lb-primary", S4("lb-primary.normal")), ST("lb-secondary", S4("lb-secondary.normal")) }
#define LB_MAINT { ST("lb-primary", S4("lb-primary.in-maintenance")), \
		   ST("lb-secondary", S4("lb-secondary.partner-in-maintenance")) }
#define LB_P_KILLED { EP("lb-primary", FAULT_REFUSED), ST("lb-secondary", S4("lb-secondary.partner-down")) }
#define HS_NORMAL { ST("hs-primary", S4("hs-primary.normal")), ST("hs-standby", S4("hs-standby.normal")) }
#define HS_TERM(a, b) { STC("hs-primary", S4("hs-primary.terminated"), a), \
			STC("hs-standby", S4("hs-standby.terminated"), b) }
#define BK_RESTARTED { ST("bk-primary", S4("bk-primary.normal")), ST("bk-secondary", S4("bk-secondary.normal")), \
		       ST("bk-backup", S4("bk-backup.restarted")) }
#define HUB_NORMAL { ST("hub", K3("hub.normal")), ST("spoke1", K3("spoke1.normal")), ST("spoke2", K3("spoke2.normal")) }
#define PAUSE_WAITING "{\"states\":[{\"state\":\"waiting\",\"pause\":\"always\"}," \
		      "{\"state\":\"ready\",\"pause\":\"never\"}]}"
#define PAUSE_READY "{\"states\":[{\"state\":\"ready\",\"pause\":\"always\"}]}"
#define PAUSE_PD "{\"states\":[{\"state\":\"partner-down\",\"pause\":\"once\"}]}"
#define PAUSE_HS "{\"states\":[{\"state\":\"hot-standby\",\"pause\":\"always\"}]}"

static const struct arow rows[] = {
	/* ---- maintenance-start ---- */
	{ { "maintenance-start hs: the standby down, the primary keeps serving", false, KEA_DHCP4, HS4,
	  HS4_REL, HS_NORMAL }, NULL, MS, "hs-standby", ACTION_PLAN,
	  WORDS("hs-primary will serve all clients; hs-standby will serve none and can be shut down",
		"no unplanned failover"), NULL,
	  { { "hs-primary", "ha-maintenance-start", NULL, false } },
	  { { "hs-primary", HA_STATE_PARTNER_IN_MAINTENANCE, false },
	    { "hs-standby", HA_STATE_IN_MAINTENANCE, false } } },
	{ { "maintenance-start lb: the command goes to the partner that keeps serving", false, KEA_DHCP4,
	  LB4, LB4_REL, LB_NORMAL }, NULL, MS, "lb-primary", ACTION_PLAN,
	  WORDS("lb-secondary will serve all clients; lb-primary will serve none"), NULL,
	  { { "lb-secondary", "ha-maintenance-start", NULL, false } },
	  { { "lb-secondary", HA_STATE_PARTNER_IN_MAINTENANCE, false },
	    { "lb-primary", HA_STATE_IN_MAINTENANCE, false } } },
	{ { "maintenance-start without --peer", false, KEA_DHCP4, LB4, LB4_REL, LB_NORMAL }, NULL, MS, NULL,
	  ACTION_USAGE, WORDS("needs --peer") },
	{ { "maintenance-start on a server that is no peer", false, KEA_DHCP4, LB4, LB4_REL, LB_NORMAL }, NULL,
	  MS, "hs-primary", ACTION_USAGE, WORDS("hs-primary is not a peer", "lb-primary, lb-secondary") },
	{ { "maintenance-start on a peer whose partner is down", false, KEA_DHCP4, LB4, LB4_REL, LB_P_KILLED },
	  NULL, MS, "lb-secondary", ACTION_REFUSED,
	  WORDS("lb-primary, the partner that would keep serving, is", "nobody serving") },
	{ { "maintenance-start on a peer already down", false, KEA_DHCP4, LB4, LB4_REL, LB_P_KILLED }, NULL,
	  MS, "lb-primary", ACTION_REFUSED, WORDS("lb-primary is", "nothing to prepare") },
	{ { "maintenance-start while already in maintenance", false, KEA_DHCP4, LB4, LB4_REL, LB_MAINT }, NULL,
	  MS, "lb-primary", ACTION_REFUSED, WORDS("already in maintenance", "can be shut down now") },
	{ { "maintenance-start on the partner of the one in maintenance", false, KEA_DHCP4, LB4, LB4_REL,
	  LB_MAINT }, NULL, MS, "lb-secondary", ACTION_REFUSED, WORDS("lb-primary is itself in maintenance") },
	{ { "maintenance-start on a backup", false, KEA_DHCP4, BK4, BK4_REL, BK_RESTARTED }, NULL, MS,
	  "bk-backup", ACTION_REFUSED, WORDS("bk-backup is a backup", "without maintenance") },
	{ { "maintenance-start in passive-backup", false, KEA_DHCP4, PB4, PB4_REL,
	  { ST("pb-primary", S4("pb-primary.passive-backup")), ST("pb-backup", S4("pb-backup.backup")) } },
	  NULL, MS, "pb-primary", ACTION_REFUSED, WORDS("passive-backup") },
	{ { "maintenance-start while terminated", false, KEA_DHCP4, HS4, HS4_REL, HS_TERM(0, 0) }, NULL, MS,
	  "hs-standby", ACTION_REFUSED, WORDS("terminated", "recover first") },
	{ { "maintenance-start when the partner is in partner-down", false, KEA_DHCP4, LB4, LB4_REL,
	  { ST("lb-primary", S4("lb-primary.waiting")), ST("lb-secondary", S4("lb-secondary.partner-down")) } },
	  NULL, MS, "lb-primary", ACTION_REFUSED, WORDS("lb-secondary is in partner-down") },
	{ { "maintenance-start while the partner is only waiting", false, KEA_DHCP4, LB4, LB4_REL,
	  { ST("lb-primary", S4("lb-primary.normal")), ST("lb-secondary", S4("plain-b.waiting-partner-syncing")) } },
	  NULL, MS, "lb-primary", ACTION_REFUSED, WORDS("lb-secondary is in waiting", "cannot take over") },
	{ { "maintenance-start with the service down", false, KEA_DHCP4, LB4, LB4_REL,
	  { OFFLINE("lb-primary", S4("lb-primary.service-stopped")),
	    OFFLINE("lb-secondary", S4("lb-primary.agent-up-service-killed")) } },
	  NULL, MS, "lb-primary", ACTION_REFUSED, WORDS("DHCP service is down") },
	{ { "maintenance-start with the relationship unreachable", false, KEA_DHCP4, LB4, LB4_REL,
	  { EP("lb-primary", FAULT_TIMEOUT), EP("lb-secondary", FAULT_TIMEOUT) } },
	  NULL, MS, "lb-primary", ACTION_REFUSED, WORDS("unreachable to keaha") },
	{ { "maintenance-start of a spoke: sent to the hub, which acts on all its relationships", true,
	  KEA_DHCP4, HUB3, "hub-1+spoke1/dhcp4", HUB_NORMAL }, NULL, MS, "spoke1", ACTION_PLAN,
	  WORDS("hub-1 will serve all clients; spoke1 will serve none"),
	  "hub-1 is a Kea hub in 1 more relationship(s) (hub-2+spoke2/dhcp4)",
	  { { "hub-1", "ha-maintenance-start", "{\"server-name\":\"hub-1\"}", false } },
	  { { "hub-1", HA_STATE_PARTNER_IN_MAINTENANCE, false },
	    { "spoke1", HA_STATE_IN_MAINTENANCE, false } } },
	{ { "maintenance-start of the hub: its DHCP goes off for every relationship", true, KEA_DHCP4,
	  HUB3, "hub-1+spoke1/dhcp4", HUB_NORMAL }, NULL, MS, "hub-1", ACTION_PLAN,
	  WORDS("spoke1 will serve all clients; hub-1 will serve none"),
	  "switches its DHCP off for all of them, so clients of hub-2+spoke2/dhcp4 are not served",
	  { { "spoke1", "ha-maintenance-start", NULL, false } },
	  { { "spoke1", HA_STATE_PARTNER_IN_MAINTENANCE, false },
	    { "hub-1", HA_STATE_IN_MAINTENANCE, false } } },

	/* ---- maintenance-cancel ---- */
	{ { "maintenance-cancel: sent to the partner-in-maintenance peer", false, KEA_DHCP4, LB4, LB4_REL,
	  LB_MAINT }, NULL, MC, NULL, ACTION_PLAN,
	  WORDS("lb-primary leaves maintenance.", "each serve their own clients"), NULL,
	  { { "lb-secondary", "ha-maintenance-cancel", NULL, false } },
	  { { "lb-primary", HA_STATE_LOAD_BALANCING, false },
	    { "lb-secondary", HA_STATE_LOAD_BALANCING, false } } },
	{ { "maintenance-cancel naming the maintained peer", false, KEA_DHCP4, LB4, LB4_REL, LB_MAINT }, NULL,
	  MC, "lb-primary", ACTION_PLAN, WORDS("lb-primary leaves maintenance"), NULL,
	  { { "lb-secondary", "ha-maintenance-cancel", NULL, false } },
	  { { "lb-primary", HA_STATE_LOAD_BALANCING, false } } },
	{ { "maintenance-cancel when nobody is in maintenance", false, KEA_DHCP4, LB4, LB4_REL, LB_NORMAL },
	  NULL, MC, NULL, ACTION_REFUSED, WORDS("nobody in", "nothing to cancel") },
	{ { "maintenance-cancel after the maintained server was stopped", false, KEA_DHCP4, HS4, HS4_REL,
	  { EP("hs-primary", FAULT_REFUSED), ST("hs-standby", S4("hs-standby.partner-in-maintenance-partner-stopped")) } },
	  NULL, MC, NULL, ACTION_REFUSED, WORDS("nothing to cancel", "returns to normal by itself") },

	/* ---- sync-leases ---- */
	{ { "sync-leases: the backup fetches from the source of truth", false, KEA_DHCP4, BK4, BK4_REL,
	  BK_RESTARTED }, NULL, SY, NULL, ACTION_PLAN,
	  WORDS("bk-backup fetches every lease from bk-primary", "at most 10 s"), NULL,
	  { { "bk-backup", "ha-sync", "{\"server-name\":\"bk-primary\",\"max-period\":10}", false } },
	  { { "bk-backup", HA_STATE_BACKUP, false } } },
	{ { "sync-leases of the primary: from its partner", false, KEA_DHCP4, BK4, BK4_REL, BK_RESTARTED },
	  NULL, SY, "bk-primary", ACTION_PLAN, WORDS("bk-primary fetches every lease from bk-secondary"),
	  NULL, { { "bk-primary", "ha-sync", "{\"server-name\":\"bk-secondary\",\"max-period\":10}", false } },
	  { { "bk-primary", HA_STATE_LOAD_BALANCING, false } } },
	{ { "sync-leases without --peer and no backup", false, KEA_DHCP4, LB4, LB4_REL, LB_NORMAL }, NULL, SY,
	  NULL, ACTION_USAGE, WORDS("needs --peer") },
	{ { "sync-leases from an unreachable partner", false, KEA_DHCP4, LB4, LB4_REL, LB_P_KILLED }, NULL,
	  SY, "lb-secondary", ACTION_REFUSED, WORDS("lb-primary, the partner to sync from, is",
						     "nothing to fetch leases from") },
	{ { "sync-leases onto a server that is down", false, KEA_DHCP4, LB4, LB4_REL, LB_P_KILLED }, NULL,
	  SY, "lb-primary", ACTION_REFUSED, WORDS("cannot fetch leases now") },
	{ { "sync-leases from a partner that serves nobody", false, KEA_DHCP4, LB4, LB4_REL,
	  { ST("lb-primary", S4("lb-primary.ready")), ST("lb-secondary", S4("lb-secondary.partner-down")) } },
	  NULL, SY, "lb-secondary", ACTION_REFUSED, WORDS("lb-primary is in ready and serves no clients") },
	{ { "sync-leases with the service down", false, KEA_DHCP4, LB4, LB4_REL,
	  { ST("lb-primary", S4("lb-primary.both-restarting")), ST("lb-secondary", S4("plain-b.waiting-partner-syncing")) } },
	  NULL, SY, "lb-primary", ACTION_REFUSED, WORDS("DHCP service is down") },

	/* ---- continue ---- */
	{ { "continue with no pause configured", false, KEA_DHCP4, LB4, LB4_REL, LB_NORMAL }, NULL, CO, NULL,
	  ACTION_REFUSED, WORDS("no peer sits in a state its configuration pauses in", "would do nothing") },
	{ { "continue: the standby waits where its configuration pauses", false, KEA_DHCP4, HS4, HS4_REL,
	  { ST("hs-primary", S4("hs-primary.normal")), ST("hs-standby", S4("hs-standby.waiting-partner-terminated")) } },
	  PAUSE_WAITING, CO, NULL, ACTION_PLAN, WORDS("hs-standby has sat in waiting for at least 10 s, a state its configuration pauses in",
		"it is paused"),
	  NULL, { { "hs-standby", "ha-continue", NULL, false } }, { { "hs-standby", HA_STATE_WAITING, true } } },
	/* Kea keeps a server in waiting while its partner is terminated (README section 6): no proof. */
	{ { "continue: waiting for a terminated partner is no proof of a pause", false, KEA_DHCP4, HS4, HS4_REL,
	  { ST("hs-primary", S4("hs-primary.still-terminated")), ST("hs-standby", S4("hs-standby.waiting-partner-terminated")) } },
	  PAUSE_WAITING, CO, NULL, ACTION_PLAN, WORDS("keaha cannot tell whether it is paused", "waits for its terminated partner"),
	  NULL, { { "hs-standby", "ha-continue", NULL, false } }, { { "hs-standby", HA_STATE_WAITING, false } } },
	/* Paused in hot-standby, the standby does not take over from its lost primary: the way out. */
	{ { "continue: a standby paused in hot-standby after its primary was lost", false, KEA_DHCP4, HS4, HS4_REL,
	  { OFFLINE("hs-primary", S4("lb-primary.service-stopped")), ST("hs-standby", S4("hs-standby.comm-interrupted-still-hot-standby")) } },
	  PAUSE_HS, CO, NULL, ACTION_PLAN, WORDS("although it has not heard from its partner for 16 s",
		"would have gone partner-down 12 s ago, so it is paused"),
	  NULL, { { "hs-standby", "ha-continue", NULL, false } }, { { "hs-standby", HA_STATE_PARTNER_DOWN, false } } },
	{ { "continue: paused in hot-standby with the pair in touch cannot be told", false, KEA_DHCP4, HS4, HS4_REL,
	  HS_NORMAL }, PAUSE_HS, CO, "hs-standby", ACTION_PLAN, WORDS("where Kea would stay anyway now",
		"It stays in hot-standby"),
	  NULL, { { "hs-standby", "ha-continue", NULL, false } }, { { "hs-standby", HA_STATE_HOT_STANDBY, false } } },
	{ { "continue on a peer in a state not paused (ready: never)", false, KEA_DHCP4, LB4, LB4_REL,
	  { ST("lb-primary", S4("lb-primary.ready")), ST("lb-secondary", S4("lb-secondary.partner-down")) } },
	  PAUSE_WAITING, CO, "lb-primary", ACTION_REFUSED, WORDS("lb-primary ready", "would do nothing") },
	{ { "continue: ready held past the bound is a pause", false, KEA_DHCP4, LB4, LB4_REL,
	  { ST("lb-primary", S4("lb-primary.ready")), ST("lb-secondary", S4("lb-secondary.partner-down")) } },
	  PAUSE_READY, CO, NULL, ACTION_PLAN, WORDS("lb-primary has sat in ready for at least 10 s",
		"(ready passes in seconds): it is paused"),
	  NULL, { { "lb-primary", "ha-continue", NULL, false } }, { { "lb-primary", HA_STATE_READY, true } } },
	{ { "continue: partner-down with the partner down cannot be told", false, KEA_DHCP4, HS4, HS4_REL,
	  { OFFLINE("hs-primary", S4("lb-primary.service-stopped")), ST("hs-standby", S4("hs-standby.partner-down")) } },
	  PAUSE_PD, CO, NULL, ACTION_PLAN, WORDS("keaha cannot tell whether it is paused",
		"it stays there until its partner is back and ready"),
	  NULL, { { "hs-standby", "ha-continue", NULL, false } }, { { "hs-standby", HA_STATE_PARTNER_DOWN, false } } },
	{ { "continue is a way out when both wait, paused", false, KEA_DHCP4, LB4, LB4_REL,
	  { ST("lb-primary", S4("lb-primary.both-restarting")), ST("lb-secondary", S4("plain-b.waiting-partner-syncing")) } },
	  PAUSE_WAITING, CO, "lb-primary", ACTION_PLAN, WORDS("lb-primary has sat in waiting"), NULL,
	  { { "lb-primary", "ha-continue", NULL, false } }, { { "lb-primary", HA_STATE_WAITING, true } } },

	/* ---- reset ---- */
	{ { "reset: the secondary resyncs from the primary", false, KEA_DHCP4, LB4, LB4_REL, LB_NORMAL }, NULL,
	  RS, "lb-secondary", ACTION_PLAN, WORDS("lb-secondary goes back to waiting, fetches every lease from lb-primary"),
	  NULL, { { "lb-secondary", "ha-reset", NULL, false } },
	  { { "lb-secondary", HA_STATE_LOAD_BALANCING, false } } },
	{ { "reset without --peer", false, KEA_DHCP4, LB4, LB4_REL, LB_NORMAL }, NULL, RS, NULL, ACTION_USAGE,
	  WORDS("needs --peer") },
	{ { "reset of a terminated server does not help", false, KEA_DHCP4, HS4, HS4_REL, HS_TERM(0, 0) }, NULL,
	  RS, "hs-primary", ACTION_REFUSED, WORDS("does not leave terminated", "use recover") },
	{ { "reset of a backup", false, KEA_DHCP4, BK4, BK4_REL, BK_RESTARTED }, NULL, RS, "bk-backup",
	  ACTION_REFUSED, WORDS("use sync-leases") },
	{ { "reset with the partner down", false, KEA_DHCP4, LB4, LB4_REL, LB_P_KILLED }, NULL, RS,
	  "lb-secondary", ACTION_REFUSED, WORDS("would resync from lb-primary", "serving nobody") },
	{ { "reset in maintenance", false, KEA_DHCP4, LB4, LB4_REL, LB_MAINT }, NULL, RS, "lb-secondary",
	  ACTION_REFUSED, WORDS("maintenance-cancel") },

	/* ---- recover ---- */
	{ { "recover: both terminated, clocks fixed: each gets its own configuration again", false,
	  KEA_DHCP4, HS4, HS4_REL, HS_TERM(0.2, -0.4) }, NULL, RC, NULL, ACTION_PLAN,
	  WORDS("Both servers get their own running configuration again", "config-reload would"), NULL,
	  { { "hs-standby", "config-set", NULL, true }, { "hs-primary", "config-set", NULL, true } },
	  { { "hs-primary", HA_STATE_HOT_STANDBY, false }, { "hs-standby", HA_STATE_HOT_STANDBY, false } } },
	{ { "recover while the clocks still differ by 90 s", false, KEA_DHCP4, HS4, HS4_REL, HS_TERM(0, 90) },
	  NULL, RC, NULL, ACTION_REFUSED, WORDS("clocks still differ by 90 s", "fix NTP on hs-standby (+90 s") },
	{ { "recover while the clocks differ by 31 s", false, KEA_DHCP4, HS4, HS4_REL, HS_TERM(-16, 15) },
	  NULL, RC, NULL, ACTION_REFUSED, WORDS("differ by 31 s") },
	{ { "recover without a clock reading of one server", false, KEA_DHCP4, HS4, HS4_REL,
	  { STC("hs-primary", S4("hs-primary.terminated"), 0), ST("hs-standby", S4("hs-standby.terminated")) } },
	  NULL, RC, NULL, ACTION_REFUSED, WORDS("no clock reading of hs-standby") },
	{ { "recover: the standby was restarted (waiting), the primary still terminated", false, KEA_DHCP4,
	  HS4, HS4_REL,
	  { STC("hs-primary", S4("hs-primary.still-terminated"), 0),
	    STC("hs-standby", S4("hs-standby.waiting-partner-terminated"), 1) } },
	  NULL, RC, NULL, ACTION_PLAN,
	  WORDS("hs-primary gets its own running configuration again", "hs-standby, restarted, waits"), NULL,
	  { { "hs-primary", "config-set", NULL, true } },
	  { { "hs-primary", HA_STATE_HOT_STANDBY, false }, { "hs-standby", HA_STATE_HOT_STANDBY, false } } },
	{ { "recover with nothing terminated", false, KEA_DHCP4, LB4, LB4_REL, LB_NORMAL }, NULL, RC, NULL,
	  ACTION_REFUSED, WORDS("no peer of", "nothing to recover") },
	{ { "recover on Kea 3: keaha's own clocks, not the skew Kea froze at termination", true, KEA_DHCP4,
	  LB3, LB4_REL,
	  { STC("lb-primary", K3("lb-primary.partner-clock-plus90s"), 0),
	    STC("lb-secondary", K3("lb-secondary.own-clock-plus90s"), 0.5) } },
	  NULL, RC, NULL, ACTION_PLAN, WORDS("Both servers"), NULL,
	  { { "lb-secondary", "config-set", NULL, true }, { "lb-primary", "config-set", NULL, true } },
	  { { "lb-primary", HA_STATE_LOAD_BALANCING, false } } },

	/* ---- restore-scopes ---- */
	{ { "restore-scopes after a manual ha-scopes gave the primary both scopes", false, KEA_DHCP4, LB4,
	  LB4_REL, { ST("lb-primary", S4("lb-primary.after-ha-scopes")), ST("lb-secondary", S4("lb-secondary.normal")) } },
	  NULL, SC, NULL, ACTION_PLAN, WORDS("lb-primary (in load-balancing) serves the scopes of lb-primary "
					       "instead of lb-primary, lb-secondary"), NULL,
	  { { "lb-primary", "ha-scopes", "{\"scopes\":[\"lb-primary\"]}", false } },
	  { { "lb-primary", HA_STATE_LOAD_BALANCING, false } } },
	{ { "restore-scopes in partner-down after setting own scope only", false, KEA_DHCP4, LB4, LB4_REL,
	  { ST("lb-primary", S4("lb-primary.partner-down-after-ha-scopes")), EP("lb-secondary", FAULT_REFUSED) } },
	  NULL, SC, NULL, ACTION_PLAN, WORDS("serves the scopes of lb-primary, lb-secondary"), NULL,
	  { { "lb-primary", "ha-scopes", "{\"scopes\":[\"lb-primary\",\"lb-secondary\"]}", false } },
	  { { "lb-primary", HA_STATE_PARTNER_DOWN, false } } },
	{ { "restore-scopes when the scopes match the states", false, KEA_DHCP4, HS4, HS4_REL, HS_NORMAL },
	  NULL, SC, NULL, ACTION_REFUSED, WORDS("already match") },
};

#define NROWS (sizeof(rows) / sizeof(rows[0]))

/* The row's configurations again, each with a state-machine section added. */
static void feed_paused(struct model *m, const struct arow *row)
{
	for (int i = 0; i < 3 && row->sit.conf[i].server; i++) {
		struct fixture *f = fixture_load(row->sit.conf[i].fixture);
		cJSON *args = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(answer(f, 0), "arguments"), true);
		cJSON *hooks = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(args,
			kea_service_config_key(row->sit.svc)), "hooks-libraries"), *lib;
		struct kea_config *c = calloc(1, sizeof(*c));
		char err[DECODE_ERR_LEN];

		assert_non_null(c);
		cJSON_ArrayForEach(lib, hooks) {
			cJSON *ha = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(lib,
				"parameters"), "high-availability");
			if (cJSON_IsArray(ha))
				cJSON_AddItemToObject(cJSON_GetArrayItem(ha, 0), "state-machine",
						      cJSON_Parse(row->pause));
		}
		assert_true(decode_config(args, row->sit.svc, c, err, sizeof(err)));
		assert_true(c->rel[0].pause_states != 0);
		model_apply_config(m, model_find_server(m, row->sit.conf[i].server), row->sit.svc, c, T0 - 60);
		free(c);
		cJSON_Delete(args);
		fixture_free(f);
	}
}

static int peer_index(const struct relationship *r, const char *name)
{
	for (int i = 0; i < r->npeers; i++)
		if (strcmp(r->peer[i].name, name) == 0)
			return i;
	fail_msg("no peer %s in %s", name, r->name);
	return -1;
}

static void check_steps(const struct arow *row, const struct relationship *r, const struct action_plan *p)
{
	int n = 0;

	for (; n < 2 && row->step[n].to; n++) {
		const struct action_step *s = &p->step[n];
		cJSON *args = action_step_args(s);
		char *text = args ? cJSON_PrintUnformatted(args) : NULL;

		if (n >= p->nsteps)
			fail_msg("%s: step %d missing", row->sit.name, n);
		assert_string_equal(r->peer[s->peer].name, row->step[n].to);
		assert_string_equal(s->command, row->step[n].command);
		assert_int_equal(s->reapply_config, row->step[n].reapply);
		if (row->step[n].args)
			assert_string_equal(text ? text : "(none)", row->step[n].args);
		else if (text)
			fail_msg("%s: step %d has arguments %s", row->sit.name, n, text);
		assert_true(s->timeout > 0);
		cJSON_free(text);
		cJSON_Delete(args);
	}
	assert_int_equal(p->nsteps, n);
}

static void check_expect(const struct arow *row, const struct relationship *r, const struct action_plan *p)
{
	for (int n = 0; n < 2 && row->expect[n].peer; n++) {
		bool found = false;
		int want = peer_index(r, row->expect[n].peer);
		for (int k = 0; k < p->nexpect; k++)
			if (p->expect[k].peer == want) {
				found = true;
				assert_int_equal(p->expect[k].state, row->expect[n].state);
				assert_int_equal(p->expect[k].leave, row->expect[n].leave);
			}
		if (!found)
			fail_msg("%s: no expectation for %s", row->sit.name, row->expect[n].peer);
	}
	assert_true(p->settle >= 15 && p->settle <= 300);
}

static void check_words(const struct arow *row, const struct action_plan *p)
{
	const char *text = p->kind == ACTION_PLAN ? p->effect : p->refusal;

	for (int i = 0; i < 2 && row->words[i]; i++)
		if (!strstr(text, row->words[i]))
			fail_msg("%s: \"%s\" lacks \"%s\"", row->sit.name, text, row->words[i]);
	if (row->warning && !strstr(p->warning, row->warning))
		fail_msg("%s: warning \"%s\" lacks \"%s\"", row->sit.name, p->warning, row->warning);
	if (!row->warning && p->warning[0])
		fail_msg("%s: unexpected warning \"%s\"", row->sit.name, p->warning);
}

static void test_row(void **state)
{
	const struct arow *row = *state;
	struct model *m = calloc(1, sizeof(*m));
	struct action_plan p;
	int ri;

	assert_non_null(m);
	situation_build_row(m, &row->sit);
	if (row->pause)
		feed_paused(m, row);
	ri = model_find_rel(m, row->sit.rel);
	if (ri < 0)
		fail_msg("%s: no relationship %s", row->sit.name, row->sit.rel);
	verdict_update_all(m, NOW, NULL, NULL);
	action_decide(m, &m->rels[ri], row->action, row->peer, NOW, &p);
	if (getenv("ACTION_TABLE"))
		print_message("| %s | %s | %s%s | warn: %s |\n", row->sit.name,
			      p.kind == ACTION_PLAN ? "PLAN" : p.kind == ACTION_REFUSED ? "REFUSED" : "USAGE",
			      p.kind == ACTION_PLAN ? p.effect : p.refusal, "", p.warning);
	if (p.kind != row->kind)
		fail_msg("%s: kind %d, expected %d (%s)", row->sit.name, p.kind, row->kind, p.refusal);
	check_words(row, &p);
	if (p.kind == ACTION_PLAN) {
		check_steps(row, &m->rels[ri], &p);
		check_expect(row, &m->rels[ri], &p);
	} else {
		/* Refused: nothing at all to send. */
		assert_int_equal(p.nsteps, 0);
		assert_int_equal(p.nexpect, 0);
		assert_true(p.refusal[0] != '\0');
	}
	model_free(m);
	free(m);
}

/* ---- outside the table ---------------------------------------------------- */

static void test_names(void **state)
{
	enum ha_action a;

	(void)state;
	for (int i = 1; i < HA_ACTION_COUNT; i++) {
		assert_true(action_parse(action_name((enum ha_action)i), &a));
		assert_int_equal(a, i);
		assert_true(action_help((enum ha_action)i)[0] != '\0');
	}
	assert_false(action_parse("maintenance", &a));
	assert_false(action_parse("", &a));
	assert_false(action_parse(NULL, &a));
	assert_string_equal(action_name(HA_ACTION_COUNT), "");
}

/* The outcome watch: expectations met only once the states Kea reaches are seen. */
static void test_expect_met(void **state)
{
	const struct arow *row = &rows[1]; /* maintenance-start lb, --peer lb-primary */
	struct model *m = calloc(1, sizeof(*m));
	struct action_plan p;
	char seen[64];
	const struct relationship *r;

	(void)state;
	assert_non_null(m);
	situation_build_row(m, &row->sit);
	r = &m->rels[model_find_rel(m, row->sit.rel)];
	action_decide(m, r, row->action, row->peer, NOW, &p);
	assert_int_equal(p.kind, ACTION_PLAN);
	assert_false(action_expect_met(m, r, &p.expect[0], seen, sizeof(seen)));
	assert_string_equal(seen, "load-balancing");
	feed_status(m, model_find_server(m, "lb-primary"), false, KEA_DHCP4, S4("lb-primary.in-maintenance"));
	feed_status(m, model_find_server(m, "lb-secondary"), false, KEA_DHCP4,
		    S4("lb-secondary.partner-in-maintenance"));
	for (int k = 0; k < p.nexpect; k++)
		assert_true(action_expect_met(m, r, &p.expect[k], seen, sizeof(seen)));
	/* A peer keaha cannot see meets nothing. */
	model_endpoint_fault(m, model_find_server(m, "lb-primary"), FAULT_TIMEOUT, NULL, NOW);
	assert_false(action_expect_met(m, r, &p.expect[1], seen, sizeof(seen)));
	model_free(m);
	free(m);
}

/* Scopes are part of restore-scopes' expectation. */
static void test_expect_scopes(void **state)
{
	const struct arow *row = NULL;
	struct model *m = calloc(1, sizeof(*m));
	struct action_plan p;
	char seen[64];
	const struct relationship *r;

	(void)state;
	for (size_t i = 0; i < NROWS; i++)
		if (strstr(rows[i].sit.name, "restore-scopes after a manual"))
			row = &rows[i];
	assert_non_null(row);
	assert_non_null(m);
	situation_build_row(m, &row->sit);
	r = &m->rels[model_find_rel(m, row->sit.rel)];
	action_decide(m, r, row->action, row->peer, NOW, &p);
	assert_int_equal(p.kind, ACTION_PLAN);
	assert_true(p.expect[0].check_scopes);
	assert_false(action_expect_met(m, r, &p.expect[0], seen, sizeof(seen)));
	feed_status(m, model_find_server(m, "lb-primary"), false, KEA_DHCP4, S4("lb-primary.normal"));
	assert_true(action_expect_met(m, r, &p.expect[0], seen, sizeof(seen)));
	model_free(m);
	free(m);
}

/* Only a state held long enough (as keaha saw it) is called paused; just seen, it may be passing. */
static void test_paused_held(void **state)
{
	const struct arow *row = NULL;
	struct model *m = calloc(1, sizeof(*m));
	struct action_plan p;

	(void)state;
	for (size_t i = 0; i < NROWS; i++)
		if (strstr(rows[i].sit.name, "continue: the standby waits"))
			row = &rows[i];
	assert_non_null(row);
	assert_non_null(m);
	situation_build_row(m, &row->sit);
	feed_paused(m, row);
	/* Seen in waiting at T0 (reload 0: just configured); asked at once: maybe passing. */
	action_decide(m, &m->rels[model_find_rel(m, row->sit.rel)], HA_ACTION_CONTINUE, NULL, T0, &p);
	assert_int_equal(p.kind, ACTION_PLAN);
	assert_non_null(strstr(p.effect, "seen there for 0 s only"));
	assert_null(strstr(p.effect, "it is paused"));
	/* keaha ha watches it first: 2 heartbeats + max-response-delay (1 s, 4 s) */
	assert_true(p.watch > 5.9 && p.watch < 6.1);
	/* Asked 60 s later: longer than 2 heartbeats + max-response-delay. */
	action_decide(m, &m->rels[model_find_rel(m, row->sit.rel)], HA_ACTION_CONTINUE, NULL, T0 + 60, &p);
	assert_int_equal(p.kind, ACTION_PLAN);
	assert_non_null(strstr(p.effect, "for at least 60 s"));
	assert_non_null(strstr(p.effect, "it is paused"));
	assert_true(p.watch == 0);
	model_free(m);
	free(m);
}

/* The verdict sees the same proven pause: service down, and continue is the next step. */
static void test_pause_in_verdict(void **state)
{
	const struct arow *row = NULL;
	struct model *m = calloc(1, sizeof(*m));
	struct verdict v;

	(void)state;
	for (size_t i = 0; i < NROWS; i++)
		if (strstr(rows[i].sit.name, "paused in hot-standby after its primary was lost"))
			row = &rows[i];
	assert_non_null(row);
	assert_non_null(m);
	situation_build_row(m, &row->sit);
	feed_paused(m, row);
	verdict_judge(m, &m->rels[model_find_rel(m, row->sit.rel)], NOW, &v);
	assert_int_equal(v.status, REL_SERVICE_DOWN);
	assert_false(v.failover_pending);
	assert_non_null(strstr(v.reason, "hs-standby paused in hot-standby by its state-machine configuration"));
	assert_int_equal(v.next_action, HA_ACTION_CONTINUE);
	assert_string_equal(v.next_action_peer, "hs-standby");
	model_free(m);
	free(m);
}

int main(void)
{
	const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_expect_met),
		cmocka_unit_test(test_expect_scopes),
		cmocka_unit_test(test_paused_held),
		cmocka_unit_test(test_pause_in_verdict),
	};
	struct CMUnitTest tests[NROWS + sizeof(fixed) / sizeof(fixed[0])];
	size_t n = 0;

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		tests[n++] = fixed[i];
	for (size_t i = 0; i < NROWS; i++) {
		struct CMUnitTest t = { rows[i].sit.name, test_row, NULL, NULL, (void *)&rows[i] };
		tests[n++] = t;
	}
	return _cmocka_run_group_tests("action", tests, n, NULL, NULL);
}
