/*
 * Servers (the product's Service Management list): every Kea server known or
 * discovered, in configuration order, with reachability, version, transport
 * and its DHCPv4/DHCPv6 HA state; the pane shows the selected server's
 * failover information, one block per service (as the product's pane).
 * Enter or 'f' opens Failover Management for that server.
 */
#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "look.h"
#include "ui.h"
#include "util.h"

static int rows(const struct ui *ui, const struct view *v)
{
	(void)v;
	return ui->model->nservers;
}

static void svc_state(const struct server *sv, enum kea_service s, char *b, size_t n,
		      enum theme_role *role)
{
	const struct daemon *d = &sv->d[s];

	*role = ROLE_NORMAL;
	if (!d->present) {
		snprintf(b, n, "-");
		*role = ROLE_DIM;
	} else if (d->reach != REACH_OK) {
		snprintf(b, n, "%s", d->reach == REACH_DOWN ? "down" : d->reach == REACH_PENDING ? "..." : "unknown");
		*role = look_reach_role(d->reach);
	} else if (!d->has_status || !d->status.has_ha) {
		snprintf(b, n, "no HA");
	} else {
		snprintf(b, n, "%s%s", ha_state_name(d->status.rel[0].local.state),
			 d->status.nrels > 1 ? " +" : "");
	}
}

static const char *origin_word(enum server_origin o)
{
	return o == ORIGIN_CONFIG ? "" : o == ORIGIN_DISCOVERED ? " (discovered)" : " (remembered)";
}

static void draw_row(const struct server *sv, int y, const struct rect *r, bool sel)
{
	static const struct column_spec specs[] = {
		{ 14, 0, 0 }, { 22, 32, 3 }, { 9, 9, 0 }, { 7, 8, 4 }, { 7, 7, 5 }, { 14, 18, 1 }, { 14, 18, 2 },
	};
	int w[7], x = r->x;
	char b[6][160];
	enum theme_role roles[7] = { ROLE_NORMAL, ROLE_DIM, ROLE_NORMAL, ROLE_NORMAL, ROLE_NORMAL,
				     ROLE_NORMAL, ROLE_NORMAL };

	layout_columns(specs, 7, r->w, w);
	snprintf(b[0], sizeof(b[0]), "%s%s", sv->name, origin_word(sv->origin));
	snprintf(b[1], sizeof(b[1]), "%s", sv->url);
	snprintf(b[2], sizeof(b[2]), "%s", sv->reach == REACH_OK ? "ok" : sv->reach == REACH_PENDING ? "..." :
		 sv->reach == REACH_DOWN ? "down" : "no");
	roles[2] = look_reach_role(sv->reach);
	snprintf(b[3], sizeof(b[3]), "%s", sv->version[0] ? sv->version : "-");
	snprintf(b[4], sizeof(b[4]), "%s", sv->probed ? transport_kind_name(sv->transport) : "-");
	svc_state(sv, KEA_DHCP4, b[5], sizeof(b[5]), &roles[5]);
	draw_fill(y, r->x, 1, r->w, sel ? ROLE_SELECTED : ROLE_NORMAL);
	for (int c = 0; c < 7; c++) {
		char extra[160];
		const char *text = c < 6 ? b[c] : extra;
		if (c == 6)
			svc_state(sv, KEA_DHCP6, extra, sizeof(extra), &roles[6]);
		if (!w[c])
			continue;
		draw_text(y, x, w[c], sel ? ROLE_SELECTED : roles[c], true, text);
		x += w[c] + 1;
	}
}

static void draw_header(const struct rect *r)
{
	static const struct column_spec specs[] = {
		{ 14, 0, 0 }, { 22, 32, 3 }, { 9, 9, 0 }, { 7, 8, 4 }, { 7, 7, 5 }, { 14, 18, 1 }, { 14, 18, 2 },
	};
	static const char *const titles[] = { "SERVER", "URL", "REACH", "VERSION", "VIA", "DHCPv4 HA", "DHCPv6 HA" };
	int w[7], x = r->x;

	layout_columns(specs, 7, r->w, w);
	draw_fill(r->y, r->x, 1, r->w, ROLE_HEADER);
	for (int c = 0; c < 7; c++) {
		if (!w[c])
			continue;
		draw_text(r->y, x, w[c], ROLE_HEADER, true, titles[c]);
		x += w[c] + 1;
	}
}

/* The product's pane: per service, mode, primary, secondary and state. */
static void draw_pane(const struct ui *ui, int s, const struct rect *a)
{
	const struct server *sv = &ui->model->servers[s];
	int y = a->y;

	draw_text(y++, a->x, a->w, ROLE_HEADER, true, sv->name);
	if (sv->error[0] && sv->reach != REACH_OK)
		draw_textf(y++, a->x, a->w, ROLE_UNREACHABLE, true, "%s", sv->error);
	if (sv->note[0])
		draw_textf(y++, a->x, a->w, ROLE_WARN, true, "%s", sv->note);
	for (int k = 0; k < KEA_SERVICE_COUNT && y < a->y + a->h; k++) {
		y++;
		draw_text(y++, a->x, a->w, ROLE_LABEL, true, kea_service_label((enum kea_service)k));
		for (int i = 0; i < ui->model->nrels && y < a->y + a->h - 3; i++) {
			const struct relationship *r = &ui->model->rels[i];
			bool mine = false;
			for (int p = 0; p < r->npeers; p++)
				mine |= r->peer[p].server == s;
			if (!mine || r->service != (enum kea_service)k)
				continue;
			draw_textf(y++, a->x + 2, a->w - 2, ROLE_NORMAL, true, "Mode       %s",
				   ha_mode_label(r->conf.mode));
			for (int p = 0; p < r->npeers; p++)
				draw_textf(y++, a->x + 2, a->w - 2, ROLE_NORMAL, true, "%-10s %s",
					   ha_role_name(r->peer[p].role), r->peer[p].name);
			draw_textf(y++, a->x + 2, a->w - 2, look_status_role(r->verdict.status), true,
				   "State      %s %s", look_status_marker(r->verdict.status),
				   rel_status_label(r->verdict.status));
		}
	}
}

static void draw(const struct ui *ui, struct view *v)
{
	const struct layout *l = &ui->layout;
	int visible = l->list.h - 1;

	draw_header(&l->list);
	ui_navigate(v, ACTION_NONE, ui->model->nservers, visible);
	for (int i = 0; i < visible && v->top + i < ui->model->nservers; i++)
		draw_row(&ui->model->servers[v->top + i], l->list.y + 1 + i, &l->list, v->top + i == v->sel);
	if (l->place != PANE_NONE && v->sel < ui->model->nservers) {
		struct rect inner = l->place == PANE_RIGHT ?
			(struct rect){ l->pane.y, l->pane.x + 2, l->pane.h, l->pane.w - 2 } :
			(struct rect){ l->pane.y + 1, l->pane.x, l->pane.h - 1, l->pane.w };
		if (l->place == PANE_RIGHT)
			draw_vline(l->pane.y, l->pane.x, l->pane.h, ROLE_BORDER);
		else
			draw_hline(l->pane.y, l->pane.x, l->pane.w, ROLE_BORDER);
		draw_pane(ui, v->sel, &inner);
	}
}

static enum ui_result key(struct ui *ui, struct view *v, enum action a, int ch, bool is_keycode)
{
	(void)ch;
	(void)is_keycode;
	if ((a == ACTION_ENTER || a == ACTION_FAILOVER) && v->sel < ui->model->nservers) {
		ui_push(ui, &failover_view_ops, v->sel);
		return UI_REDRAW;
	}
	return UI_NONE;
}

const struct view_ops servers_view_ops = {
	.name = "Servers",
	.draw = draw,
	.key = key,
	.rows = rows,
};
