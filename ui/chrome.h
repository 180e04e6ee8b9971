/*
 * The frame around every view: title line, status bar, prompt (command line,
 * filter, messages), the help overlay generated from the key table, the
 * too-small message, and the keys every view shares.
 */
#ifndef KEAHA_CHROME_H
#define KEAHA_CHROME_H

#include "poller.h"
#include "ui.h"

/* One whole frame of the view on top, at ui->now, into the draw grid (and curses). */
void chrome_paint(struct ui *ui);
void chrome_draw_title(const struct ui *ui);
void chrome_draw_status(const struct ui *ui, const struct poller *p);
void chrome_draw_prompt(const struct ui *ui);
void chrome_draw_help(const struct ui *ui);
void chrome_draw_too_small(const struct ui *ui);
/* The same for a dialog that needs more room than the dashboard ("Terminal too small for ..."). */
void chrome_draw_too_small_for(const struct ui *ui, const char *what, int need_w, int need_h);
/* One key press: global actions here, the rest to the view on top. */
enum ui_result chrome_key(struct ui *ui, int code, bool is_keycode);
bool chrome_load_theme(struct ui *ui, const char *name, char *err, size_t errlen);

#endif
