/*
 * Painting. Strings are UTF-8 in the model; here they become wide
 * characters, clipped by display width (wcwidth), so names in any script
 * line up. In ASCII mode line drawing uses '-' and '|'.
 */
#include "draw.h"

#include <curses.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "util.h"

#define CONTINUATION ((wchar_t)-1)  /* right half of a wide character */

struct cell {
	wchar_t ch;
	unsigned char role;
};

static struct {
	int w, h;
	struct cell *grid;
	bool curses;
	bool utf8;
	const struct theme *theme;
} D;

static attr_t role_attr(enum theme_role r)
{
	unsigned a = D.theme ? D.theme->role[r].attrs : 0;
	attr_t out = 0;

	if (a & THEME_A_BOLD)
		out |= A_BOLD;
	if (a & THEME_A_DIM)
		out |= A_DIM;
	if (a & THEME_A_REVERSE)
		out |= A_REVERSE;
	if (a & THEME_A_UNDERLINE)
		out |= A_UNDERLINE;
	if (a & THEME_A_ITALIC)
		out |= A_ITALIC;
	return out;
}

/*
 * A colour the terminal lacks: a bright one (8-15) becomes its plain twin, any
 * other the terminal's default, so init_pair never fails and leaves a pair
 * black on black.
 */
static short usable_colour(short c)
{
	if (c < COLORS)
		return c;
	return c >= 8 && c < 16 ? (short)(c - 8) : -1;
}

/* One colour pair per role, pair number = role + 1. */
static void init_pairs(void)
{
	if (!D.curses || !D.theme || D.theme->mono || !has_colors())
		return;
	for (int r = 0; r < ROLE_COUNT; r++)
		init_pair((short)(r + 1), usable_colour(D.theme->role[r].fg),
			  usable_colour(D.theme->role[r].bg));
}

static void set_role(enum theme_role r)
{
	if (!D.curses)
		return;
	attrset(role_attr(r) | (D.theme && !D.theme->mono && has_colors() ? COLOR_PAIR(r + 1) : 0));
}

bool draw_init(int w, int h, const struct theme *t, bool use_curses, bool utf8)
{
	D.curses = use_curses;
	D.utf8 = utf8;
	D.theme = t;
	draw_resize(w, h);
	init_pairs();
	return true;
}

void draw_set_theme(const struct theme *t)
{
	D.theme = t;
	init_pairs();
}

void draw_resize(int w, int h)
{
	free(D.grid);
	D.w = w > 0 ? w : 1;
	D.h = h > 0 ? h : 1;
	D.grid = xcalloc((size_t)D.w * (size_t)D.h, sizeof(*D.grid));
	draw_clear();
}

void draw_free(void)
{
	free(D.grid);
	D.grid = NULL;
}

void draw_clear(void)
{
	for (int i = 0; i < D.w * D.h; i++)
		D.grid[i] = (struct cell){ L' ', ROLE_NORMAL };
	if (D.curses) {
		set_role(ROLE_NORMAL);
		erase();
	}
}

static void put_cell(int y, int x, wchar_t ch, enum theme_role role)
{
	if (y >= 0 && y < D.h && x >= 0 && x < D.w)
		D.grid[y * D.w + x] = (struct cell){ ch, (unsigned char)role };
}

static int char_width(wchar_t c)
{
	int cw = wcwidth(c);

	return cw < 0 ? 1 : cw;
}

/* Decodes UTF-8 into at most max wide characters; invalid bytes become '?'. */
static size_t to_wide(const char *s, wchar_t *out, size_t max)
{
	mbstate_t st;
	size_t n = 0;

	memset(&st, 0, sizeof(st));
	while (*s && n < max) {
		wchar_t c;
		size_t k = mbrtowc(&c, s, MB_CUR_MAX, &st);
		if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
			memset(&st, 0, sizeof(st));
			c = L'?';
			k = 1;
		}
		out[n++] = (c < 32 || c == 127) ? L'?' : c;
		s += k;
	}
	return n;
}

int draw_width(const char *s)
{
	wchar_t buf[512];
	size_t n = to_wide(s, buf, ARRAY_LEN(buf));
	int w = 0;

	for (size_t i = 0; i < n; i++)
		w += char_width(buf[i]);
	return w;
}

int draw_text(int y, int x, int width, enum theme_role role, bool pad, const char *s)
{
	wchar_t buf[512];
	size_t n = to_wide(s ? s : "", buf, ARRAY_LEN(buf));
	int used = 0;
	size_t k = 0;

	if (width <= 0 || y < 0 || y >= D.h)
		return 0;
	for (; k < n; k++) {
		int cw = char_width(buf[k]);
		if (used + cw > width)
			break;
		used += cw;
	}
	/* Cut text says so: the last column becomes an ellipsis ('~' in ASCII). */
	if (k < n && width >= 2) {
		while (k > 0 && used + 1 > width)
			used -= char_width(buf[--k]);
		buf[k++] = D.utf8 ? L'\u2026' : L'~';
		used += 1;
	}
	used = 0;
	for (size_t i = 0; i < k; i++) {
		int cw = char_width(buf[i]);
		put_cell(y, x + used, buf[i], role);
		if (cw == 2)
			put_cell(y, x + used + 1, CONTINUATION, role);
		used += cw;
	}
	if (D.curses) {
		set_role(role);
		mvaddnwstr(y, x, buf, (int)k);
	}
	if (pad && used < width) {
		for (int i = used; i < width; i++)
			put_cell(y, x + i, L' ', role);
		if (D.curses) {
			attroff(A_UNDERLINE); /* underline the words, not the padding */
			mvhline(y, x + used, ' ', width - used);
		}
		used = width;
	}
	return used;
}

int draw_textf(int y, int x, int width, enum theme_role role, bool pad, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return draw_text(y, x, width, role, pad, buf);
}

void draw_fill(int y, int x, int h, int w, enum theme_role role)
{
	for (int i = 0; i < h; i++)
		draw_text(y + i, x, w, role, true, "");
}

/*
 * Lines are plain characters, not the terminal's alternate character set:
 * Unicode box drawing in UTF-8, '-' and '|' otherwise. Copied text and
 * tmux captures then show what the screen shows.
 */
static void line_cell(int y, int x, wchar_t ch, enum theme_role role)
{
	wchar_t s[2] = { ch, L'\0' };

	put_cell(y, x, ch, role);
	if (D.curses && y >= 0 && y < D.h && x >= 0 && x < D.w)
		mvaddnwstr(y, x, s, 1);
}

void draw_hline(int y, int x, int w, enum theme_role role)
{
	set_role(role);
	for (int i = 0; i < w; i++)
		line_cell(y, x + i, D.utf8 ? L'\u2500' : L'-', role);
}

void draw_vline(int y, int x, int h, enum theme_role role)
{
	set_role(role);
	for (int i = 0; i < h; i++)
		line_cell(y + i, x, D.utf8 ? L'\u2502' : L'|', role);
}

void draw_flush(void)
{
	if (!D.curses)
		return;
	wnoutrefresh(stdscr);
	doupdate();
}

bool draw_dump(FILE *text, FILE *attr)
{
	for (int y = 0; y < D.h; y++) {
		int end = D.w;
		while (end > 0 && D.grid[y * D.w + end - 1].ch == L' ')
			end--;
		for (int x = 0; x < end; x++) {
			char mb[8];
			mbstate_t st;
			size_t k;
			if (D.grid[y * D.w + x].ch == CONTINUATION)
				continue;
			memset(&st, 0, sizeof(st));
			k = wcrtomb(mb, D.grid[y * D.w + x].ch, &st);
			fwrite(mb, 1, k == (size_t)-1 ? 0 : k, text);
		}
		fputc('\n', text);
		for (int x = 0; attr && x < D.w; x++)
			fputc('a' + D.grid[y * D.w + x].role, attr);
		if (attr)
			fputc('\n', attr);
	}
	return !ferror(text) && (!attr || !ferror(attr));
}
