/*
 * Failover Management: the relationships of one server, or all of them,
 * worst first, as the product's list (Relationship | Primary | Secondary |
 * Mode | Service type | State) plus a narrow note column (skew, faults) and
 * how long the status has held. Columns are a table; narrow terminals drop
 * them by priority instead of wrapping. The selected row's details are in
 * the pane (details_pane.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "details_pane.h"
#include "draw.h"
#include "look.h"
#include "ui.h"
#include "util.h"

struct column {
	const char *title;
	struct column_spec spec;
	/* The cell's text and role for a relationship. */
	void (*cell)(const struct ui *ui, const struct relationship *r, char *buf, size_t size,
		     enum theme_role *role);
};

static void cell_name(const struct ui *ui, const struct relationship *r, char *b, size_t n,
		      enum theme_role *role)
{
	(void)ui;
	(void)role;
	snprintf(b, n, "%s", r->name);
}

static void cell_peer(const struct ui *ui, const struct relationship *r, enum ha_role want,
		      char *b, size_t n, enum theme_role *role)
{
	for (int i = 0; i < r->npeers; i++) {
		struct peer_view v;
		enum ha_role got = r->peer[i].role;
		if (got != want && !(want == HA_ROLE_SECONDARY && got == HA_ROLE_STANDBY))
			continue;
		model_peer_view(ui->model, r, i, &v);
		/* The state only when it is not the normal one: problems stand out. */
		if (look_peer_role(r, &v) == ROLE_OK)
			snprintf(b, n, "%s", r->peer[i].name);
		else
			snprintf(b, n, "%s (%s)", r->peer[i].name, look_peer_state(&v));
		*role = look_peer_role(r, &v) == ROLE_OK ? ROLE_NORMAL : look_peer_role(r, &v);
		return;
	}
	snprintf(b, n, "-");
}

static void cell_primary(const struct ui *ui, const struct relationship *r, char *b, size_t n,
			 enum theme_role *role)
{
	cell_peer(ui, r, HA_ROLE_PRIMARY, b, n, role);
}

static void cell_secondary(const struct ui *ui, const struct relationship *r, char *b, size_t n,
			   enum theme_role *role)
{
	cell_peer(ui, r, HA_ROLE_SECONDARY, b, n, role);
}

/* Backups: their names, with the state when it is not the normal one. */
static void cell_backups(const struct ui *ui, const struct relationship *r, char *b, size_t n,
			 enum theme_role *role)
{
	size_t len = 0;

	b[0] = '\0';
	for (int i = 0; i < r->npeers && len + 1 < n; i++) {
		struct peer_view v;
		if (r->peer[i].role != HA_ROLE_BACKUP)
			continue;
		model_peer_view(ui->model, r, i, &v);
		if (look_peer_role(r, &v) != ROLE_OK)
			*role = look_peer_role(r, &v);
		len += (size_t)snprintf(b + len, n - len, "%s%s%s%s%s", len ? ", " : "", r->peer[i].name,
					look_peer_role(r, &v) == ROLE_OK ? "" : " (",
					look_peer_role(r, &v) == ROLE_OK ? "" : look_peer_state(&v),
					look_peer_role(r, &v) == ROLE_OK ? "" : ")");
	}
}

static void cell_mode(const struct ui *ui, const struct relationship *r, char *b, size_t n,
		      enum theme_role *role)
{
	(void)ui;
	(void)role;
	snprintf(b, n, "%s", ha_mode_label(r->conf.mode));
}

static void cell_service(const struct ui *ui, const struct relationship *r, char *b, size_t n,
			 enum theme_role *role)
{
	(void)ui;
	(void)role;
	snprintf(b, n, "%s", kea_service_label(r->service));
}

static void cell_state(const struct ui *ui, const struct relationship *r, char *b, size_t n,
		       enum theme_role *role)
{
	(void)ui;
	*role = look_status_role(r->verdict.status);
	snprintf(b, n, "%s %s", look_status_marker(r->verdict.status),
		 rel_status_label(r->verdict.status));
}

static void cell_note(const struct ui *ui, const struct relationship *r, char *b, size_t n,
		      enum theme_role *role)
{
	(void)ui;
	b[0] = '\0';
	if (r->verdict.split_brain) {
		snprintf(b, n, "SPLIT");
		*role = ROLE_DOWN;
	} else if (r->nfaults) {
		snprintf(b, n, "CONFIG");
		*role = ROLE_WARN;
	} else if (r->verdict.skew_level) {
		snprintf(b, n, "skew %.0fs", r->verdict.clock_skew);
		*role = ROLE_WARN;
	} else if (r->drift.ndrifted) {
		snprintf(b, n, "config drift");
		*role = ROLE_WARN;
	} else if (r->remembered) {
		snprintf(b, n, "remembered");
		*role = ROLE_DIM;
	}
}

static void cell_since(const struct ui *ui, const struct relationship *r, char *b, size_t n,
		       enum theme_role *role)
{
	*role = ROLE_DIM;
	if (r->verdict_since > 0)
		util_format_age(ui->now - r->verdict_since, b, n);
	else
		snprintf(b, n, "-");
}

static const struct column columns[] = {
	{ "RELATIONSHIP", { 14, 0, 0 }, cell_name },
	{ "PRIMARY", { 10, 0, 3 }, cell_primary },
	{ "SECONDARY", { 10, 0, 4 }, cell_secondary },
	{ "BACKUP", { 10, 0, 5 }, cell_backups },
	{ "MODE", { 12, 12, 6 }, cell_mode },
	{ "SERVICE", { 7, 7, 2 }, cell_service }, /* v4 and v6 rows must stay apart */
	{ "STATE", { 15, 15, 0 }, cell_state },
	{ "NOTE", { 10, 10, 1 }, cell_note },
	{ "SINCE", { 6, 8, 7 }, cell_since },
};
#define NCOLS ((int)ARRAY_LEN(columns))
#define NOTE_COL 7
#define BACKUP_COL 3
#define STATE_COL 6

/* The note column takes room only when some relationship has something to say. */
static bool any_note(const struct ui *ui)
{
	char buf[64];
	enum theme_role role;

	for (int i = 0; i < ui->model->nrels; i++) {
		cell_note(ui, &ui->model->rels[i], buf, sizeof(buf), &role);
		if (buf[0])
			return true;
	}
	return false;
}

static bool in_view(const struct ui *ui, const struct view *v, const struct relationship *r)
{
	bool mine = v->server < 0;

	for (int i = 0; !mine && i < r->npeers; i++)
		mine = r->peer[i].server == v->server;
	if (!mine)
		return false;
	if (!ui->filter[0] || strstr(r->name, ui->filter))
		return true;
	for (int i = 0; i < r->npeers; i++)
		if (strstr(r->peer[i].name, ui->filter))
			return true;
	return strstr(rel_status_label(r->verdict.status), ui->filter) != NULL;
}

static const struct model *sort_model;
static int sort_key;

/* Sorts: worst first (then name), by name, or by service then name. */
static int compare_rows(const void *a, const void *b)
{
	const struct relationship *ra = &sort_model->rels[*(const int *)a];
	const struct relationship *rb = &sort_model->rels[*(const int *)b];
	int d = 0;

	if (sort_key == 0)
		d = look_severity(rb) - look_severity(ra);
	else if (sort_key == 2)
		d = (int)ra->service - (int)rb->service;
	return d ? d : strcmp(ra->name, rb->name);
}

/* The relationships this view lists, in order; returns how many. */
int failover_rows(const struct ui *ui, const struct view *v, int *rows, int max)
{
	int n = 0;

	for (int i = 0; i < ui->model->nrels && n < max; i++)
		if (in_view(ui, v, &ui->model->rels[i]))
			rows[n++] = i;
	sort_model = ui->model;
	sort_key = v->sort;
	qsort(rows, (size_t)n, sizeof(*rows), compare_rows);
	return n;
}

static int count_rows(const struct ui *ui, const struct view *v)
{
	int *rows = xmalloc((size_t)(ui->model->nrels + 1) * sizeof(int));
	int n = failover_rows(ui, v, rows, ui->model->nrels);

	free(rows);
	return n;
}

/* The relationship under the cursor, or NULL. */
const struct relationship *failover_selected(const struct ui *ui, const struct view *v)
{
	int *rows = xmalloc((size_t)(ui->model->nrels + 1) * sizeof(int));
	int n = failover_rows(ui, v, rows, ui->model->nrels);
	const struct relationship *r = v->sel >= 0 && v->sel < n ? &ui->model->rels[rows[v->sel]] : NULL;

	free(rows);
	return r;
}

static void draw_header(const struct rect *r, const int *widths)
{
	int x = r->x;

	draw_fill(r->y, r->x, 1, r->w, ROLE_HEADER);
	for (int c = 0; c < NCOLS; c++) {
		if (!widths[c])
			continue;
		draw_text(r->y, x, widths[c], ROLE_HEADER, true, columns[c].title);
		x += widths[c] + 1;
	}
}

static void draw_row(const struct ui *ui, const struct relationship *rel, int y, const struct rect *r,
		     const int *widths, bool selected)
{
	int x = r->x;
	char buf[256];

	draw_fill(y, r->x, 1, r->w, selected ? ROLE_SELECTED : ROLE_NORMAL);
	for (int c = 0; c < NCOLS; c++) {
		enum theme_role role = ROLE_NORMAL;
		if (!widths[c])
			continue;
		columns[c].cell(ui, rel, buf, sizeof(buf), &role);
		/* The selected row keeps its status colour: the worst row is selected first. */
		draw_text(y, x, widths[c], selected && c != STATE_COL ? ROLE_SELECTED : role, true, buf);
		x += widths[c] + 1;
	}
}

/* Each column may grow to its widest cell (or title); the note column only shows when used. */
static void fit_specs(const struct ui *ui, struct column_spec *specs)
{
	char buf[256];

	for (int c = 0; c < NCOLS; c++) {
		int want = draw_width(columns[c].title);
		specs[c] = columns[c].spec;
		for (int i = 0; i < ui->model->nrels; i++) {
			enum theme_role role = ROLE_NORMAL;
			columns[c].cell(ui, &ui->model->rels[i], buf, sizeof(buf), &role);
			if (draw_width(buf) > want)
				want = draw_width(buf);
		}
		if ((c == NOTE_COL && !any_note(ui)) || (c == BACKUP_COL && want <= draw_width(columns[c].title)))
			specs[c].min = 0; /* nothing to show: no room taken */
		specs[c].max = want > specs[c].min ? want : specs[c].min;
	}
}

static void draw_list(const struct ui *ui, struct view *v, const struct rect *r)
{
	struct column_spec specs[NCOLS];
	int widths[NCOLS], *rows, n, visible = r->h - 1;

	fit_specs(ui, specs);
	layout_columns(specs, NCOLS, r->w, widths);
	draw_header(r, widths);
	rows = xmalloc((size_t)(ui->model->nrels + 1) * sizeof(int));
	n = failover_rows(ui, v, rows, ui->model->nrels);
	ui_navigate(v, ACTION_NONE, n, visible);
	if (n == 0)
		draw_text(r->y + 2, r->x + 2, r->w - 4, ROLE_DIM, false,
			  ui->filter[0] ? "No relationship matches the filter." :
			  "No failover relationship discovered (yet).");
	for (int i = 0; i < visible && v->top + i < n; i++)
		draw_row(ui, &ui->model->rels[rows[v->top + i]], r->y + 1 + i, r, widths,
			 v->top + i == v->sel && !ui->focus_pane);
	free(rows);
}

static void draw(const struct ui *ui, struct view *v)
{
	const struct layout *l = &ui->layout;
	const struct relationship *sel = failover_selected(ui, v);

	if (v->pane_full && sel) {
		struct rect full = { l->list.y, 0, l->list.h + l->pane.h, ui->w };
		details_pane_draw(ui, sel, &full, &v->pane_scroll);
		return;
	}
	draw_list(ui, v, &l->list);
	if (l->place != PANE_NONE) {
		if (l->place == PANE_RIGHT)
			draw_vline(l->pane.y, l->pane.x, l->pane.h, ROLE_BORDER);
		else
			draw_hline(l->pane.y, l->pane.x, l->pane.w, ROLE_BORDER);
		struct rect inner = l->place == PANE_RIGHT ?
			(struct rect){ l->pane.y, l->pane.x + 2, l->pane.h, l->pane.w - 2 } :
			(struct rect){ l->pane.y + 1, l->pane.x, l->pane.h - 1, l->pane.w };
		if (sel)
			details_pane_draw(ui, sel, &inner, &v->pane_scroll);
	}
}

static enum ui_result key(struct ui *ui, struct view *v, enum action a, int ch, bool is_keycode)
{
	(void)ch;
	(void)is_keycode;
	switch (a) {
	case ACTION_ENTER:
		if (ui->layout.place == PANE_NONE || v->pane_full) {
			v->pane_full = !v->pane_full;
			v->pane_scroll = 0;
			return UI_REDRAW;
		}
		return UI_NONE;
	case ACTION_BACK:
		if (v->pane_full) {
			v->pane_full = false;
			return UI_REDRAW;
		}
		return UI_NONE;
	case ACTION_SORT:
		v->sort = (v->sort + 1) % 3;
		ui_message(ui, false, "sorted by %s",
			   v->sort == 0 ? "status, worst first" : v->sort == 1 ? "name" : "service");
		return UI_REDRAW;
	default:
		return UI_NONE;
	}
}

const struct view_ops failover_view_ops = {
	.name = "Failover Management",
	.draw = draw,
	.key = key,
	.rows = count_rows,
};
