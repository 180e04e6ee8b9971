/*
 * Painting primitives. Every cell drawn goes to curses and to a shadow grid
 * of characters and colour roles, so the headless mode and the golden tests
 * read back exactly what was drawn, without curses' internals.
 */
#ifndef KEAHA_DRAW_H
#define KEAHA_DRAW_H

#include <stdbool.h>
#include <stdio.h>

#include "theme.h"

struct ui;

bool draw_init(int w, int h, const struct theme *t, bool use_curses, bool utf8);
void draw_resize(int w, int h);
void draw_set_theme(const struct theme *t);
void draw_free(void);
void draw_clear(void);

/* Display columns of a UTF-8 string (wide characters count 2). */
int draw_width(const char *s);
/* Text clipped (and padded with spaces, when pad) to width columns; returns columns used. */
int draw_text(int y, int x, int width, enum theme_role role, bool pad, const char *s);
int draw_textf(int y, int x, int width, enum theme_role role, bool pad, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
void draw_fill(int y, int x, int h, int w, enum theme_role role);
void draw_hline(int y, int x, int w, enum theme_role role);
void draw_vline(int y, int x, int h, enum theme_role role);
/* Sends the frame to the terminal (wnoutrefresh + doupdate). */
void draw_flush(void);
/* The shadow grid: text lines, and one letter per cell naming its role. */
bool draw_dump(FILE *text, FILE *attr);

#endif
