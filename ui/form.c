/*
 * Forms. Fields are data (struct form_field); keys move the focus or change
 * the focused field and say what happened (htop's habit: the owner decides
 * what follows). Lines are computed first (form_layout, pure) and painted
 * second, so the tests read the geometry as text.
 */
#include "form.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "draw.h"
#include "util.h"

struct form_field *form_add(struct form *f, enum form_kind kind, int id, const char *label)
{
	struct form_field *x;

	if (f->n >= FORM_MAX_FIELDS)
		return NULL;
	x = &f->f[f->n++];
	memset(x, 0, sizeof(*x));
	x->kind = kind;
	x->id = id;
	x->label = label;
	x->choice = -1;
	return x;
}

struct form_field *form_field(struct form *f, int id)
{
	for (int i = 0; i < f->n; i++)
		if (f->f[i].id == id)
			return &f->f[i];
	return NULL;
}

const struct form_field *form_field_const(const struct form *f, int id)
{
	return form_field((struct form *)f, id);
}

const char *form_choice_text(const struct form_field *x)
{
	return x->choice >= 0 && x->choice < x->nchoices ? x->choices[x->choice] : "";
}

/* The section a field folds with: the nearest SECTION before it. */
static int section_of(const struct form *f, int i)
{
	for (int k = i - 1; k >= 0; k--)
		if (f->f[k].kind == FORM_SECTION)
			return k;
	return -1;
}

bool form_visible(const struct form *f, int i)
{
	int s;

	if (!f->f[i].in_section)
		return true;
	s = section_of(f, i);
	return s < 0 || f->f[s].on;
}

static bool focusable(const struct form *f, int i)
{
	const struct form_field *x = &f->f[i];

	return form_visible(f, i) && x->kind != FORM_STATIC && !(x->kind == FORM_BUTTON && x->disabled);
}

void form_focus_first(struct form *f, int i)
{
	for (; i < f->n; i++) {
		if (focusable(f, i)) {
			f->focus = i;
			return;
		}
	}
}

int form_first_error(struct form *f)
{
	for (int i = 0; i < f->n; i++) {
		if (!f->f[i].error[0] || f->f[i].kind == FORM_BUTTON)
			continue;
		if (!form_visible(f, i))
			f->f[section_of(f, i)].on = true;
		return i;
	}
	return -1;
}

/* Next (dir 1) or previous (-1) field that takes the focus, round the form. */
static bool move_focus(struct form *f, int dir)
{
	for (int k = 1; k <= f->n; k++) {
		int i = ((f->focus + dir * k) % f->n + f->n) % f->n;
		if (focusable(f, i)) {
			f->focus = i;
			return true;
		}
	}
	return false;
}

/* Appends one typed character (UTF-8) when it fits. */
static bool type_char(struct form_field *x, int code)
{
	char mb[MB_LEN_MAX];
	mbstate_t st;
	size_t k, len = strlen(x->text);

	memset(&st, 0, sizeof(st));
	k = wcrtomb(mb, (wchar_t)code, &st);
	if (k == (size_t)-1 || len + k + 1 > sizeof(x->text))
		return false;
	memcpy(x->text + len, mb, k);
	x->text[len + k] = '\0';
	return true;
}

/* Erases the last character (all bytes of a UTF-8 sequence). */
static bool erase_char(struct form_field *x)
{
	size_t len = strlen(x->text);

	if (!len)
		return false;
	while (len > 0 && ((unsigned char)x->text[len - 1] & 0xC0) == 0x80)
		len--;
	x->text[len > 0 ? len - 1 : 0] = '\0';
	return true;
}

static enum form_event change_choice(struct form *f, struct form_field *x, int dir)
{
	switch (x->kind) {
	case FORM_CHOICE:
		if (!x->nchoices)
			return FORM_MOVED;
		x->choice = x->choice < 0 ? (dir > 0 ? 0 : x->nchoices - 1) :
			    (x->choice + dir + x->nchoices) % x->nchoices;
		return FORM_CHANGED;
	case FORM_CHECK:
		x->on = !x->on;
		return FORM_CHANGED;
	case FORM_SECTION:
		x->on = dir > 0;
		return FORM_MOVED;
	case FORM_BUTTON:
		return move_focus(f, dir) ? FORM_MOVED : FORM_IGNORED;
	default:
		return FORM_IGNORED;
	}
}

enum form_event form_key(struct form *f, enum action a, int code, bool is_keycode)
{
	struct form_field *x = f->n ? &f->f[f->focus] : NULL;

	if (!x)
		return a == ACTION_CANCEL ? FORM_CANCEL : FORM_IGNORED;
	if (x->kind == FORM_TEXT && !is_keycode && code >= 32 && code != 127)
		return type_char(x, code) ? FORM_CHANGED : FORM_MOVED;
	switch (a) {
	case ACTION_FIELD_NEXT: return move_focus(f, 1) ? FORM_MOVED : FORM_IGNORED;
	case ACTION_FIELD_PREV: return move_focus(f, -1) ? FORM_MOVED : FORM_IGNORED;
	case ACTION_CHOICE_NEXT:
		/* Space on a section toggles it; Right unfolds. */
		if (x->kind == FORM_SECTION && code == ' ' && !is_keycode)
			return change_choice(f, x, x->on ? -1 : 1);
		return change_choice(f, x, 1);
	case ACTION_CHOICE_PREV: return change_choice(f, x, -1);
	case ACTION_SUBMIT:
		if (x->kind == FORM_SECTION)
			return change_choice(f, x, x->on ? -1 : 1);
		return FORM_PRESSED;
	case ACTION_CANCEL: return FORM_CANCEL;
	case ACTION_ERASE:
		return x->kind == FORM_TEXT && erase_char(x) ? FORM_CHANGED : FORM_MOVED;
	default:
		return FORM_IGNORED;
	}
}

/* ---- layout ---- */

/* The end of the longest prefix of s from pos, in whole characters, within width columns. */
static size_t fit_prefix(const char *s, size_t pos, size_t len, int width)
{
	char buf[512];
	size_t fit = pos;

	for (size_t k = pos + 1; k <= len && k - pos < sizeof(buf); k++) {
		if (k < len && ((unsigned char)s[k] & 0xC0) == 0x80)
			continue;
		memcpy(buf, s + pos, k - pos);
		buf[k - pos] = '\0';
		if (draw_width(buf) > width)
			break;
		fit = k;
	}
	return fit;
}

int form_wrap(const char *s, int width, int *starts, int max)
{
	size_t len = strlen(s), pos = 0;
	int n = 0;

	if (width < 8)
		width = 8;
	while (n < max) {
		size_t fit = fit_prefix(s, pos, len, width), end = fit;
		starts[n++] = (int)pos;
		if (fit >= len)
			break;
		for (size_t k = fit; k > pos; k--) {
			if (s[k] == ' ') {
				end = k;
				break;
			}
		}
		pos = end > pos ? end : pos + 1;
		while (pos < len && s[pos] == ' ')
			pos++;
		if (pos >= len)
			break;
	}
	return n;
}

/* Width of message lines: they are indented by two columns. */
static int msg_width(int width)
{
	return width - 4;
}

static int add_lines(struct form_line *out, int n, int max, int field, enum form_part part, int count)
{
	for (int k = 0; k < count && n < max; k++)
		out[n++] = (struct form_line){ field, part };
	return n;
}

int form_layout(const struct form *f, int width, struct form_line *out, int max)
{
	int n = 0, starts[16];
	bool stacked = width < FORM_INLINE_W;

	for (int i = 0; i < f->n && n < max; i++) {
		const struct form_field *x = &f->f[i];
		if (x->kind == FORM_BUTTON || !form_visible(f, i))
			continue;
		if (stacked && x->kind != FORM_SECTION && x->kind != FORM_CHECK && x->label)
			n = add_lines(out, n, max, i, FORM_PART_LABEL, 1);
		n = add_lines(out, n, max, i, FORM_PART_FIELD, 1);
		if (x->error[0])
			n = add_lines(out, n, max, i, FORM_PART_ERROR, form_wrap(x->error, msg_width(width), starts, 16));
		if (x->warning[0])
			n = add_lines(out, n, max, i, FORM_PART_WARNING,
				      form_wrap(x->warning, msg_width(width), starts, 16));
		if (x->note)
			n = add_lines(out, n, max, i, FORM_PART_NOTE, form_wrap(x->note, msg_width(width), starts, 16));
	}
	return n;
}

void form_scroll_to_focus(struct form *f, const struct form_line *lines, int n, int h)
{
	int first = -1, last = -1;

	for (int i = 0; i < n; i++) {
		if (lines[i].field != f->focus)
			continue;
		if (first < 0)
			first = i;
		last = i;
	}
	if (f->scroll > n - h)
		f->scroll = n - h;
	if (first >= 0 && last >= f->scroll + h)
		f->scroll = last - h + 1;
	if (first >= 0 && first < f->scroll)
		f->scroll = first;
	if (f->scroll < 0)
		f->scroll = 0;
}

void form_describe(const struct form_line *lines, int n, char *out, size_t size)
{
	static const char *const parts[] = { "field", "label", "error", "warning", "note" };
	size_t len = 0;

	out[0] = '\0';
	for (int i = 0; i < n && len < size; i++)
		len += (size_t)snprintf(out + len, size - len, "%d %s\n", lines[i].field, parts[lines[i].part]);
}

/* ---- drawing ---- */

static void draw_choice(const struct form_field *x, bool focused, int y, int vx, int vw, bool utf8)
{
	char buf[FORM_TEXT_LEN + 16];

	if (x->radio) {
		int cx = vx;
		for (int c = 0; c < x->nchoices && cx < vx + vw; c++) {
			snprintf(buf, sizeof(buf), "%s %s", c == x->choice ? (utf8 ? "(\u2022)" : "(*)") : "( )",
				 x->choices[c]);
			cx += draw_text(y, cx, vx + vw - cx, focused && (c == x->choice || (x->choice < 0 && c == 0)) ?
					ROLE_SELECTED : ROLE_VALUE, false, buf);
			cx += 3;
		}
		return;
	}
	if (!x->nchoices) {
		draw_text(y, vx, vw, ROLE_DIM, false, "(none)");
		return;
	}
	snprintf(buf, sizeof(buf), "< %s >", x->choice >= 0 ? x->choices[x->choice] : "choose");
	vx += draw_text(y, vx, vw, focused ? ROLE_SELECTED : ROLE_VALUE, false, buf);
	if (x->nchoices > 1 && x->choice >= 0)
		draw_textf(y, vx, vw - draw_width(buf), ROLE_DIM, false, "  %d of %d", x->choice + 1, x->nchoices);
}

static void draw_value(const struct form_field *x, bool focused, int y, int vx, int vw, bool utf8)
{
	char buf[FORM_TEXT_LEN + 8];

	switch (x->kind) {
	case FORM_TEXT:
		if (vw > 42) /* a name or a number: a wide box only looks empty */
			vw = 42;
		snprintf(buf, sizeof(buf), "%s%s", x->text, focused ? "_" : "");
		draw_text(y, vx, 1, ROLE_DIM, false, "[");
		draw_text(y, vx + 1, vw - 2, focused ? ROLE_SELECTED : ROLE_VALUE, true, buf);
		draw_text(y, vx + vw - 1, 1, ROLE_DIM, false, "]");
		break;
	case FORM_STATIC:
		draw_text(y, vx, vw, ROLE_DIM, false, x->text);
		break;
	case FORM_CHOICE:
		draw_choice(x, focused, y, vx, vw, utf8);
		break;
	case FORM_CHECK:
		draw_text(y, vx, vw, focused ? ROLE_SELECTED : ROLE_VALUE, false, x->on ? "[x] yes" : "[ ] no");
		break;
	default:
		break;
	}
}

static void draw_field_line(const struct form *f, int i, int y, const struct rect *r, bool utf8)
{
	const struct form_field *x = &f->f[i];
	bool focused = i == f->focus, stacked = r->w < FORM_INLINE_W;
	int lw = stacked ? 2 : FORM_LABEL_W;

	if (x->kind == FORM_SECTION) {
		draw_textf(y, r->x, r->w, focused ? ROLE_SELECTED : ROLE_HEADER, false, "%s %s",
			   x->on ? (utf8 ? "\u25be" : "-") : (utf8 ? "\u25b8" : "+"), x->label);
		return;
	}
	if (x->kind == FORM_CHECK && stacked) {
		draw_textf(y, r->x, r->w, focused ? ROLE_SELECTED : ROLE_VALUE, false, "%s %s",
			   x->on ? "[x]" : "[ ]", x->label);
		return;
	}
	if (!stacked)
		draw_text(y, r->x, lw - 1, focused ? ROLE_KEY : ROLE_LABEL, false, x->label);
	draw_value(x, focused, y, r->x + lw, r->w - lw, utf8);
}

/* Line k (of count) of a wrapped message. */
static void draw_message(const char *s, int k, int y, const struct rect *r, enum theme_role role,
			 const char *mark)
{
	int starts[16], n = form_wrap(s, msg_width(r->w), starts, 16);
	int end = k + 1 < n ? starts[k + 1] : (int)strlen(s);
	char buf[512];

	if (k >= n)
		return;
	while (end > starts[k] && s[end - 1] == ' ') /* the break's space is not part of the line */
		end--;
	snprintf(buf, sizeof(buf), "%.*s", end - starts[k], s + starts[k]);
	draw_text(y, r->x + 2, 2, role, false, k == 0 ? mark : "");
	draw_text(y, r->x + 4, r->w - 4, role, false, buf);
}

void form_draw(const struct form *f, const struct rect *r, bool utf8)
{
	struct form_line lines[FORM_MAX_FIELDS * 8];
	int n = form_layout(f, r->w, lines, (int)ARRAY_LEN(lines)), k = 0;

	for (int i = 0; i < n; i++) {
		const struct form_field *x = &f->f[lines[i].field];
		int y = r->y + i - f->scroll;
		k = i > 0 && lines[i - 1].field == lines[i].field && lines[i - 1].part == lines[i].part ? k + 1 : 0;
		if (y < r->y || y >= r->y + r->h)
			continue;
		switch (lines[i].part) {
		case FORM_PART_LABEL:
			draw_text(y, r->x, r->w, lines[i].field == f->focus ? ROLE_KEY : ROLE_LABEL, false, x->label);
			break;
		case FORM_PART_FIELD: draw_field_line(f, lines[i].field, y, r, utf8); break;
		case FORM_PART_ERROR: draw_message(x->error, k, y, r, ROLE_DOWN, utf8 ? "\u2717" : "x"); break;
		case FORM_PART_WARNING: draw_message(x->warning, k, y, r, ROLE_WARN, "!"); break;
		case FORM_PART_NOTE: draw_message(x->note, k, y, r, ROLE_DIM, ""); break;
		}
	}
}

void form_draw_buttons(const struct form *f, int y, int x, int w)
{
	char buf[FORM_MSG_LEN];
	int total = 0, cx;

	for (int i = 0; i < f->n; i++)
		if (f->f[i].kind == FORM_BUTTON)
			total += draw_width(f->f[i].label) + 4 + 2;
	cx = x + w - total;
	if (cx < x)
		cx = x;
	for (int i = 0; i < f->n; i++) {
		const struct form_field *b = &f->f[i];
		if (b->kind != FORM_BUTTON)
			continue;
		snprintf(buf, sizeof(buf), "[ %s ]", b->label);
		cx += draw_text(y, cx, x + w - cx, b->disabled ? ROLE_DIM : i == f->focus ? ROLE_SELECTED : ROLE_VALUE,
				false, buf);
		cx += 2;
	}
}
