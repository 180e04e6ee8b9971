/*
 * A change dialog: the flow the add wizard and the remove dialog share.
 * Setup (a form, checked as typed) -> Summary (the same keaha command run
 * with --dry-run as a job: its up-front checks and its diff, exactly what
 * the command line would do) -> Apply (the command with --yes as a job, its
 * progress as it comes) -> the outcome. Esc before applying closes the
 * dialog and nothing has been sent to any server; a running dry-run is
 * stopped. The owner (wizard.c, remove_dialog.c) gives the form, the rules
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
	/* The summary page's own fields before its buttons (remove: type the name), or NULL. */
	void (*summary_fields)(const struct ui *ui, struct change *c);
	/* Checks the summary's fields, as typed; false (with errors) blocks applying. */
	bool (*summary_ok)(const struct ui *ui, struct change *c);
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
};

/* The Summary's "type its name" field (id), and whether what is typed is name (else an error). */
void change_add_confirm(struct change *c, int id, const char *note);
bool change_confirmed(struct change *c, int id, const char *name);

/* Sets up the flow (the owner then adds the setup fields and calls change_setup_done). */
void change_init(struct change *c, const struct change_ops *ops);
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

#endif
