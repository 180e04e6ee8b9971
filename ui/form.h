/*
 * Forms: the fields of the wizard and of dialogs (text, choice, check box,
 * a foldable section such as "Advanced", read-only values, buttons), the
 * keys that move between and change them, and how they are laid out. The
 * layout is a pure function from a form and a width to a list of lines, so
 * it is tested as text without curses (as ui/layout.c). A form knows no
 * rules: its owner checks the values after every change and writes the
 * reason next to the field (field.error), which also blocks going on.
 */
#ifndef KEAHA_FORM_H
#define KEAHA_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "keys.h"
#include "layout.h"

#define FORM_MAX_FIELDS 24
#define FORM_MAX_CHOICES 32
#define FORM_TEXT_LEN 64
#define FORM_MSG_LEN 240
#define FORM_LABEL_W 22     /* the label column when labels sit beside values */
#define FORM_INLINE_W 56    /* narrower than this: labels above values */

enum form_kind {
	FORM_TEXT,      /* one line of text; the owner checks what it means */
	FORM_CHOICE,    /* one of several: Left/Right; radio buttons when few */
	FORM_CHECK,     /* on or off: Space */
	FORM_SECTION,   /* a heading folding the in_section fields after it */
	FORM_STATIC,    /* a read-only value, never focused */
	FORM_BUTTON,    /* a button: the footer row, not the scrolled lines */
};

struct form_field {
	enum form_kind kind;
	int id;                         /* the owner's tag */
	const char *label;
	const char *note;               /* an explanation, dim under the field */
	bool required;
	bool radio;                     /* a choice drawn as (•) a  ( ) b */
	bool in_section;                /* hidden while the section above is folded */
	bool disabled;                  /* a button that cannot be pressed now */
	char text[FORM_TEXT_LEN];       /* TEXT and STATIC */
	char choices[FORM_MAX_CHOICES][FORM_TEXT_LEN];
	int nchoices;
	int choice;                     /* -1: nothing chosen yet (no default) */
	bool on;                        /* CHECK; SECTION: unfolded */
	char error[FORM_MSG_LEN];       /* why the value cannot be taken */
	char warning[FORM_MSG_LEN];     /* what to know, not blocking */
};

struct form {
	struct form_field f[FORM_MAX_FIELDS];
	int n;
	int focus;                      /* field index */
	int scroll;                     /* first line shown */
};

/* What a key did to a form. */
enum form_event {
	FORM_IGNORED,   /* not a form key: the owner may use it */
	FORM_MOVED,     /* focus moved or the view scrolled */
	FORM_CHANGED,   /* a value changed: check the values again */
	FORM_PRESSED,   /* a button (or Enter on a field: the default) */
	FORM_CANCEL,    /* Esc */
};

/* Appends a field (kind, id, label) and returns it, or NULL when the form is full. */
struct form_field *form_add(struct form *f, enum form_kind kind, int id, const char *label);
struct form_field *form_field(struct form *f, int id);
const struct form_field *form_field_const(const struct form *f, int id);
/* Whether the field shows (not folded away). */
bool form_visible(const struct form *f, int i);
/* Focus on the first field that takes it, from index i on. */
void form_focus_first(struct form *f, int i);
/* The first visible field with an error, or -1; unfolds its section when hidden. */
int form_first_error(struct form *f);
/* The chosen text of a choice, "" when none. */
const char *form_choice_text(const struct form_field *x);

/* One key: a = keys_lookup_form(code, is_keycode); a text field takes printable characters first. */
enum form_event form_key(struct form *f, enum action a, int code, bool is_keycode);

/* ---- layout (pure) ---- */

enum form_part {
	FORM_PART_FIELD,    /* label and value on one line (or the value, when stacked) */
	FORM_PART_LABEL,    /* the label above its value (narrow) */
	FORM_PART_ERROR,
	FORM_PART_WARNING,
	FORM_PART_NOTE,
};

struct form_line {
	int field;
	enum form_part part;
};

/* The lines of the visible fields (buttons excluded) at a width; their count. */
int form_layout(const struct form *f, int width, struct form_line *out, int max);
/* Moves f->scroll so that the focused field's lines are all in h lines. */
void form_scroll_to_focus(struct form *f, const struct form_line *lines, int n, int h);
/* Byte offsets where the lines of s wrapped at width (at spaces) start; their count. */
int form_wrap(const char *s, int width, int *starts, int max);
/* "0 field\n0 error\n..." (field index and part), for tests. */
void form_describe(const struct form_line *lines, int n, char *out, size_t size);

/* ---- drawing ---- */

/* The fields into r (scrolled), and the buttons right-aligned on row by. */
void form_draw(const struct form *f, const struct rect *r, bool utf8);
void form_draw_buttons(const struct form *f, int y, int x, int w);

#endif
