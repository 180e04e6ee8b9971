/*
 * The dashboard's shared state and the view interface. Views are small
 * tables of operations on a stack (ncdu, tig): draw reads the model through
 * a const ui, key returns what must happen next (htop). Only ui/app.c owns
 * the loop, the poller and curses setup.
 */
#ifndef KEAHA_UI_H
#define KEAHA_UI_H

#include <stdbool.h>

#include "config.h"
#include "events.h"
#include "keys.h"
#include "layout.h"
#include "model.h"
#include "theme.h"

struct ui_opts {
	bool readonly;          /* hide every action that changes a server */
	/* For changes run as a child keaha (ui_child_argv): with state_dir below,
	 * what makes it see the same servers and state: -c FILE (NULL: none) and
	 * the URLs given on the command line (NULL-terminated). */
	const char *config_path;
	const char *const *urls;
	bool no_color;
	bool ascii;
	bool mouse;
	const char *theme;      /* NULL: the configuration's, else "default" */
	const char *themes_dir;
	const char *state_dir;
	const char *events_file;
	/* Headless: no terminal; run, feed keys, write the screen, exit. */
	bool headless;
	int width, height;
	int rounds;             /* poll intervals to wait after the first complete round */
	const char *keys;       /* e.g. "j j <Enter>" */
	const char *dump;       /* screen text to this file; attributes to FILE.attr */
};

enum ui_result {
	UI_NONE,
	UI_REDRAW,
	UI_QUIT,
};

struct ui;
struct view;
struct job;

struct view_ops {
	const char *name;
	/* Called once pushed (v->state may be set up) and before it goes. */
	void (*enter)(struct ui *ui, struct view *v);
	void (*leave)(struct ui *ui, struct view *v);
	void (*draw)(const struct ui *ui, struct view *v);
	/* a: the action bound to the key (form bindings first for a modal view). */
	enum ui_result (*key)(struct ui *ui, struct view *v, enum action a, int ch, bool is_keycode);
	/* Rows the list shows, for the generic up/down/page handling. */
	int (*rows)(const struct ui *ui, const struct view *v);
	/* Something other than a key happened for the view on top (its job wrote or ended). */
	void (*update)(struct ui *ui, struct view *v);
	/* A dialog: drawn over the view beneath; takes every key first, and the
	 * dashboard's own keys do nothing while it is open. */
	bool modal;
};

struct view {
	const struct view_ops *ops;
	int sel, top;
	int server;             /* failover view of one server, -1 for all */
	int sort;
	bool pane_full;         /* details opened full-screen (narrow terminals) */
	int pane_scroll;
	int rel;                /* a dialog's relationship (model index), -1 none */
	void *state;            /* a dialog's own state: made by enter, freed by leave */
};

#define UI_MAX_VIEWS 8

struct ui {
	const struct ui_opts *o;
	const struct keaha_config *cfg;
	struct model *model;
	struct events *events;
	struct poller *poller;
	struct theme theme;
	bool utf8;
	int w, h;
	struct layout layout;
	struct view stack[UI_MAX_VIEWS];
	int depth;
	char filter[64];
	bool filtering;
	char cmdline[128];
	bool in_command;
	char message[200];
	bool message_is_error;
	bool help;
	bool focus_pane;
	bool journal_pending;   /* a half-applied change waits in the state directory */
	double now;
	struct job *job;        /* the one child keaha that changes servers (ui/job.c) */
	/* Runs argv in the terminal itself (keaha edit and its editor), the dashboard suspended
	 * until it ends; set by app.c, NULL without a terminal. */
	void (*run_foreground)(struct ui *ui, const char *const *argv, const char *what);
};

struct view *ui_top(struct ui *ui);
const struct view *ui_top_const(const struct ui *ui);
void ui_push(struct ui *ui, const struct view_ops *ops, int server);
/* A dialog about one relationship (rel: model index, -1 none) over the view on top. */
void ui_push_dialog(struct ui *ui, const struct view_ops *ops, int server, int rel);
void ui_pop(struct ui *ui);
void ui_message(struct ui *ui, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Moves v->sel by an action over n rows, keeping it on screen (page = visible rows). */
bool ui_navigate(struct view *v, enum action a, int n, int page);
/* A child keaha's argv with the dashboard's servers and state, words its subcommand: free() it. */
char **ui_child_argv(const struct ui *ui, const char *const *words);

/* The views. */
extern const struct view_ops failover_view_ops;
extern const struct view_ops servers_view_ops;
extern const struct view_ops triage_view_ops;
extern const struct view_ops events_view_ops;
extern const struct view_ops wizard_ops;        /* add a relationship */
extern const struct view_ops remove_dialog_ops; /* remove one */
extern const struct view_ops ha_dialog_ops;     /* an on-call HA action */
/* The HA action dialog on relationship rel, the action and its peer chosen (NONE/NULL: none). */
void ha_dialog_open(struct ui *ui, int rel, enum ha_action a, const char *peer);


/* The failover view's rows (relationship indexes, in order) and its selection. */
int failover_rows(const struct ui *ui, const struct view *v, int *rows, int max);
const struct relationship *failover_selected(const struct ui *ui, const struct view *v);
/* The triage view's selected entry, NULL when nothing is wrong. */
const struct relationship *triage_selected(const struct ui *ui, const struct view *v);

#endif
