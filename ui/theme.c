/*
 * Theme files use the same parser for the built-in default (the table in
 * theme.h) and the user's files, as tig does with its configuration. No
 * curses here: colours are numbers, attributes bits; ui/screen.c maps them.
 */
#include "theme.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

static const char *const role_names[] = {
#define X(e, name, fg, bg, attr, mono) name,
	THEME_ROLES(X)
#undef X
};

struct role_default {
	const char *fg, *bg, *attr, *mono;
};

static const struct role_default role_defaults[] = {
#define X(e, name, fg, bg, attr, mono) { fg, bg, attr, mono },
	THEME_ROLES(X)
#undef X
};

static const char *const colour_names[] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
};

const char *theme_role_name(enum theme_role r)
{
	return (unsigned)r < ROLE_COUNT ? role_names[r] : "?";
}

/* "default" = -1, a name of the 8 colours, or a number 0-255. */
static bool parse_colour(const char *s, short *out)
{
	char *end;
	long n;

	if (!strcasecmp(s, "default")) {
		*out = -1;
		return true;
	}
	for (size_t i = 0; i < ARRAY_LEN(colour_names); i++) {
		if (!strcasecmp(s, colour_names[i])) {
			*out = (short)i;
			return true;
		}
	}
	n = strtol(s, &end, 10);
	if (end == s || *end || n < 0 || n > 255)
		return false;
	*out = (short)n;
	return true;
}

static bool parse_attrs(const char *s, unsigned *out)
{
	static const struct { const char *name; unsigned bit; } attrs[] = {
		{ "bold", THEME_A_BOLD }, { "dim", THEME_A_DIM }, { "reverse", THEME_A_REVERSE },
		{ "underline", THEME_A_UNDERLINE }, { "italic", THEME_A_ITALIC }, { "none", 0 },
	};
	char buf[96], *tok, *save = NULL;

	*out = 0;
	strlcpy_(buf, s, sizeof(buf));
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		bool found = false;
		for (size_t i = 0; i < ARRAY_LEN(attrs) && !found; i++) {
			if (!strcasecmp(tok, attrs[i].name)) {
				*out |= attrs[i].bit;
				found = true;
			}
		}
		if (!found)
			return false;
	}
	return true;
}

static int find_role(const char *name)
{
	for (int i = 0; i < ROLE_COUNT; i++)
		if (!strcmp(role_names[i], name))
			return i;
	return -1;
}

static bool fail(char *err, size_t errlen, const char *src, int line, const char *why)
{
	snprintf(err, errlen, "%s:%d: %s", src, line, why);
	return false;
}

bool theme_parse(struct theme *t, const char *text, const char *source, char *err, size_t errlen)
{
	char *copy = xstrdup(text), *line, *next;
	int lineno = 0;
	bool ok = true;

	for (line = copy; line && ok; line = next) {
		char role[32], fg[32], bg[32], attrs[96] = "";
		int n, r, end = 0;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		while (isspace((unsigned char)*line))
			line++;
		if (!*line || *line == '#')
			continue;
		n = sscanf(line, "%31s %31s %31s %95s %n", role, fg, bg, attrs, &end);
		/* A fifth word ("bold reverse") would otherwise be dropped without a word. */
		if (n < 3 || (n == 4 && line[end] != '\0'))
			ok = fail(err, errlen, source, lineno, "want: role fg bg [attr,attr]");
		else if ((r = find_role(role)) < 0)
			ok = fail(err, errlen, source, lineno, "unknown role");
		else if (!parse_colour(fg, &t->role[r].fg) || !parse_colour(bg, &t->role[r].bg))
			ok = fail(err, errlen, source, lineno, "unknown colour (a name, 0-255 or default)");
		else if (!parse_attrs(attrs, &t->role[r].attrs))
			ok = fail(err, errlen, source, lineno, "unknown attribute");
	}
	free(copy);
	return ok;
}

void theme_default(struct theme *t, bool mono)
{
	memset(t, 0, sizeof(*t));
	strlcpy_(t->name, mono ? "monochrome" : "default", sizeof(t->name));
	t->mono = mono;
	for (int i = 0; i < ROLE_COUNT; i++) {
		const struct role_default *d = &role_defaults[i];
		t->role[i].fg = -1;
		t->role[i].bg = -1;
		if (!mono) {
			parse_colour(d->fg, &t->role[i].fg);
			parse_colour(d->bg, &t->role[i].bg);
		}
		parse_attrs(mono ? d->mono : d->attr, &t->role[i].attrs);
	}
}

bool theme_load(struct theme *t, const char *dir, const char *name, char *err, size_t errlen)
{
	char path[512];
	struct sbuf b;
	char buf[4096];
	size_t n;
	FILE *f;
	bool ok;

	if (strchr(name, '/') || !*name) {
		snprintf(err, errlen, "bad theme name '%s'", name);
		return false;
	}
	snprintf(path, sizeof(path), "%s/%s.theme", dir, name);
	f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "no theme '%s' in %s", name, dir);
		return false;
	}
	sbuf_init(&b);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0 && b.len < 65536)
		sbuf_add(&b, buf, n);
	fclose(f);
	theme_default(t, !strcmp(name, "monochrome"));
	strlcpy_(t->name, name, sizeof(t->name));
	ok = theme_parse(t, b.s ? b.s : "", path, err, errlen);
	sbuf_free(&b);
	return ok;
}
