/*
 * keaha's command line: global options, then a subcommand. Parsing and
 * usage errors end here (exit 64); everything else is the subcommands'.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "config.h"
#include "ha_cmd.h"
#include "edit_cmd.h"
#include "relationship_cmd.h"
#include "sync_cmd.h"
#include "txn.h"
#include "status_cmd.h"
#include "topology.h"
#include "util.h"
#include "watch_cmd.h"

#define EXIT_USAGE 64

static const char usage_text[] =
	"Usage: keaha [OPTIONS] [URL...]                  the dashboard\n"
	"       keaha [OPTIONS] status [--json] [--timeout S] [URL...]\n"
	"       keaha [OPTIONS] watch [--json] [--events FILE] [--duration S] [URL...]\n"
	"       keaha [OPTIONS] relationship list [--json] [URL...]\n"
	"       keaha [OPTIONS] relationship add NAME --mode load-balancing|hot-standby\n"
	"             --primary SERVER --partner SERVER [--dhcp4|--dhcp6] [--heartbeat-delay MS]\n"
	"             [--max-response-delay MS] [--max-ack-delay MS] [--max-unacked-clients N]\n"
	"             [--auto-failover|--no-auto-failover] [--dry-run] [--yes]\n"
	"       keaha [OPTIONS] relationship remove NAME --secondary-scopes keep|disable|delete\n"
	"             [--dry-run] [--yes]\n"
	"       keaha [OPTIONS] ha ACTION RELATIONSHIP [--peer NAME] [--dry-run] [--yes]\n"
	"       keaha [OPTIONS] sync RELATIONSHIP [--dry-run] [--yes]\n"
	"       keaha [OPTIONS] edit SERVER|RELATIONSHIP [--dhcp4|--dhcp6] [--yes]\n"
	"       keaha --help | --version\n"
	"\n"
	"keaha watches ISC Kea DHCP High Availability (failover) relationships.\n"
	"\n"
	"Commands:\n"
	"  (none)            the dashboard: every relationship, worst first, with a details\n"
	"                    pane; t triage, e events, S servers, ? help, q quit; a adds a\n"
	"                    relationship (wizard), d removes the selected one, h an HA\n"
	"                    action on it, n the next step the verdict names: they run\n"
	"                    'keaha relationship add|remove' or 'keaha ha' (--dry-run for\n"
	"                    the Summary); E runs 'keaha edit' in the terminal.\n"
	"  status            poll every discovered peer once and print each relationship's\n"
	"                    verdict (OK, Impaired, Service down, Unreachable); read-only.\n"
	"                    Exit: 0 all OK, 1 some impaired, 2 some service down or split\n"
	"                    brain, 3 some unreachable or nothing discovered, 64 usage error.\n"
	"  relationship list every relationship discovered: name, service, mode, peers by\n"
	"                    role, status (the names other commands take); read-only.\n"
	"  relationship add  create a failover relationship on two servers (SERVER: a configured\n"
	"                    name or a URL): plan, diff, confirm, then config-test, config-set\n"
	"                    (partner, then primary), wait for the HA states, config-write both;\n"
	"                    any failure puts both back. --dry-run prints the plan only.\n"
	"                    Kea 3: direct daemons too; from 2.5.5 a hot-standby server can be a hub.\n"
	"                    Peers get auto-failover unless --no-auto-failover.\n"
	"  relationship remove  take HA off both servers; the secondary's scopes are kept,\n"
	"                    disabled (reversibly) or deleted: you choose.\n"
	"  ha ACTION REL     an on-call action on one relationship (REL as status names it):\n"
	"                    maintenance-start --peer P (P can then be shut down; its partner\n"
	"                    serves all), maintenance-cancel, sync-leases [--peer P] (P fetches\n"
	"                    every lease from its partner; default: the backup), continue (a\n"
	"                    state machine paused by its state-machine config; a pause not\n"
	"                    proven yet is watched first, bounded by the HA timings), reset\n"
	"                    --peer P (P resyncs), recover (out of terminated once clocks\n"
	"                    agree within 30 s: config-set of each terminated server's own\n"
	"                    config-get), restore-scopes (each peer's scopes as its state\n"
	"                    implies). Polls once, prints what happens to DHCP service or\n"
	"                    why it refuses, asks for the relationship's name (--yes: do not ask;\n"
	"                    no terminal: refused), sends, then watches the states Kea reaches.\n"
	"                    --dry-run prints only. Exit: 0 done, 1 sent but not reached or a\n"
	"                    command failed, 2 refused (nothing sent), 64 usage error.\n"
	"  sync              bring every peer of a relationship in line with its source of\n"
	"                    truth: the difference per peer in words, then config-test,\n"
	"                    config-set, config-write on the peers that differ (each keeps\n"
	"                    its server-local parts); any failure puts all back. Exit 0\n"
	"                    only when every peer matches afterwards; --dry-run shows the\n"
	"                    difference (exit 1 when some peer differs).\n"
	"  edit              the source of truth's Dhcp4/Dhcp6 configuration in $VISUAL or\n"
	"                    $EDITOR (secrets masked), then the change in words, a question\n"
	"                    (--yes: none; no terminal and no --yes: refused), and one\n"
	"                    transaction: the source first, then every peer. Exit 0\n"
	"                    applied, 1 failed and rolled back, 2 refused or no change.\n"
	"  watch             poll continuously; print one line per change (reachability,\n"
	"                    HA state, verdict, config drift in or out) as it happens, until\n"
	"                    interrupted; read-only.\n"
	"\n"
	"Options:\n"
	"  -c, --config FILE   keaha configuration (default $XDG_CONFIG_HOME/keaha/config)\n"
	"      --json          one JSON object instead of a table (status)\n"
	"  -t, --timeout S     bound on the whole status run in seconds (default 10)\n"
	"      --events FILE   also append every event to FILE as JSON lines (watch, ha,\n"
	"                      the dashboard: also its automatic replications)\n"
	"      --duration S    stop watching after S seconds (default: until interrupted)\n"
	"      --state-dir DIR remembered topology (default $XDG_STATE_HOME/keaha)\n"
	"      --no-state      neither read nor write the remembered topology (commands\n"
	"                      that change servers refuse: they need the state directory)\n"
	"      --theme NAME    dashboard theme: default, light, high-contrast, monochrome\n"
	"      --no-color      monochrome (also NO_COLOR=1, or a terminal with < 8 colours)\n"
	"      --ascii         draw lines with ASCII (also in non-UTF-8 locales)\n"
	"      --readonly      hide every action that changes a server; ha, sync and edit\n"
	"                      refuse; the dashboard does not replicate\n"
	"      --peer NAME     ha: the peer the action is about (a name from the relationship)\n"
	"      --dhcp4, --dhcp6  which service (relationship add; edit SERVER)\n"
	"      --headless WxH  no terminal: run on a WxH virtual screen, then write it out\n"
	"      --rounds N      headless: poll intervals to wait after the first round (1)\n"
	"      --keys KEYS     headless: keys to press, e.g. \"j j <Enter> t\"\n"
	"      --keys-file F   headless: the keys from a file\n"
	"      --dump FILE     headless: the final screen as text (attributes in FILE.attr)\n"
	"  -h, --help          this text\n"
	"  -V, --version       keaha's version\n"
	"\n"
	"URL: a Kea Control Agent (Kea 2.x) or a Kea >= 2.7.2 daemon's HTTP socket,\n"
	"e.g. http://10.0.0.1:8000/ or 10.0.0.1 (keaControlAgentPort is added).\n"
	"";

struct cli {
	const char *config_path;
	bool json;
	double timeout;
	char state_dir[512];
	bool no_state;
	const char *events_file;
	double duration;
	struct ui_opts ui;
	struct relationship_opts rel;
	struct ha_cmd_opts ha;
	bool service_given;      /* --dhcp4 or --dhcp6 */
};

static int usage_error(const char *msg)
{
	fprintf(stderr, "keaha: %s\nTry 'keaha --help'.\n", msg);
	return EXIT_USAGE;
}

static bool parse_seconds(const char *s, double *out)
{
	char *end;
	double d = strtod(s, &end);

	if (end == s || *end || d <= 0 || d > 86400)
		return false;
	*out = d;
	return true;
}

/* Reads the configuration: --config must exist; the default file may not. */
static bool load_config(struct keaha_config *cfg, const struct cli *c)
{
	char path[512], err[CONFIG_ERR_LEN];

	config_defaults(cfg);
	if (c->config_path)
		strlcpy_(path, c->config_path, sizeof(path));
	else
		config_default_path(path, sizeof(path));
	if (!c->config_path && access(path, F_OK) != 0)
		return true;
	if (!config_load(cfg, path, err, sizeof(err))) {
		fprintf(stderr, "keaha: %s\n", err);
		return false;
	}
	return true;
}

/* The configuration plus URLs from the command line; false after a usage error. */
static bool gather_servers(struct keaha_config *cfg, struct cli *c, int argc, char **argv, int *code)
{
	char err[CONFIG_ERR_LEN];

	*code = EXIT_USAGE;
	if (!load_config(cfg, c))
		return false;
	for (int i = 0; i < argc; i++) {
		if (!config_add_url(cfg, argv[i], err, sizeof(err))) {
			config_free(cfg);
			*code = usage_error(err);
			return false;
		}
	}
	if (cfg->nservers == 0) {
		config_free(cfg);
		*code = usage_error("no Kea server to ask: give URLs or a configuration file");
		return false;
	}
	if (!c->no_state && !c->state_dir[0])
		topology_default_dir(c->state_dir, sizeof(c->state_dir));
	return true;
}

static bool looks_like_url(const char *s);

static const char *state_dir(const struct cli *c)
{
	return c->no_state ? NULL : c->state_dir;
}

static int cmd_status(const struct keaha_config *cfg, struct cli *c)
{
	struct status_opts so = { .json = c->json, .timeout = c->timeout, .state_dir = state_dir(c) };

	return status_cmd_run(cfg, &so);
}

static int cmd_list(const struct keaha_config *cfg, struct cli *c)
{
	struct status_opts so = { .json = c->json, .timeout = c->timeout, .list = true,
				  .state_dir = state_dir(c) };

	return status_cmd_run(cfg, &so);
}

static int cmd_watch(const struct keaha_config *cfg, struct cli *c)
{
	struct watch_opts wo = { .json = c->json, .duration = c->duration,
				 .events_file = c->events_file, .state_dir = state_dir(c) };

	return watch_cmd_run(cfg, &wo);
}

static int cmd_add(const struct keaha_config *cfg, struct cli *c)
{
	c->rel.state_dir = state_dir(c);
	if (!c->rel.primary || !c->rel.partner || c->rel.mode == HA_MODE_UNKNOWN)
		return usage_error("relationship add wants NAME --mode --primary --partner");
	return relationship_cmd_add(cfg, &c->rel);
}

static int cmd_remove(const struct keaha_config *cfg, struct cli *c)
{
	c->rel.state_dir = state_dir(c);
	if (c->rel.scopes == PLAN_SCOPES_UNSET)
		return usage_error("relationship remove wants --secondary-scopes keep|disable|delete "
				   "(no default: you decide what becomes of the secondary's scopes)");
	return relationship_cmd_remove(cfg, &c->rel);
}

static int cmd_ha(const struct keaha_config *cfg, struct cli *c)
{
	c->ha.relationship = c->rel.name;
	c->ha.yes = c->rel.yes;
	c->ha.dry_run = c->rel.dry_run;
	c->ha.readonly = c->ui.readonly;
	c->ha.timeout = c->timeout;
	c->ha.state_dir = state_dir(c);
	c->ha.events_file = c->events_file;
	return ha_cmd_run(cfg, &c->ha);
}

static struct replicate_opts repl_opts(struct cli *c)
{
	struct replicate_opts o = { .dry_run = c->rel.dry_run, .yes = c->rel.yes,
				    .readonly = c->ui.readonly, .timeout = c->rel.timeout,
				    .state_dir = state_dir(c), .service = c->rel.service,
				    .service_given = c->service_given, .config_path = c->config_path };
	return o;
}

static int cmd_sync(const struct keaha_config *cfg, struct cli *c)
{
	struct replicate_opts o = repl_opts(c);

	o.replication_off = !cfg->replicate;
	return sync_cmd_run(cfg, &o, c->rel.name);
}

static int cmd_edit(const struct keaha_config *cfg, struct cli *c)
{
	struct replicate_opts o = repl_opts(c);

	o.replication_off = !cfg->replicate;
	if (c->rel.dry_run)
		return usage_error("edit has no --dry-run: the editor shows the configuration, and "
				   "nothing is applied without your answer");
	return edit_cmd_run(cfg, &o, c->rel.name);
}

static int cmd_dashboard(const struct keaha_config *cfg, struct cli *c)
{
	/* A change made from the dashboard runs as a child keaha with the same -c and state. */
	c->ui.config_path = c->config_path;
	c->ui.state_dir = state_dir(c);
	c->ui.events_file = c->events_file;
	return app_run(cfg, &c->ui);
}

/* The subcommands: the words that name them, and what runs with the servers gathered. */
static const struct command {
	const char *word1, *word2;
	bool takes_action;   /* the next word is an HA action (keaha ha ACTION NAME) */
	bool takes_name;     /* the next word is a relationship's name, not a URL */
	bool changes;        /* changes servers: needs the state directory */
	int (*run)(const struct keaha_config *cfg, struct cli *c);
} commands[] = {
	{ "status", NULL, false, false, false, cmd_status },
	{ "watch", NULL, false, false, false, cmd_watch },
	{ "relationship", "list", false, false, false, cmd_list },
	{ "relationship", "add", false, true, true, cmd_add },
	{ "relationship", "remove", false, true, true, cmd_remove },
	{ "ha", NULL, true, true, true, cmd_ha },
	{ "sync", NULL, false, true, true, cmd_sync },
	{ "edit", NULL, false, true, true, cmd_edit },
};

/* The action word of `keaha ha`; a usage error names the actions. */
static bool parse_action(struct cli *c, const char *word, int *code)
{
	char names[300] = "";
	size_t len = 0;

	if (word && action_parse(word, &c->ha.action))
		return true;
	for (int a = 1; a < HA_ACTION_COUNT; a++)
		len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s", a > 1 ? ", " : "",
					action_name((enum ha_action)a));
	*code = usage_error(word ? "unknown action for ha" : "ha wants an action");
	fprintf(stderr, "Actions: %s\n", names);
	return false;
}

/*
 * A change left half-applied by an earlier run (a server that could not be
 * put back) is completed first, by whatever keaha command runs next.
 */
static void complete_journal(const struct keaha_config *cfg, const struct cli *c)
{
	char path[600], msg[400];

	if (c->no_state)
		return;
	snprintf(path, sizeof(path), "%s/journal.json", c->state_dir);
	if (!txn_journal_pending(path))
		return;
	txn_recover(path, cfg, c->rel.timeout, msg, sizeof(msg));
	fprintf(stderr, "keaha: %s\n", msg);
}

static int run_with_servers(struct cli *c, int argc, char **argv,
			    int (*run)(const struct keaha_config *, struct cli *))
{
	struct keaha_config cfg;
	int code;

	if (!gather_servers(&cfg, c, argc, argv, &code))
		return code;
	complete_journal(&cfg, c);
	code = run(&cfg, c);
	config_free(&cfg);
	return code;
}

/* Finds the subcommand at argv[0] (and argv[1]); runs it with the rest as URLs. */
static int dispatch(struct cli *c, int argc, char **argv)
{
	if (argc == 0 || looks_like_url(argv[0])) {
		c->ui.urls = (const char *const *)argv; /* getopt left them last: argv[argc] is NULL */
		return run_with_servers(c, argc, argv, cmd_dashboard);
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		const struct command *k = &commands[i];
		int words = k->word2 ? 2 : 1;
		if (strcmp(argv[0], k->word1) != 0 || (k->word2 && (argc < 2 || strcmp(argv[1], k->word2) != 0)))
			continue;
		/* The originals, the journal and the audit log live there: no change without them. */
		if (k->changes && c->no_state)
			return usage_error("--no-state: a change to servers keeps the originals, the journal "
					   "and the audit log in the state directory (use --state-dir DIR)");
		if (k->takes_action) {
			int code;
			if (!parse_action(c, argc > words ? argv[words] : NULL, &code))
				return code;
			words++;
		}
		if (k->takes_name) {
			if (argc <= words)
				return usage_error(strcmp(k->word1, "edit") == 0 ? "edit wants a server or a relationship" :
						   "the relationship's name is missing");
			c->rel.name = argv[words++];
		}
		return run_with_servers(c, argc - words, argv + words, k->run);
	}
	return usage_error(strcmp(argv[0], "relationship") == 0 ?
			   "relationship wants list, add or remove" : "unknown command");
}

static bool parse_count(const char *s, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (end == s || *end || v < 0 || v > 86400000)
		return false;
	*out = v;
	return true;
}

static bool parse_size(const char *s, int *w, int *h)
{
	return sscanf(s, "%dx%d", w, h) == 2 && *w >= 10 && *w <= 1000 && *h >= 5 && *h <= 500;
}

/* Keys for a headless run from a file: words separated by blanks or newlines. */
static bool read_keys_file(const char *path, char *out, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return false;
	n = fread(out, 1, size - 1, f);
	fclose(f);
	out[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if (out[i] == '\n' || out[i] == '\t' || out[i] == '\r')
			out[i] = ' ';
	return true;
}

/* A word that cannot be a host is a mistyped command, not a URL. */
static bool looks_like_url(const char *s)
{
	return strpbrk(s, ".:/[") != NULL;
}

/* OPT_CONTINUE, or the exit status when the option ends the run. */
#define OPT_CONTINUE (-1)

/* One option of the dashboard and the reading commands. */
static int view_option(struct cli *c, int opt, const char *arg)
{
	static char keys_buf[8192];

	switch (opt) {
	case 'c': c->config_path = arg; break;
	case 'j': c->json = true; break;
	case 't':
		if (!parse_seconds(arg, &c->timeout))
			return usage_error("--timeout wants seconds, more than 0");
		break;
	case 's': strlcpy_(c->state_dir, arg, sizeof(c->state_dir)); break;
	case 'n': c->no_state = true; break;
	case 'e': c->events_file = arg; break;
	case 'd':
		if (!parse_seconds(arg, &c->duration))
			return usage_error("--duration wants seconds, more than 0");
		break;
	case 'T': c->ui.theme = arg; break;
	case 'C': c->ui.no_color = true; break;
	case 'A': c->ui.ascii = true; break;
	case 'R': c->ui.readonly = true; break;
	case 'H':
		if (!parse_size(arg, &c->ui.width, &c->ui.height))
			return usage_error("--headless wants WIDTHxHEIGHT, e.g. 120x40");
		c->ui.headless = true;
		break;
	case 'N': c->ui.rounds = atoi(arg); break;
	case 'K': c->ui.keys = arg; break;
	case 'k':
		if (!read_keys_file(arg, keys_buf, sizeof(keys_buf)))
			return usage_error("cannot read --keys-file");
		c->ui.keys = keys_buf;
		break;
	case 'D': c->ui.dump = arg; break;
	case 'h': fputs(usage_text, stdout); return 0;
	case 'V': printf("keaha %s\n", KEAHA_VERSION); return 0;
	default: return usage_error("unknown option");
	}
	return OPT_CONTINUE;
}

/* One option of the commands that change servers (relationship, ha). */
static int change_option(struct cli *c, int opt, const char *arg)
{
	switch (opt) {
	case 1000:
		c->rel.mode = ha_mode_parse(arg);
		if (c->rel.mode != HA_MODE_LOAD_BALANCING && c->rel.mode != HA_MODE_HOT_STANDBY)
			return usage_error("--mode wants load-balancing or hot-standby");
		break;
	case 1001: c->rel.primary = arg; break;
	case 1002: c->rel.partner = arg; break;
	case 1003: c->rel.service = KEA_DHCP4; c->service_given = true; break;
	case 1004: c->rel.service = KEA_DHCP6; c->service_given = true; break;
	case 1005: case 1006: case 1007: case 1008:
		if (!parse_count(arg, opt == 1005 ? &c->rel.heartbeat_delay : opt == 1006 ?
				 &c->rel.max_response_delay : opt == 1007 ? &c->rel.max_ack_delay :
				 &c->rel.max_unacked_clients))
			return usage_error("timings want a whole number (milliseconds, or clients)");
		break;
	case 1009:
		c->rel.scopes = !strcmp(arg, "keep") ? PLAN_SCOPES_KEEP : !strcmp(arg, "disable") ?
			       PLAN_SCOPES_DISABLE : !strcmp(arg, "delete") ? PLAN_SCOPES_DELETE :
			       PLAN_SCOPES_UNSET;
		if (c->rel.scopes == PLAN_SCOPES_UNSET)
			return usage_error("--secondary-scopes wants keep, disable or delete");
		break;
	case 1010: c->rel.dry_run = true; break;
	case 1011: c->rel.yes = true; break;
	case 1012: c->ha.peer = arg; break;
	case 1013: case 1014: c->rel.auto_failover = opt == 1013; break;
	}
	return OPT_CONTINUE;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "no-state", no_argument, NULL, 'n' },
		{ "events", required_argument, NULL, 'e' },
		{ "duration", required_argument, NULL, 'd' },
		{ "theme", required_argument, NULL, 'T' },
		{ "no-color", no_argument, NULL, 'C' },
		{ "ascii", no_argument, NULL, 'A' },
		{ "readonly", no_argument, NULL, 'R' },
		{ "headless", required_argument, NULL, 'H' },
		{ "rounds", required_argument, NULL, 'N' },
		{ "keys", required_argument, NULL, 'K' },
		{ "keys-file", required_argument, NULL, 'k' },
		{ "mode", required_argument, NULL, 1000 },
		{ "primary", required_argument, NULL, 1001 },
		{ "partner", required_argument, NULL, 1002 },
		{ "dhcp4", no_argument, NULL, 1003 },
		{ "dhcp6", no_argument, NULL, 1004 },
		{ "heartbeat-delay", required_argument, NULL, 1005 },
		{ "max-response-delay", required_argument, NULL, 1006 },
		{ "max-ack-delay", required_argument, NULL, 1007 },
		{ "max-unacked-clients", required_argument, NULL, 1008 },
		{ "secondary-scopes", required_argument, NULL, 1009 },
		{ "dry-run", no_argument, NULL, 1010 },
		{ "yes", no_argument, NULL, 1011 },
		{ "peer", required_argument, NULL, 1012 },
		{ "auto-failover", no_argument, NULL, 1013 },
		{ "no-auto-failover", no_argument, NULL, 1014 },
		{ "dump", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli c = { .timeout = 10.0, .ui = { .rounds = 1 },
			 .rel = { .heartbeat_delay = -1, .max_response_delay = -1, .max_ack_delay = -1,
				  .max_unacked_clients = -1, .auto_failover = -1, .timeout = 10.0 } };
	int opt, rc;

	/* Options may come before or after the subcommand. */
	while ((opt = getopt_long(argc, argv, "c:t:hV", opts, NULL)) != -1) {
		rc = opt >= 1000 ? change_option(&c, opt, optarg) : view_option(&c, opt, optarg);
		if (rc != OPT_CONTINUE)
			return rc;
	}
	if (c.ui.headless && !c.ui.dump)
		return usage_error("--headless needs --dump FILE");
	return dispatch(&c, argc - optind, argv + optind);
}
