/*
 * The wizard and dialogs without a terminal: the form layer (keys, focus,
 * folding, typing, layout as text), the dialog's geometry, the eligibility
 * rules (src/candidate.c) on a model built from captured config-get answers
 * of the lab (lb pair on DHCPv4 and DHCPv6, hot-standby pair on DHCPv4,
 * two plain servers), and the wizard and the remove dialog driven by keys
 * as the dashboard gets them. What the screens look like is in
 * test_ui_golden.c; the real change is tested on the lab (45-wizard.sh).
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curses.h>

#include "candidate.h"
#include "chrome.h"
#include "config.h"
#include "decode.h"
#include "dialog.h"
#include "discovery.h"
#include "draw.h"
#include "events.h"
#include "fixture.h"
#include "form.h"
#include "layout.h"
#include "model.h"
#include "ui.h"

#define NOW 1800000000.0

/* ---- forms ------------------------------------------------------------------ */

enum { T_NAME = 1, T_STATIC, T_CHOICE, T_SECTION, T_HIDDEN, T_CHECK, T_OK, T_OFF };

static void sample_form(struct form *f)
{
	struct form_field *x;

	memset(f, 0, sizeof(*f));
	form_add(f, FORM_STATIC, T_STATIC, "Primary");
	form_add(f, FORM_TEXT, T_NAME, "Name");
	x = form_add(f, FORM_CHOICE, T_CHOICE, "Scopes");
	snprintf(x->choices[0], FORM_TEXT_LEN, "keep");
	snprintf(x->choices[1], FORM_TEXT_LEN, "disable");
	snprintf(x->choices[2], FORM_TEXT_LEN, "delete");
	x->nchoices = 3;
	form_add(f, FORM_SECTION, T_SECTION, "Advanced");
	form_add(f, FORM_TEXT, T_HIDDEN, "heartbeat-delay")->in_section = true;
	form_add(f, FORM_CHECK, T_CHECK, "auto-failover")->in_section = true;
	form_add(f, FORM_BUTTON, T_OFF, "Add")->disabled = true;
	form_add(f, FORM_BUTTON, T_OK, "Cancel");
	form_focus_first(f, 0);
}

static int focused_id(const struct form *f)
{
	return f->f[f->focus].id;
}

static enum form_event key(struct form *f, int code, bool kc)
{
	return form_key(f, keys_lookup_form(code, kc), code, kc);
}

/* Tab skips the read-only field, the folded section's fields and a disabled button, round the form. */
static void test_form_focus(void **state)
{
	struct form f;
	static const int order[] = { T_NAME, T_CHOICE, T_SECTION, T_OK, T_NAME };

	(void)state;
	sample_form(&f);
	assert_int_equal(focused_id(&f), T_NAME);
	for (size_t i = 1; i < sizeof(order) / sizeof(order[0]); i++) {
		assert_int_equal(key(&f, '\t', false), FORM_MOVED);
		assert_int_equal(focused_id(&f), order[i]);
	}
	assert_int_equal(key(&f, KEY_BTAB, true), FORM_MOVED);
	assert_int_equal(focused_id(&f), T_OK);
	/* Unfolded (Space on the section), its fields take the focus in order. */
	key(&f, KEY_BTAB, true);
	assert_int_equal(focused_id(&f), T_SECTION);
	assert_int_equal(key(&f, ' ', false), FORM_MOVED);
	assert_true(form_field(&f, T_SECTION)->on);
	key(&f, KEY_DOWN, true);
	assert_int_equal(focused_id(&f), T_HIDDEN);
	key(&f, '\t', false);
	assert_int_equal(focused_id(&f), T_CHECK);
	assert_int_equal(key(&f, ' ', false), FORM_CHANGED);
	assert_true(form_field(&f, T_CHECK)->on);
	assert_int_equal(key(&f, 27, false), FORM_CANCEL);
}

/* A text field takes every printable character, 'q' and UTF-8 too; Backspace takes one character. */
static void test_form_typing(void **state)
{
	struct form f;

	(void)state;
	sample_form(&f);
	assert_int_equal(key(&f, 'q', false), FORM_CHANGED);
	assert_int_equal(key(&f, 'j', false), FORM_CHANGED);
	assert_int_equal(key(&f, 0x00e9, false), FORM_CHANGED); /* é */
	assert_int_equal(key(&f, ' ', false), FORM_CHANGED);
	assert_string_equal(form_field(&f, T_NAME)->text, "qj\xc3\xa9 ");
	key(&f, KEY_BACKSPACE, true);
	key(&f, KEY_BACKSPACE, true);
	assert_string_equal(form_field(&f, T_NAME)->text, "qj");
	key(&f, 127, false);
	key(&f, 127, false);
	assert_int_equal(key(&f, 127, false), FORM_MOVED); /* nothing left to erase */
	assert_string_equal(form_field(&f, T_NAME)->text, "");
	/* Full: the character is refused, the text stays whole. */
	memset(form_field(&f, T_NAME)->text, 'x', FORM_TEXT_LEN - 1);
	form_field(&f, T_NAME)->text[FORM_TEXT_LEN - 1] = '\0';
	assert_int_equal(key(&f, 'y', false), FORM_MOVED);
	assert_int_equal((int)strlen(form_field(&f, T_NAME)->text), FORM_TEXT_LEN - 1);
	assert_int_equal(key(&f, '\n', false), FORM_PRESSED);
}

/* A choice with nothing chosen (no default) takes the first with Right, the last with Left. */
static void test_form_choice(void **state)
{
	struct form f;
	struct form_field *x;

	(void)state;
	sample_form(&f);
	x = form_field(&f, T_CHOICE);
	key(&f, '\t', false);
	assert_int_equal(x->choice, -1);
	assert_string_equal(form_choice_text(x), "");
	assert_int_equal(key(&f, KEY_LEFT, true), FORM_CHANGED);
	assert_string_equal(form_choice_text(x), "delete");
	key(&f, KEY_RIGHT, true);
	assert_string_equal(form_choice_text(x), "keep");
	key(&f, ' ', false);
	assert_string_equal(form_choice_text(x), "disable");
}

/* The first error is found even in a folded section, which unfolds to show it. */
static void test_form_first_error(void **state)
{
	struct form f;

	(void)state;
	sample_form(&f);
	assert_int_equal(form_first_error(&f), -1);
	snprintf(form_field(&f, T_HIDDEN)->error, FORM_MSG_LEN, "a whole number");
	assert_false(form_visible(&f, 4));
	assert_int_equal(form_first_error(&f), 4);
	assert_true(form_visible(&f, 4));
}

/* Beside at 60 columns, above below 56; messages wrap at spaces, buttons are not lines. */
static void test_form_layout(void **state)
{
	struct form f;
	struct form_line lines[64];
	char got[1024];
	int n;

	(void)state;
	sample_form(&f);
	form_field(&f, T_NAME)->note = "the relationship's name";
	snprintf(form_field(&f, T_NAME)->error, FORM_MSG_LEN, "a relationship named pair4 already exists");
	n = form_layout(&f, 60, lines, 64);
	form_describe(lines, n, got, sizeof(got));
	assert_string_equal(got, "0 field\n1 field\n1 error\n1 note\n2 field\n3 field\n");
	form_field(&f, T_SECTION)->on = true;
	n = form_layout(&f, 40, lines, 64);
	form_describe(lines, n, got, sizeof(got));
	/* 36 columns for the error: two lines. */
	assert_string_equal(got, "0 label\n0 field\n1 label\n1 field\n1 error\n1 error\n1 note\n"
			    "2 label\n2 field\n3 field\n4 label\n4 field\n5 field\n");
	/* Scrolled to the focus: a field taller than the window shows from its label. */
	f.focus = 1;
	f.scroll = 0;
	form_scroll_to_focus(&f, lines, n, 3);
	assert_int_equal(f.scroll, 2);
	f.focus = 5;
	form_scroll_to_focus(&f, lines, n, 3);
	assert_int_equal(f.scroll, 10);
}

static void test_form_wrap(void **state)
{
	int starts[8];
	const char *s = "one two three four";

	(void)state;
	assert_int_equal(form_wrap(s, 40, starts, 8), 1);
	assert_int_equal(form_wrap(s, 9, starts, 8), 3);
	assert_int_equal(starts[1], 8);
	assert_int_equal(starts[2], 14);
	/* One word wider than the width is cut, never lost. */
	assert_int_equal(form_wrap("abcdefghijkl", 8, starts, 8), 2);
	assert_int_equal(starts[1], 8);
}

static void test_dialog_layout(void **state)
{
	static const struct {
		int w, h;
		const char *want;
	} cases[] = {
		{ 120, 40, "box 3,5 110x32\ntitle 3,5 110x1\npages 5,6 18x28\nbody 5,26 87x27\nfooter 33,7 106x1\n" },
		{ 80, 24, "box 1,1 78x21\ntitle 1,1 78x1\npages 0,0 0x0\nbody 3,3 74x16\nfooter 20,3 74x1\n" },
		{ 60, 20, "box 1,1 58x17\ntitle 1,1 58x1\npages 0,0 0x0\nbody 3,3 54x12\nfooter 16,3 54x1\n" },
		{ 59, 40, "too small (need 60x20)" },
		{ 200, 19, "too small (need 60x20)" },
	};
	struct dialog_layout d;
	char got[400];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		layout_dialog(cases[i].w, cases[i].h, &d);
		layout_dialog_describe(&d, got, sizeof(got));
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("%dx%d:\n%s\nwant:\n%s", cases[i].w, cases[i].h, got, cases[i].want);
		/* Inside the screen, between the title row and the status bar. */
		assert_true(d.too_small || (d.box.y >= 1 && d.box.y + d.box.h <= cases[i].h - 2 &&
					    d.box.x >= 1 && d.box.x + d.box.w <= cases[i].w - 1));
	}
}

/* ---- a model of the lab ---------------------------------------------------------- */

static const cJSON *arguments(const struct fixture *f)
{
	return cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(f->response, 0), "arguments");
}

static void feed_config(struct model *m, const char *server, enum kea_service svc, const char *fx)
{
	struct fixture *f = fixture_load(fx);
	struct kea_config *c = calloc(1, sizeof(*c));
	char err[DECODE_ERR_LEN] = "";

	assert_non_null(c);
	if (!decode_config(arguments(f), svc, c, err, sizeof(err)))
		fail_msg("%s: %s", fx, err);
	fixture_free(f);
	model_apply_config(m, model_find_server(m, server), svc, c, NOW);
	free(c);
}

/*
 * The lab's servers (both services on each), their captured configurations,
 * discovery; every daemon answers (an empty status: the rules only ask
 * whether it answers and which relationships it is in).
 */
static void build_lab(struct model *m)
{
	static const char *const names[] = { "lb-primary", "lb-secondary", "hs-primary", "hs-standby",
					     "plain-a", "plain-b" };
	struct kea_status st;

	model_init(m);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		bool has[KEA_SERVICE_COUNT] = { true, true };
		char url[64];
		snprintf(url, sizeof(url), "http://127.0.0.%zu:80%02zu/", 11 + i, 11 + i);
		model_set_endpoint(m, model_add_server(m, names[i], url, ORIGIN_CONFIG), TRANSPORT_AGENT, has, NOW);
	}
	feed_config(m, "lb-primary", KEA_DHCP4, "config-get.dhcp4.lb-primary");
	feed_config(m, "lb-primary", KEA_DHCP6, "config-get.dhcp6.lb-primary");
	feed_config(m, "hs-standby", KEA_DHCP4, "config-get.dhcp4.hs-standby");
	feed_config(m, "plain-a", KEA_DHCP4, "config-get.dhcp4.plain-a.no-ha");
	discovery_rebuild(m);
	memset(&st, 0, sizeof(st));
	st.reload = -1;
	for (int s = 0; s < m->nservers; s++)
		for (int k = 0; k < KEA_SERVICE_COUNT; k++)
			model_apply_status(m, s, (enum kea_service)k, &st, NOW);
}

static int srv(const struct model *m, const char *name)
{
	int s = model_find_server(m, name);

	if (s < 0)
		fail_msg("no server %s", name);
	return s;
}

/* The product's rules, each with its reason. */
static void test_candidates(void **state)
{
	struct model m;
	char why[300];

	(void)state;
	build_lab(&m);
	assert_true(m.nrels >= 3);
	assert_true(candidate_primary(&m, srv(&m, "plain-a"), KEA_DHCP4, why, sizeof(why)));
	assert_false(candidate_primary(&m, srv(&m, "lb-primary"), KEA_DHCP4, why, sizeof(why)));
	assert_string_equal(why, "lb-primary is already in DHCPv4 relationship lb-primary+lb-secondary/dhcp4: "
			    "one per service and server");
	/* hs-standby has no DHCPv6 relationship, but it is standby in one: it cannot become primary. */
	assert_false(candidate_primary(&m, srv(&m, "hs-standby"), KEA_DHCP6, why, sizeof(why)));
	assert_string_equal(why, "hs-standby is secondary in hs-primary+hs-standby/dhcp4: it cannot become "
			    "primary in another");
	assert_true(candidate_primary(&m, srv(&m, "hs-primary"), KEA_DHCP6, why, sizeof(why)));
	/* ... and it can be a partner. */
	assert_true(candidate_partner(&m, srv(&m, "plain-a"), srv(&m, "hs-standby"), KEA_DHCP6, why, sizeof(why)));
	assert_false(candidate_partner(&m, srv(&m, "plain-a"), srv(&m, "plain-a"), KEA_DHCP4, why, sizeof(why)));
	assert_string_equal(why, "plain-a is the primary");
	assert_false(candidate_partner(&m, srv(&m, "plain-a"), srv(&m, "lb-secondary"), KEA_DHCP6, why,
				       sizeof(why)));
	assert_string_equal(why, "lb-secondary is already in DHCPv6 relationship lb-primary+lb-secondary/dhcp6: "
			    "one per service and server");
	/* Kea 3: a server in a relationship may become a hub; the plan decides, on the Summary. */
	snprintf(m.servers[srv(&m, "lb-secondary")].version, sizeof(m.servers[0].version), "3.0.4");
	assert_true(candidate_partner(&m, srv(&m, "plain-a"), srv(&m, "lb-secondary"), KEA_DHCP6, why,
				      sizeof(why)));
	/* A server that does not answer, one without the service. */
	model_endpoint_fault(&m, srv(&m, "plain-b"), FAULT_REFUSED, "connection refused", NOW);
	assert_false(candidate_partner(&m, srv(&m, "plain-a"), srv(&m, "plain-b"), KEA_DHCP4, why, sizeof(why)));
	assert_string_equal(why, "plain-b does not answer (connection refused)");
	m.servers[srv(&m, "hs-primary")].d[KEA_DHCP6].present = false;
	assert_false(candidate_partner(&m, srv(&m, "plain-a"), srv(&m, "hs-primary"), KEA_DHCP6, why, sizeof(why)));
	assert_string_equal(why, "hs-primary does not run DHCPv6");
	model_free(&m);
}

static void test_candidate_names(void **state)
{
	struct model m;
	char why[300];

	(void)state;
	build_lab(&m);
	assert_true(candidate_name(&m, "pair4", why, sizeof(why)));
	assert_false(candidate_name(&m, "", why, sizeof(why)));
	assert_string_equal(why, "required");
	assert_false(candidate_name(&m, "pair 4", why, sizeof(why)));
	assert_false(candidate_name(&m, "a/b", why, sizeof(why)));
	assert_false(candidate_name(&m, "lb-primary+lb-secondary/dhcp4", why, sizeof(why)));
	/* A name keaha gave (user-context) is taken too. */
	snprintf(m.rels[0].conf.keaha_name, sizeof(m.rels[0].conf.keaha_name), "pair4");
	assert_false(candidate_name(&m, "pair4", why, sizeof(why)));
	assert_string_equal(why, "a relationship named pair4 already exists");
	model_free(&m);
}

/* ---- the dialogs, driven by keys ----------------------------------------------- */

struct rig {
	struct model model;
	struct keaha_config cfg;
	struct ui_opts opts;
	struct events events;
	struct ui ui;
};

static struct rig *rig_new(bool readonly)
{
	struct rig *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	config_defaults(&r->cfg);
	events_init(&r->events, 16);
	build_lab(&r->model);
	r->opts.readonly = readonly;
	r->opts.state_dir = "/nonexistent/keaha-state"; /* never written: no job runs here */
	r->ui.o = &r->opts;
	r->ui.cfg = &r->cfg;
	r->ui.model = &r->model;
	r->ui.events = &r->events;
	r->ui.now = NOW;
	r->ui.w = 120;
	r->ui.h = 40;
	r->ui.utf8 = true;
	theme_default(&r->ui.theme, false);
	draw_init(120, 40, &r->ui.theme, false, true);
	return r;
}

static void rig_free(struct rig *r)
{
	while (r->ui.depth > 1)
		ui_pop(&r->ui);
	draw_free();
	events_free(&r->events);
	model_free(&r->model);
	config_free(&r->cfg);
	free(r);
}

/* Opens a server's Failover Management (or all relationships, NULL) and paints it once. */
static void open_view(struct rig *r, const char *server)
{
	r->ui.depth = 0;
	ui_push(&r->ui, &failover_view_ops, server ? srv(&r->model, server) : -1);
	chrome_paint(&r->ui);
}

static void type(struct rig *r, const char *s)
{
	for (; *s; s++)
		chrome_key(&r->ui, (unsigned char)*s, false);
	chrome_paint(&r->ui);
}

static void keycode(struct rig *r, int code, bool kc)
{
	chrome_key(&r->ui, code, kc);
	chrome_paint(&r->ui);
}

static struct change *dialog(struct rig *r)
{
	struct view *v = ui_top(&r->ui);

	assert_true(v->ops->modal);
	return v->state;
}

/* Its choices as one string, "a,b". */
static void choices(const struct form_field *x, char *out, size_t size)
{
	out[0] = '\0';
	for (int i = 0; i < x->nchoices; i++)
		snprintf(out + strlen(out), size - strlen(out), "%s%s", i ? "," : "", x->choices[i]);
}

/* Field ids of the wizard (wizard.c): name 1, mode 2, primary 3, partner 4, service 5, ... */
enum { W_NAME = 1, W_MODE, W_PRIMARY, W_PARTNER, W_SERVICE, W_ADVANCED, W_HEARTBEAT, W_MAX_RESPONSE };

static void test_wizard_partners(void **state)
{
	struct rig *r = rig_new(false);
	struct change *c;
	char got[200];

	(void)state;
	open_view(r, "plain-a");
	type(r, "a");
	c = dialog(r);
	assert_int_equal(form_field(&c->setup, W_PRIMARY)->kind, FORM_STATIC);
	assert_string_equal(form_field(&c->setup, W_PRIMARY)->text, "plain-a");
	choices(form_field(&c->setup, W_PARTNER), got, sizeof(got));
	assert_string_equal(got, "plain-b");
	assert_string_equal(form_field(&c->setup, W_NAME)->error, "required");
	/* DHCPv6: the hot-standby pair has none, plain-b neither. */
	c->setup.focus = 4;
	keycode(r, KEY_RIGHT, true);
	choices(form_field(&c->setup, W_PARTNER), got, sizeof(got));
	/* The chosen partner is kept while it can take it. */
	assert_string_equal(form_choice_text(form_field(&c->setup, W_PARTNER)), "plain-b");
	c->setup.focus = 3;
	keycode(r, KEY_RIGHT, true);
	assert_string_equal(form_choice_text(form_field(&c->setup, W_PARTNER)), "hs-primary");
	c->setup.focus = 4;
	keycode(r, KEY_LEFT, true);
	assert_string_equal(form_choice_text(form_field(&c->setup, W_PARTNER)), "plain-b");
	/* From all relationships, the primary is chosen too: only those that can be. */
	keycode(r, 27, false);
	open_view(r, NULL);
	type(r, "a");
	c = dialog(r);
	choices(form_field(&c->setup, W_PRIMARY), got, sizeof(got));
	assert_string_equal(got, "plain-a,plain-b"); /* DHCPv4: the pairs have theirs */
	rig_free(r);
}

static void test_wizard_checks(void **state)
{
	struct rig *r = rig_new(false);
	struct change *c;
	struct form_field *mrd;

	(void)state;
	open_view(r, "plain-a");
	type(r, "a");
	c = dialog(r);
	/* Next with the name missing: refused, the reason in the prompt, the focus on the name. */
	c->setup.focus = c->setup.n - 1;
	keycode(r, '\n', false);
	assert_int_equal(c->phase, CHANGE_SETUP);
	assert_int_equal(c->setup.f[c->setup.focus].id, W_NAME);
	assert_string_equal(r->ui.message, "Failover name: required");
	type(r, "pair4");
	assert_string_equal(form_field(&c->setup, W_NAME)->error, "");
	/* The timing rule, as typed, in the folded section: Next unfolds it at the reason. */
	mrd = form_field(&c->setup, W_MAX_RESPONSE);
	snprintf(mrd->text, sizeof(mrd->text), "1000");
	c->ops->validate(&r->ui, c);
	assert_string_equal(mrd->error, "max-response-delay must be greater than heartbeat-delay");
	assert_false(form_field(&c->setup, W_ADVANCED)->on);
	keycode(r, '\n', false);
	assert_true(form_field(&c->setup, W_ADVANCED)->on);
	assert_int_equal(c->setup.f[c->setup.focus].id, W_MAX_RESPONSE);
	type(r, "00x");
	assert_string_equal(mrd->error, "a whole number from 1 to 3600000 (milliseconds)");
	keycode(r, KEY_BACKSPACE, true);
	assert_string_equal(mrd->error, "");
	/* Everything valid: Next needs the loop to run the dry-run; without one it says so. */
	keycode(r, '\n', false);
	assert_int_equal(c->phase, CHANGE_SETUP);
	assert_string_equal(r->ui.message, "changes need the dashboard's loop (not available here)");
	/* Esc: closed, nothing changed. */
	keycode(r, 27, false);
	assert_false(ui_top(&r->ui)->ops->modal);
	assert_string_equal(r->ui.message, "Add relationship: cancelled, nothing was changed");
	rig_free(r);
}

static void test_remove_dialog(void **state)
{
	struct rig *r = rig_new(false);
	struct change *c;
	struct form_field *scopes;

	(void)state;
	/* plain-a has no relationship: nothing to remove. */
	open_view(r, "plain-a");
	type(r, "d");
	assert_false(ui_top(&r->ui)->ops->modal);
	assert_string_equal(r->ui.message, "select a relationship in Failover Management first (R lists them all)");
	open_view(r, "hs-primary");
	type(r, "d");
	c = dialog(r);
	scopes = form_field(&c->setup, 3);
	assert_int_equal(scopes->choice, -1);
	assert_string_equal(scopes->error, "choose: there is no default, you decide");
	keycode(r, '\n', false);
	assert_int_equal(c->phase, CHANGE_SETUP);
	keycode(r, KEY_RIGHT, true);
	assert_string_equal(form_choice_text(scopes), "keep");
	assert_string_equal(scopes->warning, "both servers will then hand out the same pools independently: "
			    "two clients may get the same address");
	keycode(r, KEY_RIGHT, true);
	assert_string_equal(scopes->warning, "hs-standby keeps its subnets but serves no address from them "
			    "(undone by editing; noted in user-context)");
	rig_free(r);
}

/* --readonly: neither dialog opens, and the help overlay does not offer them. */
static void test_readonly(void **state)
{
	struct rig *r = rig_new(true);

	(void)state;
	open_view(r, "plain-a");
	type(r, "a");
	assert_false(ui_top(&r->ui)->ops->modal);
	assert_string_equal(r->ui.message, "read-only: add is disabled");
	open_view(r, "hs-primary");
	type(r, "d");
	assert_false(ui_top(&r->ui)->ops->modal);
	rig_free(r);
}

/* h / n / E: what they refuse, and the command E hands to the terminal. */
static char edit_argv[400];

static void record_foreground(struct ui *ui, const char *const *argv, const char *what)
{
	(void)ui;
	edit_argv[0] = '\0';
	for (; *argv; argv++)
		snprintf(edit_argv + strlen(edit_argv), sizeof(edit_argv) - strlen(edit_argv), "%s ", *argv);
	snprintf(edit_argv + strlen(edit_argv), sizeof(edit_argv) - strlen(edit_argv), "(%s)", what);
}

static void test_ha_and_edit_keys(void **state)
{
	static const char *const urls[] = { "http://127.0.0.1:8000/", NULL };
	struct rig *r = rig_new(false);

	(void)state;
	/* plain-a has no relationship: nothing selected. */
	open_view(r, "plain-a");
	type(r, "h");
	assert_string_equal(r->ui.message, "select a relationship first (Failover Management or triage)");
	/* No next action named for the hot-standby pair here: said, no dialog. */
	open_view(r, "hs-primary");
	type(r, "n");
	assert_false(ui_top(&r->ui)->ops->modal);
	assert_non_null(strstr(r->ui.message, "hs-primary+hs-standby/dhcp4: no HA action to take"));
	/* With one named, n opens the dialog with it and its peer chosen. */
	r->model.rels[model_find_rel(&r->model, "hs-primary+hs-standby/dhcp4")].verdict.next_action =
		HA_ACTION_MAINTENANCE_CANCEL;
	snprintf(r->model.rels[model_find_rel(&r->model, "hs-primary+hs-standby/dhcp4")].verdict.next_action_peer,
		 KEA_NAME_LEN, "hs-standby");
	type(r, "n");
	assert_true(ui_top(&r->ui)->ops == &ha_dialog_ops);
	assert_string_equal(form_choice_text(form_field(&dialog(r)->setup, 2)), "maintenance-cancel");
	assert_string_equal(form_choice_text(form_field(&dialog(r)->setup, 3)), "hs-standby");
	keycode(r, 27, false);
	/* E: without a terminal it says so; with one, keaha edit on the selected relationship. */
	type(r, "E");
	assert_string_equal(r->ui.message, "edit needs a terminal (an editor runs in it)");
	r->opts.config_path = "/nonexistent/keaha.conf";
	r->opts.urls = urls;
	r->ui.run_foreground = record_foreground;
	type(r, "E");
	assert_string_equal(edit_argv, "/proc/self/exe --config /nonexistent/keaha.conf --state-dir "
			    "/nonexistent/keaha-state edit hs-primary+hs-standby/dhcp4 "
			    "http://127.0.0.1:8000/ (hs-primary+hs-standby/dhcp4)");
	rig_free(r);
	/* Read-only: none of them. */
	r = rig_new(true);
	open_view(r, "hs-primary");
	type(r, "h");
	assert_string_equal(r->ui.message, "read-only: ha is disabled");
	type(r, "E");
	assert_string_equal(r->ui.message, "read-only: edit is disabled");
	rig_free(r);
}

/* --no-state: no backups, no journal, so no change; said, not done. */
static void test_no_state(void **state)
{
	struct rig *r = rig_new(false);

	(void)state;
	r->opts.state_dir = NULL;
	open_view(r, "plain-a");
	type(r, "a");
	assert_false(ui_top(&r->ui)->ops->modal);
	assert_string_equal(r->ui.message, "changes keep backups and a journal in the state directory: "
			    "run without --no-state");
	rig_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_form_focus),
		cmocka_unit_test(test_form_typing),
		cmocka_unit_test(test_form_choice),
		cmocka_unit_test(test_form_first_error),
		cmocka_unit_test(test_form_layout),
		cmocka_unit_test(test_form_wrap),
		cmocka_unit_test(test_dialog_layout),
		cmocka_unit_test(test_candidates),
		cmocka_unit_test(test_candidate_names),
		cmocka_unit_test(test_wizard_partners),
		cmocka_unit_test(test_wizard_checks),
		cmocka_unit_test(test_remove_dialog),
		cmocka_unit_test(test_readonly),
		cmocka_unit_test(test_no_state),
		cmocka_unit_test(test_ha_and_edit_keys),
	};

	if (!setlocale(LC_ALL, "C.UTF-8") && !setlocale(LC_ALL, "en_US.UTF-8")) {
		fprintf(stderr, "test_wizard: no UTF-8 locale\n");
		return 1;
	}
	return cmocka_run_group_tests_name("wizard", tests, NULL, NULL);
}
