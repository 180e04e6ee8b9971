/*
 * Colour roles, as htop has them: drawing code names a role ("impaired",
 * "selected"), a theme maps roles to colours and attributes. Themes are
 * files (themes/NAME.theme: "role fg bg attr,attr" per line); the default
 * is compiled in; monochrome (NO_COLOR, --no-color, fewer than 8 colours)
 * keeps only attributes, so status stays readable from text and markers.
 */
#ifndef KEAHA_THEME_H
#define KEAHA_THEME_H

#include <stdbool.h>
#include <stddef.h>

/* role, default fg, default bg, default attributes, monochrome attributes */
#define THEME_ROLES(X) \
	X(NORMAL, "normal", "default", "default", "", "") \
	X(TITLE, "title", "black", "cyan", "bold", "reverse,bold") \
	X(HEADER, "header", "cyan", "default", "bold", "bold,underline") \
	X(SELECTED, "selected", "black", "white", "", "reverse") \
	X(DIM, "dim", "white", "default", "dim", "dim") \
	X(OK, "ok", "green", "default", "", "") \
	X(IMPAIRED, "impaired", "yellow", "default", "bold", "bold") \
	X(DOWN, "down", "red", "default", "bold", "bold,reverse") \
	X(UNREACHABLE, "unreachable", "magenta", "default", "bold", "bold,underline") \
	X(STALE, "stale", "black", "yellow", "", "reverse") \
	X(WARN, "warn", "yellow", "default", "", "bold") \
	X(LABEL, "label", "cyan", "default", "", "") \
	X(VALUE, "value", "default", "default", "bold", "bold") \
	X(KEY, "key", "cyan", "default", "bold", "bold") \
	X(BORDER, "border", "blue", "default", "", "") \
	X(STATUSBAR, "statusbar", "white", "blue", "", "reverse") \
	X(PROMPT, "prompt", "default", "default", "", "") \
	X(ERROR, "error", "white", "red", "bold", "reverse,bold")

enum theme_role {
#define X(e, name, fg, bg, attr, mono) ROLE_##e,
	THEME_ROLES(X)
#undef X
	ROLE_COUNT
};

struct theme_entry {
	short fg, bg;     /* curses colour numbers, -1 for the terminal's default */
	unsigned attrs;   /* THEME_A_* bits */
};

#define THEME_A_BOLD 1u
#define THEME_A_DIM 2u
#define THEME_A_REVERSE 4u
#define THEME_A_UNDERLINE 8u
#define THEME_A_ITALIC 16u

struct theme {
	char name[32];
	bool mono;
	struct theme_entry role[ROLE_COUNT];
};

const char *theme_role_name(enum theme_role r);
/* The compiled-in default theme, or its monochrome twin. */
void theme_default(struct theme *t, bool mono);
/* Applies "role fg bg attrs" lines on top of t; false with "file:line: why". */
bool theme_parse(struct theme *t, const char *text, const char *source, char *err, size_t errlen);
/* Loads NAME from dir (themes/NAME.theme); false with a message. */
bool theme_load(struct theme *t, const char *dir, const char *name, char *err, size_t errlen);

#endif
