/*
 * Golden screens. Six situations are built from captured Kea answers
 * (shared/kea/fixtures) as the poller would apply them, on a fixed clock,
 * and painted without curses into draw.c's shadow grid: the failover view
 * with its details pane at 120x40 and 80x24, and the triage view at 120x40.
 * Each screen's text and its role letters (draw_dump) are compared with
 * tests/golden/NAME.txt and NAME.attr.
 *
 * To accept a deliberate change of the screens, regenerate the files and
 * read the diff before committing it:
 *
 *     KEAHA_UPDATE_GOLDEN=1 build/tests/test_ui_golden && git diff tests/golden
 *
 * ($KEAHA_GOLDEN names another directory.) Also here: names in Greek and
 * CJK keep the columns aligned, --ascii draws no box-drawing character, and
 * the "too small" message at 40x10.
 *
 * The clock: every peer is first seen in its normal state at T_BASE, the
 * situation happens at T_EVENT, the latest poll round is at T_LAST (every
 * server answers again as it did since the event) and the screen is painted
 * at NOW.
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>
#include <curses.h>

#include "chrome.h"
#include "config.h"
#include "decode.h"
#include "dialog.h"
#include "discovery.h"
#include "drift.h"
#include "autorepl.h"
#include "replica.h"
#include "draw.h"
#include "events.h"
#include "fixture.h"
#include "model.h"
#include "theme.h"
#include "transport.h"
#include "ui.h"
#include "verdict.h"

#include "situation.h"

/* Painted at situation.h's T0 (its NOW, ten seconds on, is when the verdict tables judge). */
#undef NOW
#define NOW T0
#define T_BASE (NOW - 3600.0)  /* everything normal, first seen */
#define T_EVENT (NOW - 300.0)  /* the situation starts */
#define T_LAST (NOW - 1.0)     /* the latest poll round */

/* ---- building a situation from fixtures ------------------------------------- */

/* TOPO_PLAIN: two servers without hooks (the wizard's), not in the six situations. */
enum topo { TOPO_LB = 1, TOPO_HS = 2, TOPO_BK = 4, TOPO_PLAIN = 8 };

/* A pair's servers, the daemon whose config-get discovers it, and its normal answers. */
static const struct {
	enum topo topo;
	const char *config_from, *config;
	const char *servers[3], *normal[3];
} pairs[] = {
	{ TOPO_LB, "lb-primary", "config-get.dhcp4.lb-primary", { "lb-primary", "lb-secondary" },
	  { "status-get.dhcp4.lb-primary.normal", "status-get.dhcp4.lb-secondary.normal" } },
	{ TOPO_HS, "hs-standby", "config-get.dhcp4.hs-standby", { "hs-primary", "hs-standby" },
	  { "status-get.dhcp4.hs-primary.normal", "status-get.dhcp4.hs-standby.normal" } },
	{ TOPO_BK, "bk-backup", "config-get.dhcp4.bk-backup", { "bk-primary", "bk-secondary", "bk-backup" },
	  { "status-get.dhcp4.bk-primary.normal", "status-get.dhcp4.bk-secondary.normal",
	    "status-get.dhcp4.bk-backup.normal" } },
};

enum step_kind {
	STEP_NONE,
	STEP_STATUS,     /* status-get answered (and the reply's Date gave a clock offset) */
	STEP_DAEMON,     /* the agent answered for the daemon with an error */
	STEP_ENDPOINT,   /* no HTTP answer at all: the fixture's curl exit code says why */
	STEP_HEARTBEAT,  /* ha-heartbeat answered */
	STEP_POOL,       /* statistic-get-all answered */
};

struct step {
	enum step_kind kind;
	const char *server;
	const char *fixture;
	double clock;        /* STEP_STATUS: the server's clock offset */
};

struct scene {
	const char *name;
	unsigned topos;
	struct step event[6];
};

static const struct scene scenes[] = {
	{ "normal", TOPO_LB | TOPO_HS, {
		{ STEP_HEARTBEAT, "lb-primary", "ha-heartbeat.dhcp4.lb-primary.normal", 0 },
		{ STEP_HEARTBEAT, "lb-secondary", "ha-heartbeat.dhcp4.lb-secondary.normal", 0 },
		{ STEP_POOL, "hs-primary", "statistic-get-all.dhcp4.hs-primary", 0 },
	} },
	/* lb-primary's agent refuses (host down); lb-secondary took over. */
	{ "primary-down", TOPO_LB | TOPO_HS, {
		{ STEP_ENDPOINT, "lb-primary", S4("lb-primary.host-down"), 0 },
		{ STEP_STATUS, "lb-secondary", S4("lb-secondary.partner-down"), 0 },
		{ STEP_HEARTBEAT, "lb-secondary", "ha-heartbeat.dhcp4.lb-secondary.partner-down", 0 },
	} },
	/* Both agents answer that their DHCP server is not running (lb-primary's two
	 * captures: stopped cleanly, and killed; the agents' words are the same shape). */
	{ "both-down", TOPO_LB | TOPO_HS, {
		{ STEP_DAEMON, "lb-primary", S4("lb-primary.service-stopped"), 0 },
		{ STEP_DAEMON, "lb-secondary", S4("lb-primary.agent-up-service-killed"), 0 },
	} },
	/* Every agent times out (the capture of a hung agent: curl exit 28). */
	{ "unreachable", TOPO_LB | TOPO_HS, {
		{ STEP_ENDPOINT, "lb-primary", S4("lb-primary.agent-hung"), 0 },
		{ STEP_ENDPOINT, "lb-secondary", S4("lb-primary.agent-hung"), 0 },
		{ STEP_ENDPOINT, "hs-primary", S4("lb-primary.agent-hung"), 0 },
		{ STEP_ENDPOINT, "hs-standby", S4("lb-primary.agent-hung"), 0 },
	} },
	/* hs-standby's clock runs 45 s ahead: Kea warns above 30 s. */
	{ "clock-skew", TOPO_LB | TOPO_HS, {
		{ STEP_STATUS, "hs-primary", S4("hs-primary.normal"), 0 },
		{ STEP_STATUS, "hs-standby", S4("hs-standby.normal"), 45 },
	} },
	/* The backup's DHCP server stopped; the primary's status-get shows nothing of it. */
	{ "backup-down", TOPO_BK, {
		{ STEP_STATUS, "bk-primary", S4("bk-primary.backup-down"), 0 },
		{ STEP_STATUS, "bk-secondary", S4("bk-secondary.normal"), 0 },
		{ STEP_DAEMON, "bk-backup", S4("lb-primary.service-stopped"), 0 },
	} },
	/* lb-primary in maintenance (ha-maintenance-start): the next step is its cancel. */
	{ "maintenance", TOPO_LB | TOPO_HS, {
		{ STEP_STATUS, "lb-primary", S4("lb-primary.in-maintenance"), 0 },
		{ STEP_STATUS, "lb-secondary", S4("lb-secondary.partner-in-maintenance"), 0 },
	} },
	/* Both hot-standby peers terminated HA (clock skew): the next step is recover. */
	{ "terminated", TOPO_LB | TOPO_HS, {
		{ STEP_STATUS, "hs-primary", S4("hs-primary.terminated"), 0 },
		{ STEP_STATUS, "hs-standby", S4("hs-standby.terminated"), 0 },
	} },
};

#define NSCENES (sizeof(scenes) / sizeof(scenes[0]))

static int server_of(const struct model *m, const char *name)
{
	int s = model_find_server(m, name);

	if (s < 0)
		fail_msg("no server %s in the model", name);
	return s;
}

/* A status-get answer and the clock offset its Date gave, both applied as the poller does. */
static void feed_status_clock(struct model *m, int s, const char *fx, double clock, double at)
{
	feed_status_at(m, s, false, KEA_DHCP4, fx, at);
	model_apply_clock(m, s, KEA_DHCP4, clock, at);
}

/* As the poller's check_http(): curl 7 is a refusal, 28 a timeout, in the poller's words. */
static void feed_endpoint_error(struct model *m, int s, const char *fx, double at)
{
	struct fixture *f = fixture_load(fx);
	int code = f->curl_exit;

	fixture_free(f);
	if (code == 7)
		model_endpoint_fault(m, s, FAULT_REFUSED, transport_error_text(TRANSPORT_REFUSED), at);
	else if (code == 28)
		model_endpoint_fault(m, s, FAULT_TIMEOUT, transport_error_text(TRANSPORT_TIMEOUT), at);
	else
		fail_msg("%s: curl exit %d is neither a refusal nor a timeout", fx, code);
}

static void feed_heartbeat(struct model *m, int s, const char *fx, double at)
{
	struct fixture *f = fixture_load(fx);
	struct ha_heartbeat hb;
	char err[DECODE_ERR_LEN] = "";
	bool ok = decode_heartbeat(arguments_of(f), &hb, err, sizeof(err));

	fixture_free(f);
	if (!ok)
		fail_msg("%s: %s", fx, err);
	model_apply_heartbeat(m, s, KEA_DHCP4, 0, &hb, at);
}

static void feed_pool(struct model *m, int s, const char *fx, double at)
{
	struct fixture *f = fixture_load(fx);
	struct kea_pool_usage p;
	bool ok = decode_pool_usage(arguments_of(f), KEA_DHCP4, &p);

	fixture_free(f);
	if (!ok || !p.known)
		fail_msg("%s: no pool usage", fx);
	model_apply_pool(m, s, KEA_DHCP4, &p, at);
}

static void apply_step(struct model *m, const struct step *st, double at)
{
	int s = server_of(m, st->server);

	switch (st->kind) {
	case STEP_STATUS: feed_status_clock(m, s, st->fixture, st->clock, at); break;
	case STEP_DAEMON: feed_daemon_error_at(m, s, KEA_DHCP4, st->fixture, FAULT_NONE, at); break;
	case STEP_ENDPOINT: feed_endpoint_error(m, s, st->fixture, at); break;
	case STEP_HEARTBEAT: feed_heartbeat(m, s, st->fixture, at); break;
	case STEP_POOL: feed_pool(m, s, st->fixture, at); break;
	case STEP_NONE: break;
	}
}

/* Whether the situation changes what a server answers to status-get. */
static bool event_of(const struct scene *sc, const char *server)
{
	for (int i = 0; i < 6 && sc->event[i].kind != STEP_NONE; i++)
		if (strcmp(sc->event[i].server, server) == 0 && sc->event[i].kind != STEP_HEARTBEAT &&
		    sc->event[i].kind != STEP_POOL)
			return true;
	return false;
}

/*
 * The plain servers: DHCPv4 without hooks (their captured config-get). No
 * status-get of a server without HA was captured; its only content the
 * model keeps is "no HA", so that answer is an empty status.
 */
static void add_plain(struct model *m)
{
	static const char *const names[] = { "plain-a", "plain-b" };

	for (int k = 0; k < 2; k++) {
		int s = add_server_at(m, false, KEA_DHCP4, names[k], T_BASE);
		model_set_version(m, s, "2.2.0");
		feed_config_at(m, s, false, KEA_DHCP4, "config-get.dhcp4.plain-a.no-ha", T_BASE);
	}
}

static void plain_status(struct model *m, double at)
{
	struct kea_status st;

	memset(&st, 0, sizeof(st));
	st.reload = -1;
	for (int k = 0; k < m->nservers; k++)
		if (strncmp(m->servers[k].name, "plain-", 6) == 0)
			model_apply_status(m, k, KEA_DHCP4, &st, at);
}

/* The servers as configured, discovery, a normal first round, then the situation. */
static void build_scene(struct model *m, const struct scene *sc)
{
	model_init(m);
	if (sc->topos & TOPO_PLAIN)
		add_plain(m);
	for (size_t p = 0; p < sizeof(pairs) / sizeof(pairs[0]); p++) {
		if (!(sc->topos & pairs[p].topo))
			continue;
		for (int k = 0; k < 3 && pairs[p].servers[k]; k++) {
			int s = add_server_at(m, false, KEA_DHCP4, pairs[p].servers[k], T_BASE);
			model_set_version(m, s, "2.2.0");
		}
		feed_config_at(m, server_of(m, pairs[p].config_from), false, KEA_DHCP4, pairs[p].config, T_BASE);
	}
	discovery_rebuild(m);
	for (size_t p = 0; p < sizeof(pairs) / sizeof(pairs[0]); p++)
		for (int k = 0; (sc->topos & pairs[p].topo) && k < 3 && pairs[p].servers[k]; k++)
			feed_status_clock(m, server_of(m, pairs[p].servers[k]), pairs[p].normal[k], 0, T_BASE);
	if (sc->topos & TOPO_PLAIN)
		plain_status(m, T_BASE);
	verdict_update_all(m, T_BASE, NULL, NULL);
	for (int i = 0; i < 6 && sc->event[i].kind != STEP_NONE; i++)
		apply_step(m, &sc->event[i], T_EVENT);
	verdict_update_all(m, T_EVENT, NULL, NULL);
	/* The latest round, a second ago: every server answers (or fails) as since the event. */
	for (size_t p = 0; p < sizeof(pairs) / sizeof(pairs[0]); p++)
		for (int k = 0; (sc->topos & pairs[p].topo) && k < 3 && pairs[p].servers[k]; k++)
			if (!event_of(sc, pairs[p].servers[k]))
				feed_status_clock(m, server_of(m, pairs[p].servers[k]), pairs[p].normal[k], 0, T_LAST);
	for (int i = 0; i < 6 && sc->event[i].kind != STEP_NONE; i++)
		apply_step(m, &sc->event[i], T_LAST);
	if (sc->topos & TOPO_PLAIN)
		plain_status(m, T_LAST);
	verdict_update_all(m, NOW, NULL, NULL);
}

/* ---- painting ------------------------------------------------------------------- */

struct rig {
	struct model model;
	struct keaha_config cfg;
	struct ui_opts opts;
	struct events events;
	struct ui ui;
};

static struct rig *rig_new(const struct scene *sc)
{
	struct rig *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	config_defaults(&r->cfg);
	events_init(&r->events, 16);
	build_scene(&r->model, sc);
	r->ui.o = &r->opts;
	r->ui.cfg = &r->cfg;
	r->ui.model = &r->model;
	r->ui.events = &r->events;
	r->ui.poller = NULL;
	r->ui.now = NOW;
	theme_default(&r->ui.theme, false);
	return r;
}

static void rig_free(struct rig *r)
{
	draw_free();
	events_free(&r->events);
	model_free(&r->model);
	config_free(&r->cfg);
	free(r);
}

/* As app.c's paint() (chrome_paint), into the shadow grid only, with row sel selected. */
static void paint_sel(struct rig *r, const struct view_ops *view, int w, int h, bool utf8, int sel)
{
	struct ui *ui = &r->ui;

	ui->depth = 0;
	ui_push(ui, view, -1);
	ui_top(ui)->sel = sel;
	ui->w = w;
	ui->h = h;
	ui->utf8 = utf8;
	draw_init(w, h, &ui->theme, false, utf8);
	chrome_paint(ui);
}

static void paint(struct rig *r, const struct view_ops *view, int w, int h, bool utf8)
{
	paint_sel(r, view, w, h, utf8, 0);
}

struct dump {
	char *text, *attr;
	size_t text_len, attr_len;
};

static void dump_screen(struct dump *d)
{
	FILE *t = open_memstream(&d->text, &d->text_len);
	FILE *a = open_memstream(&d->attr, &d->attr_len);

	assert_non_null(t);
	assert_non_null(a);
	assert_true(draw_dump(t, a));
	fclose(t);
	fclose(a);
}

static void dump_free(struct dump *d)
{
	free(d->text);
	free(d->attr);
}

/* ---- golden files ---------------------------------------------------------------- */

static const char *golden_dir(void)
{
	const char *d = getenv("KEAHA_GOLDEN");

	return d && *d ? d : "tests/golden";
}

static bool updating(void)
{
	const char *u = getenv("KEAHA_UPDATE_GOLDEN");

	return u && strcmp(u, "1") == 0;
}

/* The first line where two dumps differ, both versions, for the failure message. */
static void first_difference(const char *got, const char *want, char *out, size_t size)
{
	int line = 1;
	const char *g = got, *w = want;

	while (*g && *w && *g == *w) {
		if (*g == '\n') {
			line++;
			got = g + 1;
			want = w + 1;
		}
		g++;
		w++;
	}
	snprintf(out, size, "line %d\n  got:  %.*s\n  want: %.*s", line, (int)strcspn(got, "\n"), got,
		 (int)strcspn(want, "\n"), want);
}

static void check_golden_file(const char *name, const char *ext, const char *got, size_t len)
{
	char path[600], diff[800];
	size_t want_len = 0;
	char *want;

	snprintf(path, sizeof(path), "%s/%s.%s", golden_dir(), name, ext);
	if (updating()) {
		FILE *f = fopen(path, "w");
		if (!f || fwrite(got, 1, len, f) != len || fclose(f) != 0)
			fail_msg("cannot write %s", path);
		print_message("wrote %s\n", path);
		return;
	}
	want = fixture_read_file(path, &want_len);
	if (!want)
		fail_msg("%s missing: run KEAHA_UPDATE_GOLDEN=1 %s, then read the files", path,
			 "build/tests/test_ui_golden");
	if (want_len != len || memcmp(want, got, len) != 0) {
		first_difference(got, want, diff, sizeof(diff));
		free(want);
		fail_msg("%s differs from the screen at %s\n(if the change is meant, regenerate with "
			 "KEAHA_UPDATE_GOLDEN=1 and review git diff)", path, diff);
	}
	free(want);
}

static void check_golden(const char *name, const struct dump *d)
{
	check_golden_file(name, "txt", d->text, d->text_len);
	check_golden_file(name, "attr", d->attr, d->attr_len);
}

struct shot {
	const char *view_name;
	const struct view_ops *view;
	int w, h;
};

static const struct shot shots[] = {
	{ "failover", &failover_view_ops, 120, 40 },
	{ "failover", &failover_view_ops, 80, 24 },
	{ "triage", &triage_view_ops, 120, 40 },
};

static void test_scene(void **state)
{
	const struct scene *sc = *state;
	struct rig *r = rig_new(sc);

	for (size_t i = 0; i < sizeof(shots) / sizeof(shots[0]); i++) {
		char name[128];
		struct dump d = { 0 };

		snprintf(name, sizeof(name), "%s-%s-%dx%d", sc->name, shots[i].view_name, shots[i].w,
			 shots[i].h);
		paint(r, shots[i].view, shots[i].w, shots[i].h, true);
		dump_screen(&d);
		/* A dump is h lines of text, and h lines of exactly w role letters. */
		assert_int_equal(d.attr_len, (size_t)((shots[i].w + 1) * shots[i].h));
		check_golden(name, &d);
		dump_free(&d);
	}
	rig_free(r);
}

/* The situations really are what their names say (a golden file could hide it). */
static void test_scenes_judged(void **state)
{
	static const struct {
		const char *scene, *rel;
		enum rel_status status;
	} want[] = {
		{ "normal", "lb-primary+lb-secondary/dhcp4", REL_OK },
		{ "normal", "hs-primary+hs-standby/dhcp4", REL_OK },
		{ "primary-down", "lb-primary+lb-secondary/dhcp4", REL_IMPAIRED },
		{ "primary-down", "hs-primary+hs-standby/dhcp4", REL_OK },
		{ "both-down", "lb-primary+lb-secondary/dhcp4", REL_SERVICE_DOWN },
		{ "unreachable", "lb-primary+lb-secondary/dhcp4", REL_UNREACHABLE },
		{ "unreachable", "hs-primary+hs-standby/dhcp4", REL_UNREACHABLE },
		{ "clock-skew", "hs-primary+hs-standby/dhcp4", REL_IMPAIRED },
		{ "clock-skew", "lb-primary+lb-secondary/dhcp4", REL_OK },
		{ "backup-down", "bk-primary+bk-secondary/dhcp4", REL_IMPAIRED },
		{ "maintenance", "lb-primary+lb-secondary/dhcp4", REL_IMPAIRED },
		{ "terminated", "hs-primary+hs-standby/dhcp4", REL_IMPAIRED },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct scene *sc = NULL;
		struct model m;
		int ri;

		for (size_t k = 0; k < NSCENES; k++)
			if (strcmp(scenes[k].name, want[i].scene) == 0)
				sc = &scenes[k];
		assert_non_null(sc);
		build_scene(&m, sc);
		ri = model_find_rel(&m, want[i].rel);
		if (ri < 0 || m.rels[ri].verdict.status != want[i].status) {
			int got = ri < 0 ? -1 : (int)m.rels[ri].verdict.status;
			model_free(&m);
			fail_msg("%s: %s is %d, want %s", want[i].scene, want[i].rel, got,
				 rel_status_label(want[i].status));
		}
		/* The fixed clock: the problem started at T_EVENT, the rest at T_BASE. */
		assert_true(m.rels[ri].verdict_since == (want[i].status == REL_OK ? T_BASE : T_EVENT));
		model_free(&m);
	}
}

/* ---- screen cells ------------------------------------------------------------------ */

#define MAXW 256
#define WIDE_RIGHT ((wchar_t)-1)

/* One dumped text line back into screen cells (a wide character takes two). */
static int line_cells(const char *line, size_t len, wchar_t *cells, int w)
{
	mbstate_t st;
	int x = 0;

	memset(&st, 0, sizeof(st));
	for (int i = 0; i < w; i++)
		cells[i] = L' ';
	while (len > 0) {
		wchar_t c;
		size_t k = mbrtowc(&c, line, len, &st);
		int cw;
		if (k == (size_t)-1 || k == (size_t)-2 || k == 0)
			fail_msg("dump line is not UTF-8: %.*s", (int)len, line);
		cw = wcwidth(c) < 1 ? 1 : wcwidth(c);
		if (x + cw > w)
			fail_msg("dump line wider than the screen (%d): %.*s", w, (int)len, line);
		cells[x] = c;
		if (cw == 2)
			cells[x + 1] = WIDE_RIGHT;
		x += cw;
		line += k;
		len -= k;
	}
	return x;
}

/* The screen as cells[h][MAXW]; the caller frees it. */
static wchar_t (*screen_cells(const struct dump *d, int w, int h))[MAXW]
{
	wchar_t (*cells)[MAXW] = calloc((size_t)h, sizeof(*cells));
	const char *p = d->text;

	assert_non_null(cells);
	for (int y = 0; y < h; y++) {
		const char *nl = strchr(p, '\n');
		assert_non_null(nl);
		line_cells(p, (size_t)(nl - p), cells[y], w);
		p = nl + 1;
	}
	return cells;
}

/* Whether the cells at row y, column x spell s (display columns, wide characters included). */
static bool cells_spell(const wchar_t *row, int x, const char *s)
{
	wchar_t want[MAXW];
	int n;

	n = line_cells(s, strlen(s), want, MAXW);
	for (int i = 0; i < n; i++)
		if (row[x + i] != want[i])
			return false;
	return true;
}

/* The column of a header title on row y, or -1 when the column was dropped. */
static int title_column(const wchar_t *row, int w, const char *title)
{
	for (int x = 0; x < w; x++)
		if ((x == 0 || row[x - 1] == L' ') && cells_spell(row, x, title))
			return x;
	return -1;
}

/* The row of the list whose first column spells name (as far as it fits), or -1. */
static int row_of(wchar_t (*cells)[MAXW], const struct rect *list, const char *prefix)
{
	for (int y = list->y + 1; y < list->y + list->h; y++)
		if (cells_spell(cells[y], 0, prefix))
			return y;
	return -1;
}

/*
 * Greek and CJK names: every column of the list starts at its header's
 * screen column in every row, cells hold the names whole, and the pane's
 * border stays straight.
 */
static void test_wide_names_line_up(void **state)
{
	static const char rel_name[] = "Αθήνα-ζεύγος/dhcp4";
	static const char *const cjk[] = { "東京-主", "大阪-副" };
	static const char *const ascii[] = { "hs-primary", "hs-standby" };
	static const char *const titles[] = { "PRIMARY", "SECONDARY", "SERVICE", "STATE" };
	static const int sizes[][2] = { { 120, 40 }, { 80, 24 }, { 200, 60 } };
	struct rig *r = rig_new(&scenes[0]);
	int ri = model_find_rel(&r->model, "lb-primary+lb-secondary/dhcp4");

	(void)state;
	assert_true(ri >= 0);
	snprintf(r->model.rels[ri].name, sizeof(r->model.rels[ri].name), "%s", rel_name);
	for (int i = 0; i < 2; i++)
		snprintf(r->model.rels[ri].peer[i].name, sizeof(r->model.rels[ri].peer[i].name), "%s", cjk[i]);
	for (size_t z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++) {
		int w = sizes[z][0], h = sizes[z][1], shown = 0, y_greek, y_hs;
		const struct rect *list = &r->ui.layout.list, *pane = &r->ui.layout.pane;
		struct dump d = { 0 };
		wchar_t (*cells)[MAXW];
		int px, py;

		/* The Greek row sorts after "hs-...": select it (row 1) for the pane. */
		paint_sel(r, &failover_view_ops, w, h, true, 1);
		dump_screen(&d);
		cells = screen_cells(&d, w, h);
		y_greek = row_of(cells, list, "Αθήνα");
		y_hs = row_of(cells, list, "hs-primary+");
		if (y_greek < 0 || y_hs < 0)
			fail_msg("%dx%d: rows not found (greek %d, hs %d)", w, h, y_greek, y_hs);
		for (size_t t = 0; t < sizeof(titles) / sizeof(titles[0]); t++) {
			int x = title_column(cells[list->y], list->w, titles[t]);
			if (x < 0)
				continue;
			shown++;
			for (int k = 0; k < 2; k++) {
				int y = k ? y_hs : y_greek;
				const char *want = t == 2 ? "DHCPv4" : t == 3 ? "   OK" : k ? ascii[t] : cjk[t];
				if (cells[y][x - 1] != L' ' || !cells_spell(cells[y], x, want))
					fail_msg("%dx%d row %d: \"%s\" not at column %d under %s", w, h, y, want, x,
						 titles[t]);
			}
		}
		/* PRIMARY and STATE at least: a test that found no column would prove nothing. */
		assert_true(shown >= 2);
		assert_true(title_column(cells[list->y], list->w, "STATE") > 0);
		/* The pane: a straight border, the Greek heading whole, the CJK peer named. */
		if (r->ui.layout.place == PANE_RIGHT) {
			for (int y = pane->y; y < pane->y + pane->h; y++)
				if (cells[y][pane->x] != L'│')
					fail_msg("%dx%d: border broken at row %d", w, h, y);
			px = pane->x + 2;
			py = pane->y;
		} else {
			assert_int_equal(r->ui.layout.place, PANE_BELOW);
			for (int x = 0; x < w; x++)
				if (cells[pane->y][x] != L'─')
					fail_msg("%dx%d: border broken at column %d", w, h, x);
			px = 0;
			py = pane->y + 1;
		}
		if (!cells_spell(cells[py], px, rel_name))
			fail_msg("%dx%d: the pane's heading is not the Greek name", w, h);
		if (h >= 40) {
			char heading[64];
			bool found = false;
			snprintf(heading, sizeof(heading), "primary %s", cjk[0]);
			for (int y = py; y < pane->y + pane->h; y++)
				found |= cells_spell(cells[y], px, heading);
			if (!found)
				fail_msg("%dx%d: no \"%s\" in the pane", w, h, heading);
		}
		free(cells);
		dump_free(&d);
	}
	rig_free(r);
}

/* A wide character that does not fit whole is left out, never drawn by half. */
static void test_wide_clipping(void **state)
{
	struct theme t;
	struct dump d = { 0 };
	wchar_t (*cells)[MAXW];

	(void)state;
	theme_default(&t, false);
	draw_init(12, 1, &t, false, true);
	assert_int_equal(draw_width("東京都"), 6);
	assert_int_equal(draw_text(0, 0, 5, ROLE_NORMAL, true, "東京都"), 5);
	assert_int_equal(draw_text(0, 5, 7, ROLE_OK, true, "αβγ|"), 7);
	dump_screen(&d);
	/* The third character does not fit: the cut is marked with an ellipsis. */
	assert_string_equal(d.text, "東京…αβγ|\n");
	assert_string_equal(d.attr, "aaaaafffffff\n");
	cells = screen_cells(&d, 12, 1);
	assert_true(cells[0][4] == L'\u2026' && cells[0][5] == L'α' && cells[0][8] == L'|');
	free(cells);
	dump_free(&d);
	draw_free();
}

static bool has_box_drawing(const wchar_t (*cells)[MAXW], int w, int h)
{
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			if (cells[y][x] >= 0x2500 && cells[y][x] <= 0x257F)
				return true;
	return false;
}

/* --ascii: the borders are '|' and '-', and nothing from the box-drawing block is left. */
static void test_ascii(void **state)
{
	static const int sizes[][2] = { { 120, 40 }, { 80, 24 } };
	struct rig *r = rig_new(&scenes[1]);

	(void)state;
	for (size_t z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++) {
		int w = sizes[z][0], h = sizes[z][1];
		for (int utf8 = 0; utf8 < 2; utf8++) {
			const struct rect *pane = &r->ui.layout.pane;
			struct dump d = { 0 };
			wchar_t (*cells)[MAXW];
			wchar_t want;

			paint(r, &failover_view_ops, w, h, utf8);
			dump_screen(&d);
			cells = screen_cells(&d, w, h);
			assert_int_equal(has_box_drawing((const wchar_t (*)[MAXW])cells, w, h), utf8);
			if (r->ui.layout.place == PANE_RIGHT) {
				want = utf8 ? L'│' : L'|';
				for (int y = pane->y; y < pane->y + pane->h; y++)
					assert_true(cells[y][pane->x] == want);
			} else {
				assert_int_equal(r->ui.layout.place, PANE_BELOW);
				want = utf8 ? L'─' : L'-';
				for (int x = 0; x < w; x++)
					assert_true(cells[pane->y][x] == want);
			}
			free(cells);
			dump_free(&d);
		}
	}
	rig_free(r);
}

/* Every text line of a dump, joined by one space after trimming; empty lines dropped. */
static void joined_text(const struct dump *d, char *out, size_t size)
{
	const char *p = d->text;

	out[0] = '\0';
	while (*p) {
		const char *nl = strchr(p, '\n');
		const char *s = p;
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		while (n && *s == ' ')
			s++, n--;
		if (n)
			snprintf(out + strlen(out), size - strlen(out), "%s%.*s", out[0] ? " " : "", (int)n, s);
		p = nl ? nl + 1 : p + strlen(p);
	}
}

/* The terminal is too small: the message, whole, and nothing else on the screen. */
static void test_too_small(void **state)
{
	static const struct {
		int w, h;
		const char *want;
		int lines;
	} cases[] = {
		{ 40, 10, "Terminal too small: need at least 50x12 (now 40x10)", 2 },
		{ 80, 11, "Terminal too small: need at least 50x12 (now 80x11)", 1 },
		{ 20, 5, "Terminal too small: need at least 50x12 (now 20x5)", 3 },
	};
	struct rig *r = rig_new(&scenes[0]);

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dump d = { 0 };
		char text[512];
		int lines = 0;

		paint(r, &failover_view_ops, cases[i].w, cases[i].h, true);
		assert_true(r->ui.layout.too_small);
		dump_screen(&d);
		joined_text(&d, text, sizeof(text));
		assert_string_equal(text, cases[i].want);
		for (const char *p = d.text; *p; p = strchr(p, '\n') + 1)
			lines += *p != '\n';
		assert_int_equal(lines, cases[i].lines);
		dump_free(&d);
	}
	/* At 40x10 exactly: two centred lines in the middle rows. */
	{
		struct dump d = { 0 };
		paint(r, &failover_view_ops, 40, 10, true);
		dump_screen(&d);
		assert_string_equal(d.text, "\n\n\n\nTerminal too small: need at least 50x12\n"
				    "              (now 40x10)\n\n\n\n\n");
		dump_free(&d);
	}
	rig_free(r);
}

/* ---- the wizard and the remove dialog ---------------------------------------- */

static const struct scene plain_scene = { "plain", TOPO_LB | TOPO_PLAIN, {
	{ STEP_HEARTBEAT, "lb-primary", "ha-heartbeat.dhcp4.lb-primary.normal", 0 },
} };

/* Keys as the dashboard takes them: "<Name>" words, else every character typed. */
static void press(struct ui *ui, const char *keys)
{
	static const struct { const char *name; int code; bool kc; } named[] = {
		{ "<Tab>", '\t', false }, { "<S-Tab>", KEY_BTAB, true }, { "<Enter>", '\n', false },
		{ "<Esc>", 27, false }, { "<Space>", ' ', false }, { "<Backspace>", KEY_BACKSPACE, true },
		{ "<Left>", KEY_LEFT, true }, { "<Right>", KEY_RIGHT, true }, { "<Down>", KEY_DOWN, true },
		{ "<PgDn>", KEY_NPAGE, true },
	};
	const char *p = keys;

	while (*p) {
		size_t i, n = strcspn(p, " ");
		for (i = 0; i < sizeof(named) / sizeof(named[0]); i++)
			if (strlen(named[i].name) == n && !strncmp(p, named[i].name, n))
				break;
		if (i < sizeof(named) / sizeof(named[0]))
			chrome_key(ui, named[i].code, named[i].kc);
		else
			for (size_t k = 0; k < n; k++)
				chrome_key(ui, (unsigned char)p[k], false);
		chrome_paint(ui); /* as the loop does between keys */
		p += n;
		p += strspn(p, " ");
	}
}

/* From a server's Failover Management, keys pressed, then the screen. */
static void paint_keys(struct rig *r, const char *server, int w, int h, const char *keys, bool readonly)
{
	struct ui *ui = &r->ui;

	r->opts.readonly = readonly;
	r->opts.state_dir = "/nonexistent/keaha-state"; /* never written: no job runs here */
	while (ui->depth > 1)
		ui_pop(ui);
	ui->depth = 0;
	ui_push(ui, &failover_view_ops, server_of(&r->model, server));
	ui->w = w;
	ui->h = h;
	ui->utf8 = true;
	ui->message[0] = '\0';
	draw_init(w, h, &ui->theme, false, true);
	chrome_paint(ui);
	press(ui, keys);
	chrome_paint(ui);
}

/*
 * A dialog shot: keys from a server's Failover Management; then, for the
 * pages after the setup, the dry-run's outcome as `keaha relationship add
 * ... --dry-run` really printed it on the lab (tests/unit/data/dry-run.*.txt,
 * captured with the lab on 127.0.13.x) and its exit status, as the job
 * would hand them over.
 */
struct dialog_shot {
	const char *name;
	int w, h;
	const char *server, *keys;
	const char *outcome;   /* data file of the dry-run's output, or NULL */
	int status;
	const char *after;     /* keys on the Summary */
};

static const struct dialog_shot dialog_shots[] = {
	/* The product's Initial setup, opened for plain-a: plain-b is the only partner. */
	{ "wizard-setup-120x40", 120, 40, "plain-a", "a pair4", NULL, 0, NULL },
	/* Advanced unfolded; max-response-delay not above heartbeat-delay: the reason beside it. */
	{ "wizard-advanced-120x40", 120, 40, "plain-a",
	  "a pair4 <Tab> <Tab> <Tab> <Tab> <Right> <Tab> <Tab> "
	  "<Backspace> <Backspace> <Backspace> <Backspace> <Backspace> 10000", NULL, 0, NULL },
	{ "wizard-setup-80x24", 80, 24, "plain-a", "a", NULL, 0, NULL },
	/* lb-primary already has its DHCPv4 relationship: refused before anything is asked. */
	{ "wizard-refused-120x40", 120, 40, "lb-primary", "a lb <Enter>", NULL, 0, NULL },
	{ "wizard-too-small-59x19", 59, 19, "plain-a", "a", NULL, 0, NULL },
	/* Remove: no default for the scopes; keep warns. */
	{ "remove-keep-120x40", 120, 40, "lb-primary", "d <Right>", NULL, 0, NULL },
	{ "remove-setup-80x24", 80, 24, "lb-primary", "d", NULL, 0, NULL },
	/* ? outside a text field: the dialog's own keys, from the form's action table. */
	{ "wizard-help-80x24", 80, 24, "plain-a", "a <Tab> ?", NULL, 0, NULL },
	/* The Summary: the command's diff, the Add button focused. */
	{ "wizard-summary-120x40", 120, 40, "plain-a", "a pair4", "dry-run.add.txt", 0, "" },
	{ "wizard-summary-80x24", 80, 24, "plain-a", "a pair4", "dry-run.add.txt", 0, "<PgDn>" },
	/* Refused by the command's own checks: the reason, no Add, Back focused. */
	{ "wizard-summary-refused-120x40", 120, 40, "plain-a", "a pair4", "dry-run.refused.txt", 2, "" },
};

static char *read_data(const char *name)
{
	char path[300];
	size_t len;
	char *text;

	snprintf(path, sizeof(path), "tests/unit/data/%s", name);
	text = fixture_read_file(path, &len);
	if (!text)
		fail_msg("%s missing", path);
	return text;
}

/* The dry-run's outcome handed to the dialog, as its job's end would. */
static void finish_checking(struct rig *r, const char *data, int status)
{
	struct change *c = r->ui.stack[r->ui.depth - 1].state;
	char *text = read_data(data);

	c->phase = CHANGE_CHECKING;
	change_finish(&r->ui, c, status, text);
	free(text);
	chrome_paint(&r->ui);
}

static void run_shots(const struct scene *sc, const struct dialog_shot *list, size_t n)
{
	struct rig *r = rig_new(sc);

	for (size_t i = 0; i < n; i++) {
		struct dump d = { 0 };

		paint_keys(r, list[i].server, list[i].w, list[i].h, list[i].keys, false);
		assert_true(r->ui.stack[r->ui.depth - 1].ops->modal);
		if (list[i].outcome) {
			finish_checking(r, list[i].outcome, list[i].status);
			press(&r->ui, list[i].after);
			chrome_paint(&r->ui);
		}
		dump_screen(&d);
		check_golden(list[i].name, &d);
		dump_free(&d);
	}
	while (r->ui.depth > 1)
		ui_pop(&r->ui);
	rig_free(r);
}

static void test_dialogs(void **state)
{
	(void)state;
	run_shots(&plain_scene, dialog_shots, sizeof(dialog_shots) / sizeof(dialog_shots[0]));
}

/* The HA action dialog while lb-primary is in maintenance (the scene "maintenance"). */
static const struct dialog_shot ha_shots[] = {
	/* n: the verdict's next action, its peer chosen, its effect in action.c's words. */
	{ "ha-next-120x40", 120, 40, "lb-primary", "n", NULL, 0, NULL },
	/* h: no action chosen yet (no default). */
	{ "ha-choose-80x24", 80, 24, "lb-primary", "h", NULL, 0, NULL },
	/* An action that needs a peer, none given: the reason beside the peer. */
	{ "ha-peer-missing-120x40", 120, 40, "lb-primary", "h <Right>", NULL, 0, NULL },
	/* Refused for this situation (a maintenance already runs): the reason beside the action. */
	{ "ha-refused-120x40", 120, 40, "lb-primary", "h <Right> <Tab> <Right> <Right>", NULL, 0, NULL },
};

static void test_ha_dialogs(void **state)
{
	(void)state;
	run_shots(&scenes[NSCENES - 2], ha_shots, sizeof(ha_shots) / sizeof(ha_shots[0]));
}

/* ---- config drift -------------------------------------------------------------------- */

/* The replicated part of a captured config-get, after an optional change (jq-like, by hand). */
static cJSON *replica_of(const char *fx, bool changed)
{
	struct fixture *f = fixture_load(fx);
	cJSON *args = cJSON_Duplicate(arguments_of(f), true), *part;
	char why[REPLICA_WHY_LEN];

	fixture_free(f);
	if (changed) {
		cJSON *dhcp = cJSON_GetObjectItemCaseSensitive(args, "Dhcp4");
		cJSON *sub = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(dhcp, "subnet4"), 0);
		cJSON *pool = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(sub, "pools"), 1);
		cJSON_ReplaceItemInObjectCaseSensitive(pool, "pool",
						       cJSON_CreateString("127.101.2.10-127.101.2.200"));
		cJSON_ReplaceItemInObjectCaseSensitive(dhcp, "valid-lifetime", cJSON_CreateNumber(7200));
	}
	part = replica_part(args, KEA_DHCP4, why, sizeof(why));
	cJSON_Delete(args);
	if (!part)
		fail_msg("%s: %s", fx, why);
	return part;
}

/*
 * The normal situation, but someone changed lb-secondary's pool and lifetime
 * by hand (its replicated part differs from lb-primary's, the captured
 * config-get): the list marks "config drift", the pane of the selected pair
 * says what differs in words, and what automatic replication does (no
 * record of which side changed: shown, held).
 */
static void test_drift_screen(void **state)
{
	struct rig *r = rig_new(&scenes[0]);
	struct replstate st = { 0 };
	struct relationship *rel;
	char why[200];
	int ri, p = server_of(&r->model, "lb-primary"), q = server_of(&r->model, "lb-secondary");
	cJSON *a = replica_of("config-get.dhcp4.lb-primary", false);
	cJSON *b = replica_of("config-get.dhcp4.lb-primary", true);
	char *ta = replica_text(a), *tb = replica_text(b);

	(void)state;
	cJSON_Delete(a);
	cJSON_Delete(b);
	model_apply_replica(&r->model, p, KEA_DHCP4, ta, replica_text_hash(ta), T_LAST);
	model_apply_replica(&r->model, q, KEA_DHCP4, tb, replica_text_hash(tb), T_LAST);
	drift_update_all(&r->model);
	ri = model_find_rel(&r->model, "lb-primary+lb-secondary/dhcp4");
	assert_true(ri >= 0);
	rel = &r->model.rels[ri];
	assert_int_equal(rel->drift.ndrifted, 1);
	assert_int_equal(autorepl_decide(&r->model, rel, &st, false, why, sizeof(why)),
			 AUTOREPL_HOLD_UNKNOWN);
	strlcpy_(rel->drift.note, why, sizeof(rel->drift.note));
	for (size_t i = 0; i < 2; i++) {
		static const int size[2][2] = { { 120, 40 }, { 80, 24 } };
		char name[64], text[8192];
		struct dump d = { 0 };
		snprintf(name, sizeof(name), "drift-failover-%dx%d", size[i][0], size[i][1]);
		/* The pane is the selected row's: select lb's (the list's order is the view's). */
		for (int sel = 0; sel < 2; sel++) {
			paint_sel(r, &failover_view_ops, size[i][0], size[i][1], true, sel);
			dump_screen(&d);
			if (strstr(d.text, "Config drift"))
				break;
			dump_free(&d);
			memset(&d, 0, sizeof(d));
		}
		assert_non_null(d.text);
		joined_text(&d, text, sizeof(text));
		/* Whatever the width: the marker, and the pane's words above the peers. */
		assert_non_null(strstr(text, "config drift"));
		assert_non_null(strstr(text, "Config drift"));
		assert_non_null(strstr(text, "lb-secondary differs"));
		assert_true(strstr(text, "Replication") < strstr(text, "primary lb-primary") ||
			    !strstr(text, "primary lb-primary"));
		check_golden(name, &d);
		dump_free(&d);
	}
	rig_free(r);
}

int main(void)
{
	struct CMUnitTest tests[NSCENES + 16]; /* the scenes and room for the tests below */
	size_t n = 0;

	/* Wide characters are measured by the C library: a UTF-8 locale is needed. */
	if (!setlocale(LC_ALL, "C.UTF-8") && !setlocale(LC_ALL, "en_US.UTF-8")) {
		fprintf(stderr, "test_ui_golden: no UTF-8 locale (C.UTF-8 or en_US.UTF-8)\n");
		return 1;
	}
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_scenes_judged);
	for (size_t i = 0; i < NSCENES; i++)
		tests[n++] = (struct CMUnitTest){ scenes[i].name, test_scene, NULL, NULL, (void *)&scenes[i] };
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_wide_names_line_up);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_wide_clipping);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_ascii);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_too_small);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_dialogs);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_ha_dialogs);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_drift_screen);
	return _cmocka_run_group_tests("ui_golden", tests, n, NULL, NULL);
}
