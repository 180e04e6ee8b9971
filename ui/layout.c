/*
 * Screen geometry. Top to bottom: a title line, the list (and the details
 * pane, beside it on wide terminals or under it on narrow ones), a status
 * bar and a prompt line. Below the minimum size nothing but a message fits.
 */
#include "layout.h"

#include <stdio.h>
#include <string.h>

static struct rect rect(int y, int x, int h, int w)
{
	struct rect r = { y, x, h > 0 ? h : 0, w > 0 ? w : 0 };

	return r;
}

void layout_compute(int w, int h, bool pane_wanted, struct layout *out)
{
	int body_y = 1, body_h = h - 3;

	memset(out, 0, sizeof(*out));
	out->need_w = LAYOUT_MIN_W;
	out->need_h = LAYOUT_MIN_H;
	if (w < LAYOUT_MIN_W || h < LAYOUT_MIN_H) {
		out->too_small = true;
		return;
	}
	out->title = rect(0, 0, 1, w);
	out->status = rect(h - 2, 0, 1, w);
	out->prompt = rect(h - 1, 0, 1, w);
	if (!pane_wanted) {
		out->place = PANE_NONE;
		out->list = rect(body_y, 0, body_h, w);
	} else if (w >= LAYOUT_WIDE_W) {
		/* The pane takes a third, within bounds: the list keeps the most. */
		int pane_w = w * 33 / 100;
		if (pane_w < LAYOUT_PANE_W)
			pane_w = LAYOUT_PANE_W;
		if (pane_w > LAYOUT_PANE_MAX_W)
			pane_w = LAYOUT_PANE_MAX_W;
		out->place = PANE_RIGHT;
		out->list = rect(body_y, 0, body_h, w - pane_w);
		out->pane = rect(body_y, w - pane_w, body_h, pane_w);
	} else if (body_h >= 20) {
		/* Under the list: the list keeps at least 6 rows, the pane the rest. */
		int list_h = body_h * 2 / 5 < 6 ? 6 : body_h * 2 / 5;
		out->place = PANE_BELOW;
		out->list = rect(body_y, 0, list_h, w);
		out->pane = rect(body_y + list_h, 0, body_h - list_h, w);
	} else {
		out->place = PANE_NONE;
		out->list = rect(body_y, 0, body_h, w);
	}
}

struct rect layout_center(struct rect outer, int h, int w)
{
	if (h > outer.h)
		h = outer.h;
	if (w > outer.w)
		w = outer.w;
	return rect(outer.y + (outer.h - h) / 2, outer.x + (outer.w - w) / 2, h, w);
}

void layout_describe(const struct layout *l, char *out, unsigned size)
{
	static const char *const places[] = { "right", "below", "none" };

	if (l->too_small) {
		snprintf(out, size, "too small (need %dx%d)", l->need_w, l->need_h);
		return;
	}
	snprintf(out, size,
		 "title %d,%d %dx%d\nlist %d,%d %dx%d\npane %s %d,%d %dx%d\nstatus %d,%d %dx%d\n"
		 "prompt %d,%d %dx%d\n",
		 l->title.y, l->title.x, l->title.w, l->title.h,
		 l->list.y, l->list.x, l->list.w, l->list.h,
		 places[l->place], l->pane.y, l->pane.x, l->pane.w, l->pane.h,
		 l->status.y, l->status.x, l->status.w, l->status.h,
		 l->prompt.y, l->prompt.x, l->prompt.w, l->prompt.h);
}

/*
 * The dialog keeps the dashboard's title row above it and the status bar
 * and prompt below (rows 1 to h-3), so the message line still shows.
 */
void layout_dialog(int w, int h, struct dialog_layout *out)
{
	struct rect outer = rect(1, 0, h - 3, w);
	struct rect b;
	int inner_x, inner_w;

	memset(out, 0, sizeof(*out));
	out->need_w = LAYOUT_DIALOG_MIN_W;
	out->need_h = LAYOUT_DIALOG_MIN_H;
	if (w < LAYOUT_DIALOG_MIN_W || h < LAYOUT_DIALOG_MIN_H) {
		out->too_small = true;
		return;
	}
	b = layout_center(outer, outer.h < LAYOUT_DIALOG_MAX_H ? outer.h : LAYOUT_DIALOG_MAX_H,
			  w - 2 < LAYOUT_DIALOG_MAX_W ? w - 2 : LAYOUT_DIALOG_MAX_W);
	out->box = b;
	out->title = rect(b.y, b.x, 1, b.w);
	inner_x = b.x + 2;
	inner_w = b.w - 4;
	if (b.w >= 84) {
		out->pages = rect(b.y + 2, b.x + 1, b.h - 4, LAYOUT_DIALOG_PAGES_W);
		inner_x = b.x + 1 + LAYOUT_DIALOG_PAGES_W + 2;
		inner_w = b.x + b.w - 2 - inner_x;
	}
	out->body = rect(b.y + 2, inner_x, b.h - 5, inner_w);
	out->footer = rect(b.y + b.h - 2, b.x + 2, 1, b.w - 4);
}

void layout_dialog_describe(const struct dialog_layout *d, char *out, unsigned size)
{
	if (d->too_small) {
		snprintf(out, size, "too small (need %dx%d)", d->need_w, d->need_h);
		return;
	}
	snprintf(out, size, "box %d,%d %dx%d\ntitle %d,%d %dx%d\npages %d,%d %dx%d\nbody %d,%d %dx%d\n"
		 "footer %d,%d %dx%d\n",
		 d->box.y, d->box.x, d->box.w, d->box.h, d->title.y, d->title.x, d->title.w, d->title.h,
		 d->pages.y, d->pages.x, d->pages.w, d->pages.h, d->body.y, d->body.x, d->body.w, d->body.h,
		 d->footer.y, d->footer.x, d->footer.w, d->footer.h);
}

static int used_width(const struct column_spec *cols, const int *out, int n)
{
	int sum = 0, shown = 0;

	for (int i = 0; i < n; i++) {
		if (out[i] > 0) {
			sum += out[i];
			shown++;
		}
	}
	(void)cols;
	return sum + (shown > 1 ? shown - 1 : 0);
}

/* The shown column that goes first, or -1. */
static int next_to_drop(const struct column_spec *cols, const int *out, int n)
{
	int best = -1;

	for (int i = 0; i < n; i++)
		if (out[i] > 0 && cols[i].drop > 0 && (best < 0 || cols[i].drop > cols[best].drop))
			best = i;
	return best;
}

static void distribute(const struct column_spec *cols, int n, int width, int *out);

/* An essential column cut short while a luxury one is shown: the luxury goes. */
static int luxury_to_drop(const struct column_spec *cols, const int *out, int n)
{
	bool short_essential = false;
	int best = -1;

	for (int i = 0; i < n; i++)
		if (out[i] > 0 && cols[i].drop == 0 && cols[i].max > 0 && out[i] < cols[i].max)
			short_essential = true;
	for (int i = 0; short_essential && i < n; i++)
		if (out[i] > 0 && cols[i].drop >= LAYOUT_LUXURY && (best < 0 || cols[i].drop > cols[best].drop))
			best = i;
	return best;
}

void layout_columns(const struct column_spec *cols, int n, int width, int *out)
{
	struct column_spec trimmed[32];
	int lux;

	distribute(cols, n, width, out);
	if (n > 32 || (lux = luxury_to_drop(cols, out, n)) < 0)
		return;
	memcpy(trimmed, cols, sizeof(*cols) * (size_t)n);
	while (lux >= 0) {
		trimmed[lux].min = 0;
		distribute(trimmed, n, width, out);
		lux = luxury_to_drop(trimmed, out, n);
	}
}

static void distribute(const struct column_spec *cols, int n, int width, int *out)
{
	int left, pass;

	for (int i = 0; i < n; i++)
		out[i] = cols[i].min > 0 ? cols[i].min : 0; /* min 0: hidden */
	while (used_width(cols, out, n) > width) {
		int d = next_to_drop(cols, out, n);
		if (d < 0)
			break;
		out[d] = 0;
	}
	left = width - used_width(cols, out, n);
	/* Two passes: capped columns up to their max, then the flexible ones share the rest. */
	for (pass = 0; pass < 2 && left > 0; pass++) {
		int takers = 0;
		for (int i = 0; i < n; i++)
			if (out[i] > 0 && (pass == 0 ? cols[i].max > 0 && out[i] < cols[i].max : cols[i].max == 0))
				takers++;
		for (int i = 0; i < n && takers > 0; i++) {
			int give;
			if (out[i] == 0 || (pass == 0 ? cols[i].max == 0 || out[i] >= cols[i].max : cols[i].max != 0))
				continue;
			give = left / takers--;
			if (pass == 0 && out[i] + give > cols[i].max)
				give = cols[i].max - out[i];
			out[i] += give;
			left -= give;
		}
	}
}
