/*
 * The change dialog's flow and frame. What is shown on the Summary and
 * while applying is the child keaha's own output, unchanged: the dialog
 * never describes a change in words of its own, so it cannot drift from
 * what is done. Only the last phase (applying) cannot be left with Esc:
 * the transaction runs to its end (applied, or both servers put back).
 */
#include "dialog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chrome.h"
#include "draw.h"
#include "job.h"
#include "poller.h"
#include "util.h"

void change_arg(struct change_args *a, const char *s)
{
	size_t len = strlen(s) + 1;

	if (a->n >= CHANGE_MAX_ARGS || a->used + len > sizeof(a->store))
		return;
	memcpy(a->store + a->used, s, len);
	a->argv[a->n++] = a->store + a->used;
	a->argv[a->n] = NULL;
	a->used += len;
}

/* The Summary's "type its name" field, for changes that ask for it (ops->confirm_note). */
static void add_confirm(struct change *c)
{
	struct form_field *x = form_add(&c->summary, FORM_TEXT, CHANGE_FIELD_CONFIRM, "Type its name");

	if (x)
		x->note = c->ops->confirm_note;
}

/* Whether the Summary's fields let the change go ahead: c->rel typed when asked (else an error). */
static bool confirmed(struct change *c)
{
	struct form_field *x;

	if (!c->ops->confirm_note)
		return true;
	x = form_field(&c->summary, CHANGE_FIELD_CONFIRM);
	x->error[0] = '\0';
	if (util_streq(x->text, c->rel))
		return true;
	if (x->text[0])
		snprintf(x->error, sizeof(x->error), "not the name: type %s", c->rel);
	else
		snprintf(x->error, sizeof(x->error), "type %s to go ahead", c->rel);
	return false;
}

void change_init(struct change *c, const struct change_ops *ops)
{
	memset(c, 0, sizeof(*c));
	c->ops = ops;
	c->phase = CHANGE_SETUP;
}

void change_init_rel(struct change *c, const struct change_ops *ops, const struct relationship *r, int id)
{
	struct form_field *x;

	change_init(c, ops);
	strlcpy_(c->rel, r->name, sizeof(c->rel));
	if ((x = form_add(&c->setup, FORM_STATIC, id, "Relationship")))
		strlcpy_(x->text, c->rel, sizeof(x->text));
}

int change_rel_index(const struct ui *ui, struct change *c, int id)
{
	struct form_field *x = form_field(&c->setup, id);
	int ri = model_find_rel(ui->model, c->rel);

	x->error[0] = '\0';
	if (ri < 0)
		snprintf(x->error, sizeof(x->error), "keaha no longer sees this relationship");
	return ri;
}

static void add_button(struct form *f, int id, const char *label, bool disabled)
{
	struct form_field *b = form_add(f, FORM_BUTTON, id, label);

	if (b)
		b->disabled = disabled;
}

void change_setup_done(const struct ui *ui, struct change *c)
{
	add_button(&c->setup, CHANGE_BTN_CANCEL, "Cancel", false);
	add_button(&c->setup, CHANGE_BTN_NEXT, "Next >", false);
	c->ops->validate(ui, c);
	form_focus_first(&c->setup, 0);
}

/* The buttons (and the confirm field, when asked for) of the pages after the setup. */
static void phase_form(struct change *c)
{
	struct form *f = &c->summary;

	memset(f, 0, sizeof(*f));
	switch (c->phase) {
	case CHANGE_CHECKING:
		add_button(f, CHANGE_BTN_BACK, "< Back", false);
		add_button(f, CHANGE_BTN_CANCEL, "Cancel", false);
		break;
	case CHANGE_SUMMARY:
		if (c->status == 0 && c->ops->confirm_note)
			add_confirm(c);
		add_button(f, CHANGE_BTN_BACK, "< Back", false);
		add_button(f, CHANGE_BTN_CANCEL, "Cancel", false);
		add_button(f, CHANGE_BTN_APPLY, c->ops->apply_label, c->status != 0);
		if (c->status == 0)
			form_field(f, CHANGE_BTN_APPLY)->disabled = !confirmed(c);
		break;
	case CHANGE_DONE:
		add_button(f, CHANGE_BTN_CLOSE, "Close", false);
		break;
	default:
		break;
	}
	form_focus_first(f, 0);
	/* Refused: Back, the way to fix it; else the owner's field (remove: type the name), else Add. */
	if (c->phase == CHANGE_SUMMARY && c->status == 0 && f->f[f->focus].kind == FORM_BUTTON)
		f->focus = f->n - 1;
}

static void set_phase(struct change *c, enum change_phase p)
{
	c->phase = p;
	c->text_scroll = 0;
	c->quit_armed = false;
	phase_form(c);
}

/* The child: keaha with the dashboard's own servers and state (ui_child_argv), the command. */
static bool start_job(struct ui *ui, struct change *c, bool dry_run)
{
	struct change_args a = { .n = 0 };
	char err[300], **argv;
	bool ok;

	c->ops->command(ui, c, dry_run, &a);
	change_arg(&a, dry_run ? "--dry-run" : "--yes");
	if (!ui->job) {
		ui_message(ui, true, "changes need the dashboard's loop (not available here)");
		return false;
	}
	argv = ui_child_argv(ui, a.argv);
	ok = job_start(ui->job, (const char *const *)argv, c, err, sizeof(err));
	free(argv);
	if (!ok)
		ui_message(ui, true, "%s", err);
	return ok;
}

static void try_next(struct ui *ui, struct change *c)
{
	int bad;

	c->ops->validate(ui, c);
	if ((bad = form_first_error(&c->setup)) >= 0) {
		c->setup.focus = bad;
		ui_message(ui, true, "%s: %s", c->setup.f[bad].label, c->setup.f[bad].error);
		return;
	}
	if (start_job(ui, c, true))
		set_phase(c, CHANGE_CHECKING);
}

static void try_apply(struct ui *ui, struct change *c)
{
	if (!confirmed(c)) {
		int bad = form_first_error(&c->summary);
		if (bad >= 0) {
			c->summary.focus = bad;
			ui_message(ui, true, "%s", c->summary.f[bad].error);
		}
		return;
	}
	if (start_job(ui, c, false))
		set_phase(c, CHANGE_APPLYING);
}

void change_finish(struct ui *ui, struct change *c, int status, const char *text)
{
	free(c->text);
	c->text = xstrdup(text);
	c->status = status;
	if (c->phase == CHANGE_APPLYING) {
		set_phase(c, CHANGE_DONE);
		c->text_scroll = 1 << 20; /* the outcome is the last line */
		ui_message(ui, c->status != 0, "%s: %s", c->what, c->status == 0 ? "done" : "NOT applied");
		if (ui->poller) /* see the servers' new configurations at once */
			poller_rediscover(ui->poller);
	} else {
		set_phase(c, CHANGE_SUMMARY);
	}
}

void change_update(struct ui *ui, struct view *v)
{
	struct change *c = v->state;

	if ((c->phase != CHANGE_CHECKING && c->phase != CHANGE_APPLYING) || job_owner(ui->job) != c ||
	    job_busy(ui->job))
		return;
	change_finish(ui, c, job_status(ui->job), job_output(ui->job));
	job_clear(ui->job);
}

void change_free(struct ui *ui, struct change *c)
{
	if (job_owner(ui->job) == c) {
		job_stop(ui->job); /* a dry-run: it has sent nothing */
		job_clear(ui->job);
	}
	free(c->text);
	c->text = NULL;
}

void change_leave(struct ui *ui, struct view *v)
{
	change_free(ui, v->state);
	free(v->state);
	v->state = NULL;
}

/* ---- keys ---- */

/* Keys every page shares; UI_NONE when the key is not one of them. */
static enum ui_result common_key(struct ui *ui, struct change *c, enum action a)
{
	switch (a) {
	case ACTION_HELP:
		ui->help = true;
		return UI_REDRAW;
	case ACTION_QUIT:
		if (c->phase == CHANGE_APPLYING && !c->quit_armed) {
			c->quit_armed = true;
			ui_message(ui, true, "a change is being applied: q again stops it (keaha puts both "
				   "servers back, at the latest at its next run)");
			return UI_REDRAW;
		}
		return UI_QUIT;
	case ACTION_SCROLL_UP: case ACTION_PAGE_UP:
		c->text_scroll -= 10;
		if (c->text_scroll < 0)
			c->text_scroll = 0;
		return UI_REDRAW;
	case ACTION_SCROLL_DOWN: case ACTION_PAGE_DOWN:
		c->text_scroll += 10;
		return UI_REDRAW;
	default:
		return UI_NONE;
	}
}

static enum ui_result setup_key(struct ui *ui, struct change *c, enum form_event e)
{
	const struct form_field *x = &c->setup.f[c->setup.focus];

	if (e == FORM_CHANGED)
		c->ops->validate(ui, c);
	if (e == FORM_CANCEL || (e == FORM_PRESSED && x->id == CHANGE_BTN_CANCEL)) {
		ui_message(ui, false, "%s: cancelled, nothing was changed", c->ops->title);
		ui_pop(ui);
	} else if (e == FORM_PRESSED) {
		try_next(ui, c);
	}
	return UI_REDRAW;
}

static enum ui_result later_key(struct ui *ui, struct change *c, enum form_event e)
{
	const struct form_field *x = &c->summary.f[c->summary.focus];
	bool cancel = e == FORM_CANCEL || (e == FORM_PRESSED && x->id == CHANGE_BTN_CANCEL);

	if (c->phase == CHANGE_APPLYING) {
		if (e == FORM_CANCEL)
			ui_message(ui, true, "a change is being applied: it ends applied, or with both servers "
				   "as before; wait for the outcome");
		return UI_REDRAW;
	}
	if (e == FORM_CHANGED && c->phase == CHANGE_SUMMARY && c->status == 0)
		form_field(&c->summary, CHANGE_BTN_APPLY)->disabled = !confirmed(c);
	if (c->phase == CHANGE_DONE && (cancel || e == FORM_PRESSED)) {
		ui_pop(ui);
	} else if (cancel) {
		ui_message(ui, false, "%s: cancelled, nothing was changed", c->ops->title);
		ui_pop(ui);
	} else if (e == FORM_PRESSED && x->id == CHANGE_BTN_BACK) {
		change_free(ui, c);
		set_phase(c, CHANGE_SETUP);
	} else if (e == FORM_PRESSED && x->id != CHANGE_BTN_BACK && c->phase == CHANGE_SUMMARY) {
		try_apply(ui, c);
	}
	return UI_REDRAW;
}

enum ui_result change_key(struct ui *ui, struct view *v, enum action a, int ch, bool is_keycode)
{
	struct change *c = v->state;
	struct form *f = c->phase == CHANGE_SETUP ? &c->setup : &c->summary;
	enum form_event e = form_key(f, a, ch, is_keycode);
	enum ui_result r;

	if (e == FORM_IGNORED)
		return (r = common_key(ui, c, a)) != UI_NONE ? r : UI_REDRAW;
	return c->phase == CHANGE_SETUP ? setup_key(ui, c, e) : later_key(ui, c, e);
}

/* ---- drawing ---- */

/* How a line of keaha's output looks: the diff's marks and the outcome's words. */
static enum theme_role output_role(const char *line)
{
	while (*line == ' ')
		line++;
	if (!strncmp(line, "+ ", 2))
		return ROLE_OK;
	if (!strncmp(line, "- ", 2) || !strncmp(line, "keaha: refused", 14) || !strncmp(line, "NOT applied", 11) ||
	    !strncmp(line, "keaha:", 6))
		return ROLE_DOWN;
	if (!strncmp(line, "~ ", 2) || !strncmp(line, "Warnings:", 9))
		return ROLE_WARN;
	if (!strncmp(line, "Changes on", 10) || !strncmp(line, "Applying:", 9))
		return ROLE_HEADER;
	if (!strncmp(line, "Done:", 5))
		return ROLE_OK;
	return ROLE_NORMAL;
}

/* Text wrapped into r from line *scroll (clamped), each source line in its role. */
static void draw_output(const char *text, const struct rect *r, int *scroll)
{
	int total = 0, y = 0;

	for (int pass = 0; pass < 2; pass++) {
		const char *p = text;
		int row = 0;
		if (pass == 1) {
			if (*scroll > total - r->h)
				*scroll = total - r->h;
			if (*scroll < 0)
				*scroll = 0;
		}
		while (*p) {
			size_t n = strcspn(p, "\n");
			char line[1024];
			int starts[32], k;
			snprintf(line, sizeof(line), "%.*s", (int)n, p);
			/* Continued lines are indented by two columns. */
			k = form_wrap(line, r->w - 2, starts, 32);
			for (int i = 0; i < k; i++, row++) {
				int end = i + 1 < k ? starts[i + 1] : (int)strlen(line), ind = i ? 2 : 0;
				while (end > starts[i] && line[end - 1] == ' ')
					end--;
				if (pass == 1 && row >= *scroll && (y = r->y + row - *scroll) < r->y + r->h)
					draw_textf(y, r->x + ind, r->w - ind, output_role(line), false, "%.*s",
						   end - starts[i], line + starts[i]);
			}
			p += n + (p[n] == '\n');
		}
		total = row;
	}
}

static void draw_frame(const struct ui *ui, const struct change *c, const struct dialog_layout *d)
{
	static const char *const pages[] = { NULL, "Summary", "Apply" };
	int page = c->phase == CHANGE_SETUP ? 0 : c->phase <= CHANGE_SUMMARY ? 1 : 2;
	const struct rect *b = &d->box;
	char title[200];

	/* One blank column either side keeps the screen beneath from touching the box. */
	draw_fill(b->y, b->x - 1, b->h, b->w + 2, ROLE_NORMAL);
	draw_vline(b->y, b->x, b->h, ROLE_BORDER);
	draw_vline(b->y, b->x + b->w - 1, b->h, ROLE_BORDER);
	draw_hline(b->y + b->h - 1, b->x, b->w, ROLE_BORDER);
	draw_hline(b->y + b->h - 3, b->x + 1, b->w - 2, ROLE_BORDER);
	draw_fill(d->title.y, d->title.x, 1, d->title.w, ROLE_TITLE);
	snprintf(title, sizeof(title), " %s", c->ops->title);
	draw_text(d->title.y, d->title.x, d->title.w - 12, ROLE_TITLE, false, title);
	if (c->phase != CHANGE_APPLYING)
		draw_text(d->title.y, d->title.x + d->title.w - 12, 12, ROLE_TITLE, false,
			  c->phase == CHANGE_DONE ? "   Esc close" : "  Esc cancel");
	if (d->pages.w > 0) {
		for (int i = 0; i < 3; i++)
			draw_textf(d->pages.y + i * 2, d->pages.x, d->pages.w, i == page ? ROLE_SELECTED : ROLE_DIM, true,
				   " %d %s", i + 1, i == 0 ? c->ops->setup_page : pages[i]);
		draw_vline(d->pages.y - 1, d->pages.x + d->pages.w, d->pages.h + 1, ROLE_BORDER);
	} else {
		draw_textf(d->title.y + 1, d->body.x, d->body.w, ROLE_DIM, false, "Step %d of 3: %s", page + 1,
			   page == 0 ? c->ops->setup_page : pages[page]);
	}
	(void)ui;
}

/* The heading of the pages after the setup. */
static const char *phase_heading(const struct change *c)
{
	switch (c->phase) {
	case CHANGE_CHECKING: return "Checking both servers and every rule (nothing is changed)...";
	case CHANGE_SUMMARY:
		return c->status == 0 ? c->ops->summary_text : c->ops->refused_text;
	case CHANGE_APPLYING: return "Applying:";
	case CHANGE_DONE: return c->status == 0 ? c->ops->done_text : c->ops->failed_text;
	default: return "";
	}
}

static void draw_later(const struct ui *ui, struct change *c, const struct dialog_layout *d)
{
	struct form_line lines[FORM_MAX_FIELDS * 8];
	int nform = form_layout(&c->summary, d->body.w, lines, (int)ARRAY_LEN(lines));
	struct rect text = { d->body.y + 2, d->body.x, d->body.h - 2 - (nform ? nform + 1 : 0), d->body.w };
	enum theme_role role = (c->phase == CHANGE_SUMMARY || c->phase == CHANGE_DONE) && c->status != 0 ?
			       ROLE_DOWN : c->phase == CHANGE_DONE ? ROLE_OK : ROLE_HEADER;

	draw_text(d->body.y, d->body.x, d->body.w, role, false, phase_heading(c));
	if (c->phase == CHANGE_CHECKING || c->phase == CHANGE_APPLYING) {
		int follow = 1 << 20; /* live output: keep the newest line in view */
		draw_output(job_output(ui->job), &text, &follow);
	} else {
		draw_output(c->text ? c->text : "", &text, &c->text_scroll);
	}
	if (nform) {
		struct rect fr = { text.y + text.h + 1, d->body.x, nform, d->body.w };
		c->summary.scroll = 0;
		form_draw(&c->summary, &fr, ui->utf8);
	}
	form_draw_buttons(&c->summary, d->footer.y, d->footer.x, d->footer.w);
}

void change_draw(const struct ui *ui, struct view *v)
{
	struct change *c = v->state;
	struct dialog_layout d;

	layout_dialog(ui->w, ui->h, &d);
	if (d.too_small) {
		draw_fill(1, 0, ui->h - 3, ui->w, ROLE_NORMAL);
		chrome_draw_too_small_for(ui, "Terminal too small for this dialog", d.need_w, d.need_h);
		return;
	}
	draw_frame(ui, c, &d);
	if (c->phase == CHANGE_SETUP) {
		struct form_line lines[FORM_MAX_FIELDS * 8];
		int n = form_layout(&c->setup, d.body.w, lines, (int)ARRAY_LEN(lines));
		form_scroll_to_focus(&c->setup, lines, n, d.body.h);
		form_draw(&c->setup, &d.body, ui->utf8);
		form_draw_buttons(&c->setup, d.footer.y, d.footer.x, d.footer.w);
		if (c->setup.scroll + d.body.h < n)
			draw_text(d.body.y + d.body.h - 1, d.body.x + d.body.w - 8, 8, ROLE_DIM, false, "  more v");
		return;
	}
	draw_later(ui, c, &d);
}
