/*
 * Loop glue. Every event (an HTTP reply, a key, a tick, SIGWINCH) only
 * updates state and marks the screen dirty; a uv_prepare handle paints at
 * most once per loop pass, and only when something changed (tmux's habit).
 * Headless mode swaps the terminal for a fixed-size virtual screen, feeds
 * keys from a string and writes the final screen to a file.
 */
#include "app.h"

#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <uv.h>

#include "autorepl.h"
#include "child.h"
#include "chrome.h"
#include "draw.h"
#include "drift.h"
#include "job.h"
#include "poller.h"
#include "replstate.h"
#include "topology.h"
#include "txn.h"
#include "util.h"
#include "verdict.h"

struct app {
	struct ui ui;
	struct model model;
	struct events events;
	uv_loop_t loop;
	uv_poll_t input;
	uv_signal_t winch, sigint, sigterm;
	uv_timer_t tick, headless_timer;
	uv_prepare_t painter;
	bool dirty;
	bool quitting;
	bool started;            /* every server has had its first round */
	unsigned painted_generation;
	unsigned topology_seen;
	unsigned judged_gen;      /* model generation after the last pass of on_update */
	double judged_at;
	SCREEN *screen;
	FILE *null_out, *null_in;
	const char *keys_left;   /* headless: keys still to feed */
	struct autorepl *repl;   /* automatic replication (keaReplicateConfig) */
	const char **urls;       /* servers given on the command line, for its child */
	uv_process_t fg;         /* a command in the terminal itself (keaha edit), the dashboard suspended */
	bool fg_running;
	char fg_what[160];
	int exit_code;
};

static struct app *the_app; /* for the fatal hook: leave curses before dying */

static void leave_curses(void)
{
	if (the_app && the_app->screen && !isendwin())
		endwin();
}

/* --- shared ui helpers (ui.h) --- */

struct view *ui_top(struct ui *ui)
{
	return &ui->stack[ui->depth - 1];
}

const struct view *ui_top_const(const struct ui *ui)
{
	return &ui->stack[ui->depth - 1];
}

void ui_push(struct ui *ui, const struct view_ops *ops, int server)
{
	ui_push_dialog(ui, ops, server, -1);
}

void ui_push_dialog(struct ui *ui, const struct view_ops *ops, int server, int rel)
{
	struct view *v;

	if (ui->depth > 0 && ui_top(ui)->ops == ops && ui_top(ui)->server == server)
		return;
	if (ui->depth == UI_MAX_VIEWS) {
		/* The oldest view gives way (a dialog is never that deep: dialogs do not stack). */
		if (ui->stack[0].ops->leave)
			ui->stack[0].ops->leave(ui, &ui->stack[0]);
		memmove(ui->stack, ui->stack + 1, sizeof(ui->stack[0]) * (UI_MAX_VIEWS - 1));
		ui->depth--;
	}
	v = &ui->stack[ui->depth++];
	memset(v, 0, sizeof(*v));
	v->ops = ops;
	v->server = server;
	v->rel = rel;
	ui->focus_pane = false;
	if (ops->enter)
		ops->enter(ui, v);
}

void ui_pop(struct ui *ui)
{
	ui->focus_pane = false;
	if (ui->depth <= 1)
		return;
	if (ui_top(ui)->ops->leave)
		ui_top(ui)->ops->leave(ui, ui_top(ui));
	ui->depth--;
}

void ui_message(struct ui *ui, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ui->message, sizeof(ui->message), fmt, ap);
	va_end(ap);
	ui->message_is_error = error;
}

char **ui_child_argv(const struct ui *ui, const char *const *words)
{
	struct child_opts co = { .config_path = ui->o->config_path, .state_dir = ui->o->state_dir,
				 .urls = ui->o->urls };

	return child_argv(&co, words);
}

bool ui_navigate(struct view *v, enum action a, int n, int page)
{
	int old = v->sel;

	if (page < 1)
		page = 1;
	switch (a) {
	case ACTION_UP: v->sel--; break;
	case ACTION_DOWN: v->sel++; break;
	case ACTION_PAGE_UP: v->sel -= page; break;
	case ACTION_PAGE_DOWN: v->sel += page; break;
	case ACTION_HOME: v->sel = 0; break;
	case ACTION_END: v->sel = n - 1; break;
	default: break;
	}
	if (v->sel >= n)
		v->sel = n - 1;
	if (v->sel < 0)
		v->sel = 0;
	if (v->sel < v->top)
		v->top = v->sel;
	if (v->sel >= v->top + page)
		v->top = v->sel - page + 1;
	if (v->top < 0)
		v->top = 0;
	return v->sel != old;
}

/* --- painting --- */

static void paint(struct app *a)
{
	a->ui.now = util_wallclock();
	chrome_paint(&a->ui);
	draw_flush();
	a->dirty = false;
	a->painted_generation = a->model.generation;
}

static void on_prepare(uv_prepare_t *h)
{
	struct app *a = h->data;

	/* Suspended while a command has the terminal. */
	if (!a->quitting && !a->fg_running && (a->dirty || a->painted_generation != a->model.generation))
		paint(a);
}

/* --- model updates --- */

static void on_update(void *ctx)
{
	struct app *a = ctx;
	double now = util_wallclock();

	if (!a->started && !poller_done(a->ui.poller))
		return;
	a->started = true;
	/* Nothing changed since the last pass and the ages are fresh: a reply that taught nothing. */
	if (a->model.generation == a->judged_gen && now - a->judged_at < VERDICT_REFRESH_S)
		return;
	verdict_update_changed(&a->model, now, NULL, NULL);
	if (a->model.topology_generation != a->topology_seen) {
		a->topology_seen = a->model.topology_generation;
		topology_save(&a->model, a->ui.o->state_dir, a->ui.cfg);
		replstate_apply(&a->model, a->ui.o->state_dir);
	}
	drift_update_changed(&a->model);
	events_observe(&a->events, &a->model, now);
	a->judged_gen = a->model.generation;
	a->judged_at = now;
}

/* A journal left by a change that no running transaction (ours or another keaha's) holds. */
static void check_journal(struct app *a)
{
	char path[600];

	if (!a->ui.o->state_dir)
		return;
	snprintf(path, sizeof(path), "%s/journal.json", a->ui.o->state_dir);
	a->ui.journal_pending = txn_journal_pending(path);
}

/* The clock moves ages and the stale marker even when nothing answers. */
static void on_tick(uv_timer_t *t)
{
	struct app *a = t->data;

	check_journal(a);
	verdict_update_all(&a->model, util_wallclock(), NULL, NULL);
	drift_update_all(&a->model);
	if (a->repl && a->started)
		autorepl_tick(a->repl, &a->model, util_wallclock());
	a->dirty = true;
}

/* --- shutdown --- */

static void quit(struct app *a)
{
	if (a->quitting)
		return;
	a->quitting = true;
	job_free(a->ui.job); /* a change still running is stopped by its PID */
	a->ui.job = NULL;
	if (a->fg_running) {
		uv_process_kill(&a->fg, SIGTERM);
		uv_close((uv_handle_t *)&a->fg, NULL);
		a->fg_running = false;
	}
	poller_stop(a->ui.poller);
	autorepl_free(a->repl); /* a sync still running finishes on its own */
	a->repl = NULL;
	if (!a->ui.o->headless) {
		uv_poll_stop(&a->input);
		uv_close((uv_handle_t *)&a->input, NULL);
		uv_signal_stop(&a->winch);
		uv_close((uv_handle_t *)&a->winch, NULL);
	}
	uv_signal_stop(&a->sigint);
	uv_signal_stop(&a->sigterm);
	uv_close((uv_handle_t *)&a->sigint, NULL);
	uv_close((uv_handle_t *)&a->sigterm, NULL);
	uv_timer_stop(&a->tick);
	uv_close((uv_handle_t *)&a->tick, NULL);
	uv_timer_stop(&a->headless_timer);
	uv_close((uv_handle_t *)&a->headless_timer, NULL);
	uv_prepare_stop(&a->painter);
	uv_close((uv_handle_t *)&a->painter, NULL);
}

static void on_signal(uv_signal_t *h, int signum)
{
	struct app *a = h->data;

	/* Ctrl-C in the editor reaches the whole terminal's process group: it is the editor's. */
	if (signum == SIGINT && a->fg_running)
		return;
	quit(a);
}

/* A job wrote or ended: the dialog on top takes it, the screen repaints. */
static void on_job(void *ctx)
{
	struct app *a = ctx;
	struct view *v = ui_top(&a->ui);

	check_journal(a);
	if (v->ops->update)
		v->ops->update(&a->ui, v);
	a->dirty = true;
}

/* --- a command in the terminal itself --- */

static void on_input(uv_poll_t *h, int status, int events);

static const char *fg_outcome(int64_t code)
{
	switch (code) {
	case 0: return "applied";
	case 1: return "NOT applied (failed, every server put back)";
	case 2: return "nothing changed (no change, or refused)";
	default: return "ended without a result";
	}
}

static void on_fg_exit(uv_process_t *p, int64_t status, int term_signal)
{
	struct app *a = p->data;

	uv_close((uv_handle_t *)p, NULL);
	a->fg_running = false;
	reset_prog_mode();
	clearok(curscr, TRUE);
	uv_poll_start(&a->input, UV_READABLE, on_input);
	ui_message(&a->ui, term_signal || status != 0, "edit %s: %s", a->fg_what,
		   term_signal ? "stopped" : fg_outcome(status));
	if (status == 0 && !term_signal)
		poller_rediscover(a->ui.poller);
	a->dirty = true;
}

/*
 * The dashboard gives the terminal away (curses' program mode saved, its
 * key reader stopped, no painting) and takes it back when the command ends,
 * all through the loop: polling goes on meanwhile.
 */
static void run_foreground(struct ui *ui, const char *const *argv, const char *what)
{
	struct app *a = (struct app *)ui; /* the ui is the app's first member */
	uv_stdio_container_t stdio[3];
	uv_process_options_t o;
	int rc;

	if (a->fg_running || job_busy(ui->job)) {
		ui_message(ui, true, "another change is still running");
		return;
	}
	memset(&o, 0, sizeof(o));
	for (int i = 0; i < 3; i++) {
		stdio[i].flags = UV_INHERIT_FD;
		stdio[i].data.fd = i;
	}
	o.file = argv[0];
	o.args = (char **)argv;
	o.stdio = stdio;
	o.stdio_count = 3;
	o.exit_cb = on_fg_exit;
	a->fg.data = a;
	strlcpy_(a->fg_what, what, sizeof(a->fg_what));
	def_prog_mode();
	endwin();
	uv_poll_stop(&a->input);
	if ((rc = uv_spawn(&a->loop, &a->fg, &o)) != 0) {
		uv_close((uv_handle_t *)&a->fg, NULL);
		reset_prog_mode();
		uv_poll_start(&a->input, UV_READABLE, on_input);
		ui_message(ui, true, "cannot start keaha edit: %s", uv_strerror(rc));
		return;
	}
	a->fg_running = true;
}

/* --- keys --- */

static void handle_key(struct app *a, int code, bool is_keycode)
{
	if (chrome_key(&a->ui, code, is_keycode) == UI_QUIT)
		quit(a);
	a->dirty = true;
}

static void on_input(uv_poll_t *h, int status, int events)
{
	struct app *a = h->data;
	wint_t ch;
	int rc, guard = 0;

	(void)status;
	(void)events;
	while (!a->quitting && guard++ < 256 && (rc = get_wch(&ch)) != ERR)
		handle_key(a, (int)ch, rc == KEY_CODE_YES);
}

static void on_winch(uv_signal_t *h, int signum)
{
	struct app *a = h->data;
	struct winsize ws;

	(void)signum;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0) {
		resize_term(ws.ws_row, ws.ws_col);
		a->ui.w = ws.ws_col;
		a->ui.h = ws.ws_row;
		draw_resize(a->ui.w, a->ui.h);
		clearok(curscr, TRUE);
	}
	a->dirty = true;
}

/* --- headless --- */

/* Takes the next key word ("j", "<Down>", "^R", ":servers\n" as ':' 's' ...). */
static bool next_key(const char **p, int *code, bool *is_keycode);

static void headless_finish(struct app *a)
{
	FILE *text, *attr;
	char path[600];

	paint(a);
	text = fopen(a->ui.o->dump, "w");
	snprintf(path, sizeof(path), "%s.attr", a->ui.o->dump);
	attr = fopen(path, "w");
	if (!text || !attr || !draw_dump(text, attr))
		a->exit_code = 1;
	if (text)
		fclose(text);
	if (attr)
		fclose(attr);
	quit(a);
}

static void on_headless(uv_timer_t *t)
{
	struct app *a = t->data;
	int code;
	bool is_keycode;

	/* Keys wait for the first round, and for a running change (the wizard's dry-run, its apply). */
	if (!a->started || job_busy(a->ui.job)) {
		uv_timer_start(t, on_headless, 50, 0);
		return;
	}
	if (a->keys_left && next_key(&a->keys_left, &code, &is_keycode)) {
		paint(a);
		handle_key(a, code, is_keycode);
		if (!a->quitting)
			uv_timer_start(t, on_headless, 10, 0);
		return;
	}
	headless_finish(a);
}

static bool next_key(const char **p, int *code, bool *is_keycode)
{
	static const struct { const char *name; int code; bool kc; } named[] = {
		{ "<Up>", KEY_UP, true }, { "<Down>", KEY_DOWN, true }, { "<PgUp>", KEY_PPAGE, true },
		{ "<PgDn>", KEY_NPAGE, true }, { "<Home>", KEY_HOME, true }, { "<End>", KEY_END, true },
		{ "<Enter>", '\n', false }, { "<Esc>", 27, false }, { "<Tab>", '\t', false },
		{ "<Space>", ' ', false }, { "<Backspace>", KEY_BACKSPACE, true }, { "<F1>", KEY_F(1), true },
		{ "<S-Tab>", KEY_BTAB, true }, { "<Left>", KEY_LEFT, true }, { "<Right>", KEY_RIGHT, true },
	};
	const char *s = *p;

	while (*s == ' ')
		s++;
	if (!*s)
		return false;
	*is_keycode = false;
	for (size_t i = 0; i < ARRAY_LEN(named); i++) {
		size_t n = strlen(named[i].name);
		if (!strncmp(s, named[i].name, n)) {
			*code = named[i].code;
			*is_keycode = named[i].kc;
			*p = s + n;
			return true;
		}
	}
	if (s[0] == '^' && s[1]) {
		*code = s[1] & 0x1f;
		*p = s + 2;
		return true;
	}
	*code = (unsigned char)s[0];
	*p = s + 1;
	return true;
}

/* --- setup --- */

static bool pick_theme(struct app *a, char *err, size_t errlen)
{
	const struct ui_opts *o = a->ui.o;
	const char *name = o->theme ? o->theme : a->ui.cfg->theme;
	const char *nc = getenv("NO_COLOR");
	bool mono = o->no_color || (nc && *nc) || !strcmp(name, "monochrome");

	if (a->screen && !o->headless && (!has_colors() || COLORS < 8))
		mono = true;
	if (!strcmp(name, "default") || mono) {
		theme_default(&a->ui.theme, mono);
		return true;
	}
	return chrome_load_theme(&a->ui, name, err, errlen);
}

static bool start_curses(struct app *a)
{
	const struct ui_opts *o = a->ui.o;

	if (o->headless) {
		a->null_out = fopen("/dev/null", "w");
		a->null_in = fopen("/dev/null", "r");
		a->screen = newterm("xterm-256color", a->null_out, a->null_in);
		if (!a->screen)
			return false;
		resize_term(o->height, o->width);
		a->ui.w = o->width;
		a->ui.h = o->height;
	} else {
		if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
			return false;
		a->screen = newterm(NULL, stdout, stdin);
		if (!a->screen)
			return false;
		a->ui.w = COLS;
		a->ui.h = LINES;
	}
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	if (has_colors()) {
		start_color();
		use_default_colors();
	}
	return true;
}

static void add_servers(struct app *a)
{
	const struct keaha_config *cfg = a->ui.cfg;

	model_reserve_servers(&a->model, cfg->nservers);
	for (int i = 0; i < cfg->nservers; i++) {
		int s = model_add_server(&a->model, cfg->servers[i].name, cfg->servers[i].url,
					 ORIGIN_CONFIG);
		a->model.servers[s].auto_name = cfg->servers[i].auto_name;
	}
	topology_load(&a->model, a->ui.o->state_dir, cfg);
}

static void start_handles(struct app *a)
{
	uv_loop_t *l = &a->loop;

	uv_prepare_init(l, &a->painter);
	uv_timer_init(l, &a->tick);
	uv_timer_init(l, &a->headless_timer);
	uv_signal_init(l, &a->sigint);
	uv_signal_init(l, &a->sigterm);
	a->painter.data = a->tick.data = a->headless_timer.data = a->sigint.data = a->sigterm.data = a;
	uv_prepare_start(&a->painter, on_prepare);
	uv_timer_start(&a->tick, on_tick, 1000, 1000);
	uv_signal_start(&a->sigint, on_signal, SIGINT);
	uv_signal_start(&a->sigterm, on_signal, SIGTERM);
	if (a->ui.o->headless) {
		a->keys_left = a->ui.o->keys;
		uv_timer_start(&a->headless_timer, on_headless,
			       (uint64_t)(a->ui.o->rounds * a->ui.cfg->poll_interval * 1000.0) + 50, 0);
		return;
	}
	uv_poll_init(l, &a->input, STDIN_FILENO);
	uv_signal_init(l, &a->winch);
	a->input.data = a->winch.data = a;
	uv_poll_start(&a->input, UV_READABLE, on_input);
	uv_signal_start(&a->winch, on_winch, SIGWINCH);
}

static void cleanup(struct app *a)
{
	while (a->ui.depth > 1) /* a dialog still open frees its state */
		ui_pop(&a->ui);
	if (a->screen) {
		endwin();
		delscreen(a->screen);
	}
	if (a->null_out)
		fclose(a->null_out);
	if (a->null_in)
		fclose(a->null_in);
	draw_free();
	events_free(&a->events);
	model_free(&a->model);
}

/* Replication runs `keaha sync` as a child: the same binary, configuration and servers. */
static void start_autorepl(struct app *a, const struct keaha_config *cfg, const struct ui_opts *o)
{
	struct autorepl_opts ro = { .enabled = cfg->replicate && !o->readonly,
				    .source_edits = cfg->replicate_source_edits,
				    .child = { .config_path = cfg->source[0] ? cfg->source : NULL,
					       .state_dir = o->state_dir },
				    .events = &a->events };
	int n = 0;

	a->urls = xcalloc((size_t)cfg->nservers + 1, sizeof(*a->urls));
	for (int i = 0; i < cfg->nservers; i++)
		if (cfg->servers[i].auto_name)
			a->urls[n++] = cfg->servers[i].url;
	ro.child.urls = a->urls;
	a->repl = autorepl_new(&a->loop, &ro);
}

int app_run(const struct keaha_config *cfg, const struct ui_opts *o)
{
	struct app *a = xcalloc(1, sizeof(*a));
	struct poller_opts po = { .interval = cfg->poll_interval, .timeout = cfg->request_timeout,
				  .stats_interval = POLLER_STATS_INTERVAL,
				  .heartbeat_interval = POLLER_HEARTBEAT_INTERVAL };
	char err[300] = "";
	int code;

	setlocale(LC_ALL, "");
	a->ui.o = o;
	a->ui.cfg = cfg;
	a->ui.model = &a->model;
	a->ui.events = &a->events;
	a->ui.utf8 = !o->ascii && !strcmp(nl_langinfo(CODESET), "UTF-8");
	model_init(&a->model);
	events_init(&a->events, 2000);
	if (o->events_file && !events_open_file(&a->events, o->events_file, err, sizeof(err))) {
		fprintf(stderr, "keaha: %s\n", err);
		cleanup(a);
		free(a);
		return 64;
	}
	if (!start_curses(a)) {
		fprintf(stderr, "keaha: the dashboard needs a terminal (try 'keaha status' or 'keaha watch')\n");
		cleanup(a);
		free(a);
		return 64;
	}
	the_app = a;
	util_set_fatal_hook(leave_curses);
	if (!pick_theme(a, err, sizeof(err))) {
		theme_default(&a->ui.theme, false);
		ui_message(&a->ui, true, "%s", err);
	}
	draw_init(a->ui.w, a->ui.h, &a->ui.theme, true, a->ui.utf8);
	add_servers(a);
	ui_push(&a->ui, &failover_view_ops, -1);
	uv_loop_init(&a->loop);
	a->ui.poller = poller_new(&a->loop, &a->model, cfg, &po);
	a->ui.job = job_new(&a->loop, on_job, a);
	if (!o->headless)
		a->ui.run_foreground = run_foreground;
	poller_on_update(a->ui.poller, on_update, a);
	start_autorepl(a, cfg, o);
	start_handles(a);
	a->dirty = true;
	poller_start(a->ui.poller);
	uv_run(&a->loop, UV_RUN_DEFAULT);
	poller_free(a->ui.poller);
	uv_run(&a->loop, UV_RUN_DEFAULT);
	uv_loop_close(&a->loop);
	code = a->exit_code;
	free(a->urls);
	cleanup(a);
	the_app = NULL;
	free(a);
	return code;
}
