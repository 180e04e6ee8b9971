/*
 * A change dialog: the flow the add wizard, the remove and the HA dialogs share.
 * Setup (a form, checked as typed) -> Summary (the same keaha command run
 * with --dry-run as a job: its up-front checks and its diff, exactly what
 * the command line would do) -> Apply (the command with --yes as a job, its
 * progress as it comes) -> the outcome. Esc before applying closes the
 * dialog and nothing has been sent to any server; a running dry-run is
 * stopped. The owner (wizard.c, remove_dialog.c, ha_dialog.c) gives the form, the rules
 * and the command's arguments through a table of operations.
 */
#ifndef KEAHA_DIALOG_H
#define KEAHA_DIALOG_H

#include <stdbool.h>

#include "form.h"
#include "ui.h"

enum change_phase {
	CHANGE_SETUP,
	CHANGE_CHECKING,   /* the dry-run runs */
	CHANGE_SUMMARY,    /* its outcome: the diff, or the refusal */
	CHANGE_APPLYING,
	CHANGE_DONE,
};

/* The buttons' ids (fields of the forms). */
enum {
	CHANGE_BTN_CANCEL = 1000,
	CHANGE_BTN_BACK,
	CHANGE_BTN_NEXT,
	CHANGE_BTN_APPLY,
	CHANGE_BTN_CLOSE,
	CHANGE_FIELD_CONFIRM,   /* the Summary's "type its name" (ops->confirm_note) */
};

#define CHANGE_MAX_ARGS 48

/* A child keaha's arguments, kept in one block. */
struct change_args {
	const char *argv[CHANGE_MAX_ARGS + 1];
	int n;
	char store[4096];
	size_t used;
};

void change_arg(struct change_args *a, const char *s);

struct change;

struct change_ops {
	const char *title;          /* "Add relationship" */
	const char *setup_page;     /* "Initial setup" */
	const char *apply_label;    /* "Add" */
	/* The headings: the dry-run's plan, and the outcomes (done, not done, refused by the dry-run). */
	const char *summary_text, *done_text, *failed_text, *refused_text;
	/* Checks the setup form's values; sets each field's error and warning. */
	void (*validate)(const struct ui *ui, struct change *c);
	/* The Summary asks for c->rel to be typed before applying, with this note; NULL: it does not. */
	const char *confirm_note;
	/* The command after keaha's global options, e.g. "relationship" "add" NAME ... */
	void (*command)(const struct ui *ui, const struct change *c, bool dry_run, struct change_args *a);
};

struct change {
	const struct change_ops *ops;
	enum change_phase phase;
	struct form setup, summary;
	char *text;                 /* the finished job's output */
	int status;                 /* its exit status */
	int text_scroll;
	bool quit_armed;            /* q pressed once while applying */
	char what[160];             /* one line about the change, for the title and messages */
	/* The relationship a change on one is about (ha, remove), "" for add: by name, since
	 * discovery may renumber relationships; also the name typed to confirm. */
	char rel[KEA_NAME_LEN * 2 + 8];
};

/* Sets up the flow (the owner then adds the setup fields and calls change_setup_done). */
void change_init(struct change *c, const struct change_ops *ops);
/* change_init for a change on relationship r, which the setup shows first, read-only, as field id. */
void change_init_rel(struct change *c, const struct change_ops *ops, const struct relationship *r, int id);
/* The model's index of c->rel, or -1 with the reason on field id (it may have gone since). */
int change_rel_index(const struct ui *ui, struct change *c, int id);
/* Adds Cancel / Next to the setup form and checks it once. */
void change_setup_done(const struct ui *ui, struct change *c);
void change_free(struct ui *ui, struct change *c);
/* The job of the phase ended (checking -> summary, applying -> done) with its status and output. */
void change_finish(struct ui *ui, struct change *c, int status, const char *text);

/* The view operations: v->state points at a struct change (first member of the owner's state). */
void change_draw(const struct ui *ui, struct view *v);
enum ui_result change_key(struct ui *ui, struct view *v, enum action a, int ch, bool is_keycode);
void change_update(struct ui *ui, struct view *v);
void change_leave(struct ui *ui, struct view *v);

/* A dialog's view operations: every change dialog is the same modal view but for its enter. */
#define CHANGE_VIEW_OPS(name_, enter_) { \
	.name = (name_), .enter = (enter_), .leave = change_leave, .draw = change_draw, \
	.key = change_key, .update = change_update, .modal = true, \
}

#endif
