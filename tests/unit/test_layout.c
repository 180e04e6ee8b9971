/*
 * Layout without a terminal: the rectangles layout_compute gives for the
 * sizes admins have (80x24, 120x40, 200x60), the boundaries where the pane
 * moves (100 columns, 20 body rows) and sizes too small to draw anything.
 * Rectangles are compared as layout_describe text, so a failure prints both
 * layouts whole. Every layout also tiles the screen: no cell in two
 * rectangles, none outside, none left over. Then layout_center and the
 * column widths of layout_columns (minimums, drop order, luxury columns,
 * hidden columns, caps, exact totals).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "layout.h"

/* ---- layout_compute --------------------------------------------------------- */

/* Every cell of the screen lies in exactly one rectangle (empty ones count for nothing). */
static void assert_tiles(const struct layout *l, int w, int h)
{
	const struct rect *r[] = { &l->title, &l->list, &l->pane, &l->status, &l->prompt };
	static const char *const names[] = { "title", "list", "pane", "status", "prompt" };
	int *count = calloc((size_t)(w * h), sizeof(int));

	assert_non_null(count);
	for (size_t i = 0; i < sizeof(r) / sizeof(r[0]); i++) {
		if (r[i]->w == 0 || r[i]->h == 0)
			continue;
		if (r[i]->x < 0 || r[i]->y < 0 || r[i]->x + r[i]->w > w || r[i]->y + r[i]->h > h) {
			free(count);
			fail_msg("%dx%d: %s %d,%d %dx%d leaves the screen", w, h, names[i], r[i]->y, r[i]->x,
				 r[i]->w, r[i]->h);
		}
		for (int y = r[i]->y; y < r[i]->y + r[i]->h; y++)
			for (int x = r[i]->x; x < r[i]->x + r[i]->w; x++)
				count[y * w + x]++;
	}
	for (int k = 0; k < w * h; k++) {
		if (count[k] != 1) {
			int c = count[k];
			free(count);
			fail_msg("%dx%d: cell %d,%d is in %d rectangles", w, h, k / w, k % w, c);
		}
	}
	free(count);
}

static void expect_layout(int w, int h, bool pane, const char *want)
{
	struct layout l;
	char got[512];

	layout_compute(w, h, pane, &l);
	layout_describe(&l, got, sizeof(got));
	if (strcmp(got, want) != 0)
		fail_msg("layout %dx%d%s:\n--- got\n%s--- want\n%s", w, h, pane ? "" : " (no pane)", got, want);
	if (!l.too_small)
		assert_tiles(&l, w, h);
}

static void test_80x24(void **state)
{
	(void)state;
	/* Under 100 columns the pane goes below: the list gets 2/5 of the 21 body rows. */
	expect_layout(80, 24, true,
		      "title 0,0 80x1\nlist 1,0 80x8\npane below 9,0 80x13\nstatus 22,0 80x1\n"
		      "prompt 23,0 80x1\n");
}

static void test_120x40(void **state)
{
	(void)state;
	expect_layout(120, 40, true,
		      "title 0,0 120x1\nlist 1,0 80x37\npane right 1,80 40x37\nstatus 38,0 120x1\n"
		      "prompt 39,0 120x1\n");
}

static void test_200x60(void **state)
{
	(void)state;
	/* The pane keeps its width; the list takes the rest. */
	expect_layout(200, 60, true,
		      "title 0,0 200x1\nlist 1,0 136x57\npane right 1,136 64x57\nstatus 58,0 200x1\n"
		      "prompt 59,0 200x1\n");
}

static void test_pane_boundary_100_columns(void **state)
{
	(void)state;
	expect_layout(100, 30, true,
		      "title 0,0 100x1\nlist 1,0 60x27\npane right 1,60 40x27\nstatus 28,0 100x1\n"
		      "prompt 29,0 100x1\n");
	expect_layout(99, 30, true,
		      "title 0,0 99x1\nlist 1,0 99x10\npane below 11,0 99x17\nstatus 28,0 99x1\n"
		      "prompt 29,0 99x1\n");
}

static void test_no_room_for_the_pane(void **state)
{
	(void)state;
	/* 12 body rows: not 20, so the pane opens full-screen on Enter instead. */
	expect_layout(60, 15, true,
		      "title 0,0 60x1\nlist 1,0 60x12\npane none 0,0 0x0\nstatus 13,0 60x1\n"
		      "prompt 14,0 60x1\n");
	/* 22 rows: 19 body rows, one short of a pane below. 23 rows: just enough. */
	expect_layout(80, 22, true,
		      "title 0,0 80x1\nlist 1,0 80x19\npane none 0,0 0x0\nstatus 20,0 80x1\n"
		      "prompt 21,0 80x1\n");
	expect_layout(80, 23, true,
		      "title 0,0 80x1\nlist 1,0 80x8\npane below 9,0 80x12\nstatus 21,0 80x1\n"
		      "prompt 22,0 80x1\n");
	/* The smallest screen that is drawn at all. */
	expect_layout(50, 12, true,
		      "title 0,0 50x1\nlist 1,0 50x9\npane none 0,0 0x0\nstatus 10,0 50x1\n"
		      "prompt 11,0 50x1\n");
}

static void test_pane_not_wanted(void **state)
{
	(void)state;
	expect_layout(120, 40, false,
		      "title 0,0 120x1\nlist 1,0 120x37\npane none 0,0 0x0\nstatus 38,0 120x1\n"
		      "prompt 39,0 120x1\n");
}

static void test_too_small(void **state)
{
	static const int sizes[][2] = { { 49, 24 }, { 80, 11 }, { 49, 11 }, { 0, 0 }, { 1, 1 }, { -5, 40 } };
	struct layout l;

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		expect_layout(sizes[i][0], sizes[i][1], true, "too small (need 50x12)");
		layout_compute(sizes[i][0], sizes[i][1], true, &l);
		assert_true(l.too_small);
		assert_int_equal(l.need_w, LAYOUT_MIN_W);
		assert_int_equal(l.need_h, LAYOUT_MIN_H);
		/* Nothing is laid out on a screen that is too small. */
		assert_int_equal(l.list.w + l.list.h + l.pane.w + l.title.w + l.status.w + l.prompt.w, 0);
	}
	layout_compute(50, 12, true, &l);
	assert_false(l.too_small);
}

/* Every size from the minimum to 220x70 tiles the screen; the pane follows the rules. */
static void test_every_size_tiles(void **state)
{
	struct layout l;

	(void)state;
	for (int w = LAYOUT_MIN_W; w <= 220; w += 3) {
		for (int h = LAYOUT_MIN_H; h <= 70; h++) {
			layout_compute(w, h, true, &l);
			assert_false(l.too_small);
			assert_tiles(&l, w, h);
			assert_int_equal(l.place, w >= LAYOUT_WIDE_W ? PANE_RIGHT : h - 3 >= 20 ? PANE_BELOW : PANE_NONE);
			/* 33% of the width, between LAYOUT_PANE_W and LAYOUT_PANE_MAX_W. */
			if (l.place == PANE_RIGHT)
				assert_int_equal(l.pane.w, w * 33 / 100 < LAYOUT_PANE_W ? LAYOUT_PANE_W :
						 w * 33 / 100 > LAYOUT_PANE_MAX_W ? LAYOUT_PANE_MAX_W : w * 33 / 100);
			if (l.place == PANE_BELOW)
				assert_true(l.list.h >= 6 && l.pane.h > l.list.h);
		}
	}
}

/* ---- layout_center ------------------------------------------------------------ */

static void expect_rect(struct rect got, int y, int x, int h, int w)
{
	if (got.y != y || got.x != x || got.h != h || got.w != w)
		fail_msg("rect %d,%d %dx%d, want %d,%d %dx%d", got.y, got.x, got.w, got.h, y, x, w, h);
}

static void test_center(void **state)
{
	struct rect screen = { 1, 0, 38, 120 };

	(void)state;
	expect_rect(layout_center(screen, 20, 78), 10, 21, 20, 78);
	/* Odd room: the extra row and column go below and right. */
	expect_rect(layout_center((struct rect){ 0, 0, 11, 81 }, 4, 78), 3, 1, 4, 78);
	/* Larger than the outer rectangle: clipped to it. */
	expect_rect(layout_center(screen, 50, 200), 1, 0, 38, 120);
	expect_rect(layout_center((struct rect){ 5, 7, 10, 20 }, 10, 20), 5, 7, 10, 20);
	/* Offsets of the outer rectangle are kept. */
	expect_rect(layout_center((struct rect){ 5, 7, 10, 20 }, 2, 4), 9, 15, 2, 4);
	expect_rect(layout_center(screen, 0, 0), 20, 60, 0, 0);
}

/* ---- layout_columns ----------------------------------------------------------- */

#define W(...) ((const int[]){ __VA_ARGS__ })

static int total_width(const int *w, int n)
{
	int sum = 0, shown = 0;

	for (int i = 0; i < n; i++)
		if (w[i] > 0)
			sum += w[i], shown++;
	return sum + (shown > 1 ? shown - 1 : 0);
}

static void expect_columns(const struct column_spec *c, int n, int width, const int *want)
{
	int got[16];
	char g[200] = "", e[200] = "";

	layout_columns(c, n, width, got);
	for (int i = 0; i < n; i++) {
		snprintf(g + strlen(g), sizeof(g) - strlen(g), " %d", got[i]);
		snprintf(e + strlen(e), sizeof(e) - strlen(e), " %d", want[i]);
	}
	if (strcmp(g, e) != 0)
		fail_msg("layout_columns at width %d:%s, want%s", width, g, e);
}

static void test_columns_minimum_and_share(void **state)
{
	static const struct column_spec c[] = { { 10, 0, 0 }, { 8, 12, 1 }, { 6, 6, 2 } };

	(void)state;
	/* Capped columns fill up to their max first, the flexible one takes the rest. */
	expect_columns(c, 3, 40, W(20, 12, 6));
	/* Exactly the minimums (10 + 8 + 6 and two spaces). */
	expect_columns(c, 3, 26, W(10, 8, 6));
	/* One short: the highest drop goes, the room left is shared again. */
	expect_columns(c, 3, 25, W(12, 12, 0));
	expect_columns(c, 3, 18, W(18, 0, 0));
	/* An essential column (drop 0) is never dropped, even when it cannot fit. */
	expect_columns(c, 3, 5, W(10, 0, 0));
}

static void test_columns_drop_order(void **state)
{
	static const struct column_spec c[] = { { 10, 0, 0 }, { 10, 0, 3 }, { 10, 0, 1 }, { 10, 0, 2 } };
	static const struct column_spec ties[] = { { 10, 0, 0 }, { 10, 0, 2 }, { 10, 0, 2 } };

	(void)state;
	expect_columns(c, 4, 43, W(10, 10, 10, 10));
	expect_columns(c, 4, 42, W(13, 0, 13, 14));  /* drop 3 first; the odd column goes to the last */
	expect_columns(c, 4, 31, W(15, 0, 15, 0));   /* then drop 2 */
	expect_columns(c, 4, 20, W(20, 0, 0, 0));    /* then drop 1 */
	/* Equal drops: the leftmost goes first. */
	expect_columns(ties, 3, 30, W(14, 0, 15));
}

static void test_columns_luxury(void **state)
{
	static const struct column_spec lux[] = { { 10, 20, 0 }, { 6, 8, LAYOUT_LUXURY } };
	static const struct column_spec plain[] = { { 10, 20, 0 }, { 6, 8, LAYOUT_LUXURY - 1 } };
	static const struct column_spec flex[] = { { 10, 0, 0 }, { 6, 8, LAYOUT_LUXURY } };
	static const struct column_spec two[] = { { 10, 30, 0 }, { 4, 4, LAYOUT_LUXURY },
						  { 4, 4, LAYOUT_LUXURY + 1 } };

	(void)state;
	/* 30 columns: the essential one would get 16 of its 20, so the luxury one gives way. */
	expect_columns(lux, 2, 30, W(20, 0));
	/* A column below LAYOUT_LUXURY stays and the essential one is cut short. */
	expect_columns(plain, 2, 30, W(16, 8));
	/* With room for both, the luxury column stays. */
	expect_columns(lux, 2, 40, W(20, 8));
	/* A flexible essential column is never "cut short": the luxury one stays. */
	expect_columns(flex, 2, 30, W(21, 8));
	/* Luxury columns go one by one, highest drop first, until the essential one is whole. */
	expect_columns(two, 3, 40, W(30, 4, 4));
	expect_columns(two, 3, 38, W(30, 4, 0));
	expect_columns(two, 3, 33, W(30, 0, 0));
}

static void test_columns_hidden_and_caps(void **state)
{
	static const struct column_spec hidden[] = { { 0, 0, 0 }, { 10, 0, 0 }, { 0, 5, 1 } };
	static const struct column_spec capped[] = { { 5, 8, 0 }, { 5, 8, 0 } };
	static const struct column_spec flex3[] = { { 5, 0, 0 }, { 5, 0, 0 }, { 5, 0, 0 } };

	(void)state;
	/* min 0 hides a column: no width, no space beside it. */
	expect_columns(hidden, 3, 30, W(0, 30, 0));
	/* Only capped columns: they stop at their max and the rest stays empty. */
	expect_columns(capped, 2, 40, W(8, 8));
	/* Flexible columns share evenly; the remainder goes to the last ones. */
	expect_columns(flex3, 3, 20, W(6, 6, 6));
	expect_columns(flex3, 3, 21, W(6, 6, 7));
}

/* With a flexible essential column, the widths and spaces always add up to the width. */
static void test_columns_exact_totals(void **state)
{
	static const struct column_spec c[] = {
		{ 16, 0, 0 }, { 12, 30, 3 }, { 12, 30, 4 }, { 12, 14, 6 }, { 7, 7, 5 }, { 15, 15, 0 },
		{ 0, 10, 2 }, { 6, 8, LAYOUT_LUXURY },
	};
	int got[8];

	(void)state;
	for (int width = 32; width <= 260; width++) {
		layout_columns(c, 8, width, got);
		if (total_width(got, 8) != width)
			fail_msg("width %d: columns take %d", width, total_width(got, 8));
		for (int i = 0; i < 8; i++) {
			if (got[i] && got[i] < c[i].min)
				fail_msg("width %d: column %d below its minimum", width, i);
			if (c[i].max && got[i] > c[i].max)
				fail_msg("width %d: column %d above its max", width, i);
		}
		assert_int_equal(got[6], 0); /* hidden */
		assert_true(got[0] >= 16 && got[5] == 15);
	}
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_80x24),
		cmocka_unit_test(test_120x40),
		cmocka_unit_test(test_200x60),
		cmocka_unit_test(test_pane_boundary_100_columns),
		cmocka_unit_test(test_no_room_for_the_pane),
		cmocka_unit_test(test_pane_not_wanted),
		cmocka_unit_test(test_too_small),
		cmocka_unit_test(test_every_size_tiles),
		cmocka_unit_test(test_center),
		cmocka_unit_test(test_columns_minimum_and_share),
		cmocka_unit_test(test_columns_drop_order),
		cmocka_unit_test(test_columns_luxury),
		cmocka_unit_test(test_columns_hidden_and_caps),
		cmocka_unit_test(test_columns_exact_totals),
	};

	return cmocka_run_group_tests_name("layout", tests, NULL, NULL);
}
