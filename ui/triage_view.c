/*
 * Triage: only what is wrong, worst first (Service down, Unreachable,
 * Impaired), each with since-when, the reason and the next step, three
 * lines an entry: what an on-call admin reads first at 3 a.m.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "look.h"
#include "ui.h"
#include "util.h"

#define ENTRY_H 4

/* Relationship indexes that are not OK, worst first. */
static int problems(const struct ui *ui, int *out)
{
	struct view all = { .server = -1, .sort = 0 };
	int *rows = xmalloc((size_t)(ui->model->nrels + 1) * sizeof(int));
	int n = failover_rows(ui, &all, rows, ui->model->nrels), k = 0;

	for (int i = 0; i < n; i++)
		if (ui->model->rels[rows[i]].verdict.status != REL_OK)
			out[k++] = rows[i];
	free(rows);
	return k;
}

static int rows(const struct ui *ui, const struct view *v)
{
	int *idx = xmalloc((size_t)(ui->model->nrels + 1) * sizeof(int));
	int n = problems(ui, idx);

	(void)v;
	free(idx);
	return n;
}

const struct relationship *triage_selected(const struct ui *ui, const struct view *v)
{
	int *idx = xmalloc((size_t)(ui->model->nrels + 1) * sizeof(int));
	int n = problems(ui, idx);
	const struct relationship *r = v->sel >= 0 && v->sel < n ? &ui->model->rels[idx[v->sel]] : NULL;

	free(idx);
	return r;
}

static void draw_entry(const struct ui *ui, const struct relationship *r, int y, const struct rect *a,
		       bool selected)
{
	char since[32];
	enum theme_role role = look_status_role(r->verdict.status);

	util_format_age(ui->now - r->verdict_since, since, sizeof(since));
	draw_fill(y, a->x, 1, a->w, selected ? ROLE_SELECTED : ROLE_NORMAL);
	draw_textf(y, a->x, a->w, selected ? ROLE_SELECTED : role, true, "%s %-12s %s  (for %s)%s",
		   look_status_marker(r->verdict.status), rel_status_label(r->verdict.status), r->name,
		   since, r->verdict.split_brain ? "  SPLIT BRAIN" : "");
	draw_textf(y + 1, a->x + 4, a->w - 4, ROLE_NORMAL, true, "%s", r->verdict.reason);
	draw_textf(y + 2, a->x + 4, a->w - 4, ROLE_WARN, true, "next: %s",
		   r->verdict.next_step[0] ? r->verdict.next_step : "watch: Kea is recovering by itself");
	/* The action keaha can take for that step, one key away (not offered read-only). */
	if (r->verdict.next_action != HA_ACTION_NONE && !ui->o->readonly)
		draw_textf(y + 3, a->x + 4, a->w - 4, ROLE_KEY, true, "n: keaha ha %s%s%s", action_name(r->verdict.next_action),
			   r->verdict.next_action_peer[0] ? " --peer " : "", r->verdict.next_action_peer);
}

static void draw(const struct ui *ui, struct view *v)
{
	struct rect a = { ui->layout.list.y, 0, ui->layout.list.h + (ui->layout.place == PANE_BELOW ?
							   ui->layout.pane.h : 0), ui->w };
	int *idx = xmalloc((size_t)(ui->model->nrels + 1) * sizeof(int));
	int n = problems(ui, idx), per_page = a.h / ENTRY_H;

	ui_navigate(v, ACTION_NONE, n, per_page);
	if (n == 0)
		draw_text(a.y + 1, a.x + 2, a.w - 4, ROLE_OK, false,
			  ui->model->nrels ? "Nothing is wrong: every relationship is OK." :
			  "No relationship discovered yet.");
	for (int i = 0; i < per_page && v->top + i < n; i++)
		draw_entry(ui, &ui->model->rels[idx[v->top + i]], a.y + i * ENTRY_H, &a, v->top + i == v->sel);
	free(idx);
}

const struct view_ops triage_view_ops = {
	.name = "Triage: what is wrong, worst first",
	.draw = draw,
	.key = NULL,
	.rows = rows,
};
