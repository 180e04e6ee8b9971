/*
 * bench-render: the time to paint one dashboard frame with N relationships
 * (default 1,000), through the same chrome_paint() the app uses, into the
 * in-memory screen (no terminal: the figure is keaha's work, not the
 * terminal's). Prints one line per view; asserts nothing.
 *   build/bench-render [N] [FRAMES]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chrome.h"
#include "draw.h"
#include "model.h"
#include "ui.h"
#include "util.h"
#include "verdict.h"

/* A healthy daemon in one HA relationship, in the given state. */
static void fake_status(struct model *m, int s, enum ha_state st, enum ha_role role, double now)
{
	struct kea_status ks;

	memset(&ks, 0, sizeof(ks));
	ks.has_ha = true;
	ks.nrels = 1;
	ks.uptime = 3600;
	ks.reload = 3600;
	ks.rel[0].mode = HA_MODE_LOAD_BALANCING;
	ks.rel[0].local.role = role;
	ks.rel[0].local.state = st;
	ks.rel[0].local.scopes.n = 1;
	snprintf(ks.rel[0].local.scopes.name[0], KEA_NAME_LEN, "%s", m->servers[s].name);
	ks.rel[0].remote.present = true;
	ks.rel[0].remote.in_touch = true;
	ks.rel[0].remote.last_state = st;
	model_apply_status(m, s, KEA_DHCP4, &ks, now);
}

/* n relationships of two servers each; every tenth impaired, every 50th down. */
static void build(struct model *m, int n, double now)
{
	for (int i = 0; i < n; i++) {
		char a[KEA_NAME_LEN], b[KEA_NAME_LEN];
		struct relationship *r;
		int sa, sb, idx;
		snprintf(a, sizeof(a), "dhcp-%04d-a.example.net", i);
		snprintf(b, sizeof(b), "dhcp-%04d-b.example.net", i);
		sa = model_add_server(m, a, "http://127.0.0.1:1/", ORIGIN_CONFIG);
		sb = model_add_server(m, b, "http://127.0.0.1:2/", ORIGIN_CONFIG);
		fake_status(m, sa, HA_STATE_LOAD_BALANCING, HA_ROLE_PRIMARY, now);
		if (i % 50 == 0)
			model_daemon_fault(m, sb, KEA_DHCP4, FAULT_NOT_RUNNING, "not running", now);
		else
			fake_status(m, sb, i % 10 ? HA_STATE_LOAD_BALANCING : HA_STATE_PARTNER_DOWN,
				    HA_ROLE_SECONDARY, now);
		idx = model_add_rel(m);
		r = &m->rels[idx];
		snprintf(r->name, sizeof(r->name), "site-%04d/dhcp4", i);
		r->service = KEA_DHCP4;
		r->conf.mode = HA_MODE_LOAD_BALANCING;
		r->conf.heartbeat_delay = 10000;
		r->conf.max_response_delay = 60000;
		r->conf_known = true;
		r->npeers = 2;
		snprintf(r->peer[0].name, KEA_NAME_LEN, "%s", a);
		snprintf(r->peer[1].name, KEA_NAME_LEN, "%s", b);
		r->peer[0].role = HA_ROLE_PRIMARY;
		r->peer[1].role = HA_ROLE_SECONDARY;
		r->peer[0].server = sa;
		r->peer[1].server = sb;
	}
	verdict_update_all(m, now, NULL, NULL);
}

static double time_frames(struct ui *ui, int frames)
{
	double t0 = util_monotonic();

	for (int f = 0; f < frames; f++) {
		ui->stack[0].sel = f % 40; /* the cursor moves: the pane changes too */
		chrome_paint(ui);
	}
	return (util_monotonic() - t0) / frames;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1000, frames = argc > 2 ? atoi(argv[2]) : 200;
	static const struct { const struct view_ops *ops; const char *name; } views[] = {
		{ &failover_view_ops, "failover" }, { &triage_view_ops, "triage" },
		{ &servers_view_ops, "servers" },
	};
	struct ui_opts o = { 0 };
	struct keaha_config cfg;
	struct model m;
	struct events ev;
	struct ui ui;
	double now = 1.8e9;

	config_defaults(&cfg);
	model_init(&m);
	events_init(&ev, 16);
	build(&m, n, now);
	memset(&ui, 0, sizeof(ui));
	ui.o = &o;
	ui.cfg = &cfg;
	ui.model = &m;
	ui.events = &ev;
	ui.utf8 = true;
	ui.w = 200;
	ui.h = 60;
	ui.now = now + 5;
	theme_default(&ui.theme, false);
	draw_init(ui.w, ui.h, &ui.theme, false, true);
	for (size_t v = 0; v < sizeof(views) / sizeof(views[0]); v++) {
		ui.depth = 0;
		ui_push(&ui, views[v].ops, -1);
		printf("render %-8s %d relationships, %dx%d: %.3f ms per frame\n", views[v].name, n, ui.w,
		       ui.h, 1000.0 * time_frames(&ui, frames));
	}
	draw_free();
	events_free(&ev);
	model_free(&m);
	return 0;
}
