/*
 * Shared keys and the frame. The status bar says how fresh the data is: the
 * age of the oldest complete poll round, requests in flight, servers
 * failing, the interval, and "STALE" once data is older than three intervals.
 */
#include "chrome.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "look.h"
#include "util.h"

static const char *view_title(const struct ui *ui)
{
	static char buf[160];
	const struct view *v = ui_top_const(ui);

	if (v->ops->modal && ui->depth > 1)
		v = &ui->stack[ui->depth - 2];
	if (v->ops == &failover_view_ops && v->server >= 0)
		snprintf(buf, sizeof(buf), "Failover Management for \"%s\"", ui->model->servers[v->server].name);
	else if (v->ops == &failover_view_ops)
		snprintf(buf, sizeof(buf), "Failover Management: all relationships");
	else
		snprintf(buf, sizeof(buf), "%s", v->ops->name);
	return buf;
}

void chrome_paint(struct ui *ui)
{
	layout_compute(ui->w, ui->h, true, &ui->layout);
	draw_clear();
	if (ui->layout.too_small) {
		chrome_draw_too_small(ui);
		return;
	}
	chrome_draw_title(ui);
	/* A dialog shows over the screen it was opened from. */
	if (ui_top(ui)->ops->modal && ui->depth > 1)
		ui->stack[ui->depth - 2].ops->draw(ui, &ui->stack[ui->depth - 2]);
	ui_top(ui)->ops->draw(ui, ui_top(ui));
	chrome_draw_status(ui, ui->poller);
	chrome_draw_prompt(ui);
	if (ui->help)
		chrome_draw_help(ui);
}

void chrome_draw_title(const struct ui *ui)
{
	const struct rect *r = &ui->layout.title;
	int count[REL_STATUS_COUNT] = { 0 };
	char right[160];
	int x;

	for (int i = 0; i < ui->model->nrels; i++)
		count[ui->model->rels[i].verdict.status]++;
	draw_fill(r->y, r->x, 1, r->w, ROLE_TITLE);
	x = draw_textf(r->y, r->x, r->w, ROLE_TITLE, false, " keaha  %s", view_title(ui));
	snprintf(right, sizeof(right), "%d OK  %d impaired  %d down  %d unreachable ",
		 count[REL_OK], count[REL_IMPAIRED], count[REL_SERVICE_DOWN], count[REL_UNREACHABLE]);
	if (draw_width(right) + x + 2 > r->w) { /* narrow: only the counts that are not zero */
		size_t len = 0;
		right[0] = '\0';
		for (int st = REL_STATUS_COUNT - 1; st >= 0; st--)
			if (count[st] && len < sizeof(right))
				len += (size_t)snprintf(right + len, sizeof(right) - len, "%d %s  ", count[st],
							st == REL_OK ? "OK" : rel_status_name((enum rel_status)st));
	}
	if (draw_width(right) + x + 2 <= r->w)
		draw_text(r->y, r->w - draw_width(right), draw_width(right), ROLE_TITLE, false, right);
}

void chrome_draw_status(const struct ui *ui, const struct poller *p)
{
	const struct rect *r = &ui->layout.status;
	struct poller_stats st;
	char age[32], text[256];
	bool stale;

	if (!p) { /* no poller (tests, a replayed model): nothing to say about freshness */
		draw_textf(r->y, r->x, r->w, ROLE_STATUSBAR, true, " not polling%s | ? help  q quit",
			   ui->o->readonly ? " | read-only" : "");
		return;
	}
	poller_get_stats(p, &st);
	if (ui->journal_pending) {
		draw_fill(r->y, r->x, 1, r->w, ROLE_ERROR);
		draw_text(r->y, r->x, r->w, ROLE_ERROR, true,
			  " HALF-APPLIED CHANGE PENDING: a server could not be put back yet; "
			  "run 'keaha status' when it answers");
		return;
	}
	util_format_age(st.oldest_round, age, sizeof(age));
	stale = st.oldest_round > 3 * ui->cfg->poll_interval;
	if (r->w >= 100)
		snprintf(text, sizeof(text), " %s%s ago | %d in flight | %d of %d failing | every %.0f s%s | ? help  q quit",
			 stale ? "STALE: oldest data " : "polled ", age, st.in_flight, st.servers_failing,
			 st.servers, ui->cfg->poll_interval, ui->o->readonly ? " | read-only" : "");
	else /* narrow: freshness, failures and the two keys everybody needs */
		snprintf(text, sizeof(text), " %s%s ago | %d failing%s | ? help q quit",
			 stale ? "STALE: " : "polled ", age, st.servers_failing, ui->o->readonly ? " | ro" : "");
	draw_fill(r->y, r->x, 1, r->w, stale ? ROLE_STALE : ROLE_STATUSBAR);
	draw_text(r->y, r->x, r->w, stale ? ROLE_STALE : ROLE_STATUSBAR, true, text);
}

void chrome_draw_prompt(const struct ui *ui)
{
	const struct rect *r = &ui->layout.prompt;

	if (ui->in_command)
		draw_textf(r->y, r->x, r->w, ROLE_PROMPT, true, ":%s", ui->cmdline);
	else if (ui->filtering)
		draw_textf(r->y, r->x, r->w, ROLE_PROMPT, true, "/%s", ui->filter);
	else if (ui->message[0])
		draw_text(r->y, r->x, r->w, ui->message_is_error ? ROLE_ERROR : ROLE_PROMPT, true, ui->message);
	else if (ui->filter[0])
		draw_textf(r->y, r->x, r->w, ROLE_DIM, true, "filter: %s  (/ then Esc clears)", ui->filter);
}

/* One action's line of the help overlay. */
static void help_line(const struct ui *ui, enum action a, int y, int x, int w)
{
	const struct action_info *info = keys_action_info(a);

	(void)ui;
	draw_text(y, x, 20, ROLE_KEY, true, info->keys);
	draw_text(y, x + 21, w - 21, ROLE_NORMAL, true, info->help);
}

/* Whether the help lists an action here: a dialog's own keys in a dialog, else the dashboard's. */
static bool help_lists(const struct ui *ui, enum action a, bool in_dialog)
{
	if (keys_action_info(a)->changes_server && ui->o->readonly)
		return false;
	if (a == ACTION_HELP || a == ACTION_QUIT)
		return true;
	return keys_is_form_action(a) == in_dialog;
}

/* The keys of what is on top, generated from the action tables. */
void chrome_draw_help(const struct ui *ui)
{
	struct rect outer = { 1, 0, ui->h - 2, ui->w };
	bool in_dialog = ui_top_const(ui)->ops->modal;
	int rows = 0, y, bottom;
	struct rect box;

	for (int a = 1; a < ACTION_COUNT; a++)
		rows += help_lists(ui, (enum action)a, in_dialog);
	box = layout_center(outer, rows + 3, ui->w - 2 < 100 ? ui->w - 2 : 100);
	y = box.y + 1;
	bottom = box.y + box.h - 1;
	draw_fill(box.y, box.x, box.h, box.w, ROLE_NORMAL);
	draw_hline(box.y, box.x, box.w, ROLE_BORDER);
	draw_hline(bottom, box.x, box.w, ROLE_BORDER);
	draw_vline(box.y, box.x, box.h, ROLE_BORDER);
	draw_vline(box.y, box.x + box.w - 1, box.h, ROLE_BORDER);
	draw_text(y++, box.x + 2, box.w - 4, ROLE_HEADER, true,
		  in_dialog ? "keys in the wizard and dialogs (any key closes)" : "keaha keys (any key closes)");
	for (int a = 1; a < ACTION_COUNT && y < bottom; a++)
		if (help_lists(ui, (enum action)a, in_dialog))
			help_line(ui, (enum action)a, y++, box.x + 2, box.w - 4);
}

/* Wrapped at spaces when the terminal is narrower than the message: "(now WxH)" must show. */
void chrome_draw_too_small(const struct ui *ui)
{
	chrome_draw_too_small_for(ui, "Terminal too small", ui->layout.need_w, ui->layout.need_h);
}

void chrome_draw_too_small_for(const struct ui *ui, const char *what, int need_w, int need_h)
{
	char msg[160], line[160];
	const char *s = msg;
	int y;

	if (ui->w < 1)
		return;
	snprintf(msg, sizeof(msg), "%s: need at least %dx%d (now %dx%d)", what, need_w, need_h, ui->w, ui->h);
	y = ui->h / 2 - (draw_width(msg) > ui->w ? 1 : 0);
	while (*s && y < ui->h) {
		size_t cut = strlen(s);
		if ((int)cut > ui->w) {
			cut = (size_t)ui->w; /* s[cut] a space: the first cut bytes fill the line */
			while (cut > 0 && s[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = (size_t)ui->w; /* one word wider than the screen */
		}
		memcpy(line, s, cut);
		line[cut] = '\0';
		draw_text(y++, (ui->w - (int)cut) / 2, (int)cut, ROLE_WARN, false, line);
		s += cut;
		while (*s == ' ')
			s++;
	}
}

bool chrome_load_theme(struct ui *ui, const char *name, char *err, size_t errlen)
{
	const char *env = getenv("KEAHA_THEMES");
	const char *dirs[] = { ui->o->themes_dir, env, "themes", "/usr/share/keaha/themes" };
	struct theme t;

	if (!strcmp(name, "default") || !strcmp(name, "monochrome")) {
		theme_default(&ui->theme, !strcmp(name, "monochrome"));
		draw_set_theme(&ui->theme);
		return true;
	}
	for (size_t i = 0; i < ARRAY_LEN(dirs); i++) {
		if (dirs[i] && theme_load(&t, dirs[i], name, err, errlen)) {
			ui->theme = t;
			draw_set_theme(&ui->theme);
			return true;
		}
		if (dirs[i] && !strstr(err, "no theme"))
			return false; /* found but broken: say why */
	}
	return false;
}

/* ":servers", ":theme light", ":q"... */
static enum ui_result run_command(struct ui *ui, const char *cmd)
{
	char err[300];

	if (!strcmp(cmd, "q") || !strcmp(cmd, "quit"))
		return UI_QUIT;
	if (!strcmp(cmd, "servers"))
		ui_push(ui, &servers_view_ops, -1);
	else if (!strcmp(cmd, "relationships"))
		ui_push(ui, &failover_view_ops, -1);
	else if (!strcmp(cmd, "triage"))
		ui_push(ui, &triage_view_ops, -1);
	else if (!strcmp(cmd, "events"))
		ui_push(ui, &events_view_ops, -1);
	else if (!strcmp(cmd, "help"))
		ui->help = true;
	else if (!strncmp(cmd, "theme ", 6)) {
		if (chrome_load_theme(ui, cmd + 6, err, sizeof(err)))
			ui_message(ui, false, "theme %s", cmd + 6);
		else
			ui_message(ui, true, "%s", err);
	} else if (*cmd)
		ui_message(ui, true, "unknown command ':%s' (servers, relationships, triage, events, theme NAME, q)", cmd);
	return UI_REDRAW;
}

/* Line editing for the command line and the filter; true when the line is done. */
static bool edit_line(char *buf, size_t size, int code, bool is_keycode, bool *cancel)
{
	size_t len = strlen(buf);

	*cancel = false;
	if (!is_keycode && code == 27) {
		*cancel = true;
		return true;
	}
	if ((!is_keycode && (code == '\n' || code == '\r')) || (is_keycode && code == KEY_ENTER))
		return true;
	if ((is_keycode && code == KEY_BACKSPACE) || (!is_keycode && (code == 127 || code == 8))) {
		if (len)
			buf[len - 1] = '\0';
		return false;
	}
	if (!is_keycode && code >= 32 && code < 127 && len + 1 < size) {
		buf[len] = (char)code;
		buf[len + 1] = '\0';
	}
	return false;
}

static enum ui_result line_key(struct ui *ui, int code, bool is_keycode)
{
	bool cancel;

	if (ui->in_command) {
		if (edit_line(ui->cmdline, sizeof(ui->cmdline), code, is_keycode, &cancel)) {
			ui->in_command = false;
			if (!cancel)
				return run_command(ui, ui->cmdline);
		}
	} else if (edit_line(ui->filter, sizeof(ui->filter), code, is_keycode, &cancel)) {
		ui->filtering = false;
		if (cancel)
			ui->filter[0] = '\0';
	}
	ui_top(ui)->sel = 0;
	ui_top(ui)->top = 0;
	return UI_REDRAW;
}

static enum ui_result navigate(struct ui *ui, enum action a)
{
	struct view *v = ui_top(ui);
	int page = ui->layout.list.h - 1;

	if (ui->focus_pane || v->pane_full) {
		int step = a == ACTION_UP ? -1 : a == ACTION_DOWN ? 1 : a == ACTION_PAGE_UP ? -page :
			   a == ACTION_PAGE_DOWN ? page : a == ACTION_HOME ? -10000 : 10000;
		v->pane_scroll += step;
		if (v->pane_scroll < 0)
			v->pane_scroll = 0;
		return UI_REDRAW;
	}
	if (ui_navigate(v, a, v->ops->rows(ui, v), page))
		v->pane_scroll = 0;
	return UI_REDRAW;
}

/* A change keeps the originals and its journal in the state directory: without one, none. */
static bool can_change(struct ui *ui)
{
	if (ui->o->state_dir)
		return true;
	ui_message(ui, true, "changes keep backups and a journal in the state directory: "
		   "run without --no-state");
	return false;
}

/* The wizard's primary: the server whose relationships are shown, or the selected server. */
static enum ui_result open_add(struct ui *ui)
{
	const struct view *v = ui_top(ui);
	int server = -1;

	if (!can_change(ui))
		return UI_REDRAW;
	if (v->ops == &failover_view_ops)
		server = v->server;
	else if (v->ops == &servers_view_ops && v->sel < ui->model->nservers)
		server = v->sel;
	ui_push_dialog(ui, &wizard_ops, server, -1);
	return UI_REDRAW;
}

static enum ui_result open_remove(struct ui *ui)
{
	const struct view *v = ui_top(ui);
	const struct relationship *r = v->ops == &failover_view_ops ? failover_selected(ui, v) : NULL;

	if (!r) {
		ui_message(ui, true, "select a relationship in Failover Management first (R lists them all)");
		return UI_REDRAW;
	}
	if (!can_change(ui))
		return UI_REDRAW;
	ui_push_dialog(ui, &remove_dialog_ops, v->server, (int)(r - ui->model->rels));
	return UI_REDRAW;
}

/* The relationship the user looks at: the selected row of Failover Management or Triage. */
static const struct relationship *looked_at(const struct ui *ui)
{
	const struct view *v = ui_top_const(ui);

	if (v->ops == &failover_view_ops)
		return failover_selected(ui, v);
	if (v->ops == &triage_view_ops)
		return triage_selected(ui, v);
	return NULL;
}

/* h: the HA action dialog; n: the same with the verdict's next action chosen. */
static enum ui_result open_ha(struct ui *ui, bool next)
{
	const struct relationship *r = looked_at(ui);

	if (!r) {
		ui_message(ui, true, "select a relationship first (Failover Management or triage)");
		return UI_REDRAW;
	}
	if (next && r->verdict.next_action == HA_ACTION_NONE) {
		ui_message(ui, false, "%s: no HA action to take%s%s", r->name, r->verdict.next_step[0] ? "; next: " : "",
			   r->verdict.next_step);
		return UI_REDRAW;
	}
	if (!can_change(ui))
		return UI_REDRAW;
	ha_dialog_open(ui, (int)(r - ui->model->rels), next ? r->verdict.next_action : HA_ACTION_NONE,
		       next ? r->verdict.next_action_peer : NULL);
	return UI_REDRAW;
}

/* E: `keaha edit` on the selected relationship or server, in the terminal itself. */
static enum ui_result open_edit(struct ui *ui)
{
	const struct view *v = ui_top_const(ui);
	const struct relationship *r = looked_at(ui);
	const char *target = r ? r->name : v->ops == &servers_view_ops && v->sel < ui->model->nservers ?
			     ui->model->servers[v->sel].name : NULL;
	const char *words[3] = { "edit", target, NULL };
	char **argv;

	if (!target) {
		ui_message(ui, true, "select a relationship or a server first");
		return UI_REDRAW;
	}
	if (!ui->run_foreground) {
		ui_message(ui, true, "edit needs a terminal (an editor runs in it)");
		return UI_REDRAW;
	}
	if (!can_change(ui))
		return UI_REDRAW;
	argv = ui_child_argv(ui, words);
	ui->run_foreground(ui, (const char *const *)argv, target);
	free(argv);
	return UI_REDRAW;
}

static enum ui_result global_action(struct ui *ui, enum action a)
{
	switch (a) {
	case ACTION_QUIT: return UI_QUIT;
	case ACTION_HELP: ui->help = true; return UI_REDRAW;
	case ACTION_COMMAND: ui->in_command = true; ui->cmdline[0] = '\0'; return UI_REDRAW;
	case ACTION_FILTER: ui->filtering = true; return UI_REDRAW;
	case ACTION_REFRESH: poller_refresh(ui->poller); ui_message(ui, false, "polling every server now"); return UI_REDRAW;
	case ACTION_SERVERS: ui_push(ui, &servers_view_ops, -1); return UI_REDRAW;
	case ACTION_RELATIONSHIPS: ui_push(ui, &failover_view_ops, -1); return UI_REDRAW;
	case ACTION_TRIAGE: ui_push(ui, &triage_view_ops, -1); return UI_REDRAW;
	case ACTION_EVENTS: ui_push(ui, &events_view_ops, -1); return UI_REDRAW;
	case ACTION_FOCUS: ui->focus_pane = !ui->focus_pane; return UI_REDRAW;
	case ACTION_ADD: return open_add(ui);
	case ACTION_REMOVE: return open_remove(ui);
	case ACTION_HA: return open_ha(ui, false);
	case ACTION_NEXT_ACTION: return open_ha(ui, true);
	case ACTION_EDIT: return open_edit(ui);
	case ACTION_UP: case ACTION_DOWN: case ACTION_PAGE_UP: case ACTION_PAGE_DOWN:
	case ACTION_HOME: case ACTION_END:
		return navigate(ui, a);
	default:
		return UI_NONE;
	}
}

enum ui_result chrome_key(struct ui *ui, int code, bool is_keycode)
{
	enum action a;
	enum ui_result r;
	struct view *v = ui_top(ui);

	if (ui->in_command || ui->filtering)
		return line_key(ui, code, is_keycode);
	if (ui->help) {
		ui->help = false;
		return UI_REDRAW;
	}
	ui->message[0] = '\0';
	if (v->ops->modal) /* a dialog: every key is its own */
		return v->ops->key(ui, v, keys_lookup_form(code, is_keycode), code, is_keycode);
	a = keys_lookup(code, is_keycode);
	if (a == ACTION_NONE)
		return UI_NONE;
	if (keys_action_info(a)->changes_server && ui->o->readonly) {
		ui_message(ui, true, "read-only: %s is disabled", keys_action_info(a)->name);
		return UI_REDRAW;
	}
	r = v->ops->key ? v->ops->key(ui, v, a, code, is_keycode) : UI_NONE;
	if (r != UI_NONE)
		return r;
	if (a == ACTION_BACK) {
		ui_pop(ui);
		return UI_REDRAW;
	}
	return global_action(ui, a);
}
