/*
 * The event timeline: every change keaha saw, newest first, "!" on changes
 * for the worse; '/' filters by relationship, server or words.
 */
#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "ui.h"

static bool matches(const struct ui *ui, const struct event *e)
{
	return !ui->filter[0] || strstr(e->text, ui->filter) || strstr(e->subject, ui->filter);
}

/* The i-th event (newest first) that passes the filter. */
static const struct event *nth(const struct ui *ui, int i)
{
	for (int k = 0, seen = 0; k < events_count(ui->events); k++) {
		const struct event *e = events_get(ui->events, k);
		if (matches(ui, e) && seen++ == i)
			return e;
	}
	return NULL;
}

static int rows(const struct ui *ui, const struct view *v)
{
	int n = 0;

	(void)v;
	for (int k = 0; k < events_count(ui->events); k++)
		n += matches(ui, events_get(ui->events, k));
	return n;
}

static void draw(const struct ui *ui, struct view *v)
{
	struct rect a = { ui->layout.list.y, 0, ui->layout.list.h + (ui->layout.place == PANE_BELOW ?
							   ui->layout.pane.h : 0), ui->w };
	int n = rows(ui, v);
	char line[512];

	ui_navigate(v, ACTION_NONE, n, a.h);
	if (n == 0)
		draw_text(a.y + 1, 2, a.w - 4, ROLE_DIM, false, "No events yet.");
	for (int i = 0; i < a.h && v->top + i < n; i++) {
		const struct event *e = nth(ui, v->top + i);
		bool sel = v->top + i == v->sel;
		events_format(e, line, sizeof(line));
		draw_text(a.y + i, 0, a.w, sel ? ROLE_SELECTED : e->bad ? ROLE_IMPAIRED : ROLE_NORMAL,
			  true, line);
	}
}

const struct view_ops events_view_ops = {
	.name = "Event timeline (newest first)",
	.draw = draw,
	.key = NULL,
	.rows = rows,
};
