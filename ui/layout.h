/*
 * Layout: which rectangle goes where for a terminal size. Pure arithmetic,
 * tested without a terminal (as neomutt separates geometry from painting).
 */
#ifndef KEAHA_LAYOUT_H
#define KEAHA_LAYOUT_H

#include <stdbool.h>

struct rect {
	int y, x, h, w;
};

enum pane_place {
	PANE_RIGHT,   /* wide terminals: the details pane beside the list */
	PANE_BELOW,   /* narrower: under the list */
	PANE_NONE,    /* too small for both: the pane opens full-screen on Enter */
};

struct layout {
	bool too_small;
	int need_w, need_h;    /* the minimum, for the message */
	struct rect title;     /* one line */
	struct rect list;
	struct rect pane;
	struct rect status;    /* status bar, one line */
	struct rect prompt;    /* command line / messages, one line */
	enum pane_place place;
};

#define LAYOUT_MIN_W 50
#define LAYOUT_MIN_H 12
#define LAYOUT_WIDE_W 100  /* below this the pane moves under the list */
#define LAYOUT_PANE_W 40   /* the right-hand pane's narrowest width when wide */
#define LAYOUT_PANE_MAX_W 64

void layout_compute(int w, int h, bool pane_wanted, struct layout *out);

/*
 * A dialog (the wizard): a box over the screen's body with a title row, a
 * column naming its pages (when wide enough), the body, and a footer row
 * for the buttons. Below its minimum it is too small, and says so.
 */
#define LAYOUT_DIALOG_MIN_W 60
#define LAYOUT_DIALOG_MIN_H 20
#define LAYOUT_DIALOG_MAX_W 110
#define LAYOUT_DIALOG_MAX_H 32
#define LAYOUT_DIALOG_PAGES_W 18   /* the page column, at widths from 84 */

struct dialog_layout {
	bool too_small;
	int need_w, need_h;
	struct rect box;      /* everything, border included */
	struct rect title;    /* one row */
	struct rect pages;    /* w 0 when narrow */
	struct rect body;
	struct rect footer;   /* one row: the buttons */
};

void layout_dialog(int w, int h, struct dialog_layout *out);
void layout_dialog_describe(const struct dialog_layout *d, char *out, unsigned size);
/* A rectangle centred in another, clipped to it. */
struct rect layout_center(struct rect outer, int h, int w);
/* Human-readable dump, for tests: "title 0,0 1x80\nlist ...". */
void layout_describe(const struct layout *l, char *out, unsigned size);


/*
 * Column widths for a table: every column starts at its minimum; columns are
 * dropped in their drop order (highest first, 0 never) until the rest fit
 * (with one space between columns); the room left goes to the flexible ones
 * (max 0) and then to those still under their max. Dropped columns get 0.
 * A luxury column (drop >= LAYOUT_LUXURY) also gives way when an essential
 * column (drop 0) would otherwise be cut short. min 0 hides a column.
 */
#define LAYOUT_LUXURY 6
struct column_spec {
	int min, max, drop;
};
void layout_columns(const struct column_spec *cols, int n, int width, int *out);

#endif
