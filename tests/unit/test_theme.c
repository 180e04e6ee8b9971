/*
 * Themes: every file in themes/ ($KEAHA_THEMES, default "themes" from the
 * repository root, where `make check` runs) parses, sets every role, and
 * keeps status readable: the four status roles differ from one another in
 * every theme, and in the monochrome ones by attributes alone. default.theme
 * and monochrome.theme are the compiled-in themes written out. Broken lines
 * are refused with "file:line: why".
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "theme.h"

#define SENTINEL 77   /* a colour no theme file here uses: "this role was not set" */

static const char *themes_dir(void)
{
	const char *d = getenv("KEAHA_THEMES");

	return d && *d ? d : "themes";
}

static const enum theme_role status_roles[] = { ROLE_OK, ROLE_IMPAIRED, ROLE_DOWN, ROLE_UNREACHABLE };
#define NSTATUS ((int)(sizeof(status_roles) / sizeof(status_roles[0])))

/* Reads dir/NAME.theme whole; fails the test when it cannot. */
static char *read_theme_file(const char *name)
{
	char path[512], *buf;
	long len;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.theme", themes_dir(), name);
	f = fopen(path, "r");
	if (!f)
		fail_msg("cannot read %s (set KEAHA_THEMES or run from the repository root)", path);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)len + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	return buf;
}

static void load_or_fail(struct theme *t, const char *name)
{
	char err[600] = "";

	if (!theme_load(t, themes_dir(), name, err, sizeof(err)))
		fail_msg("theme %s: %s", name, err);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Theme file names (without .theme) in the directory, sorted; returns how many. */
static int list_themes(char names[][64], int max)
{
	DIR *d = opendir(themes_dir());
	struct dirent *e;
	int n = 0;

	if (!d)
		fail_msg("no theme directory %s (set KEAHA_THEMES)", themes_dir());
	while ((e = readdir(d)) != NULL && n < max) {
		size_t len = strlen(e->d_name);
		if (len > 6 && len < 64 && strcmp(e->d_name + len - 6, ".theme") == 0) {
			memcpy(names[n], e->d_name, len - 6);
			names[n++][len - 6] = '\0';
		}
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]), compare_names);
	return n;
}

static bool same_entry(const struct theme_entry *a, const struct theme_entry *b)
{
	return a->fg == b->fg && a->bg == b->bg && a->attrs == b->attrs;
}

static void assert_same_roles(const struct theme *got, const struct theme *want, const char *what)
{
	for (int r = 0; r < ROLE_COUNT; r++)
		if (!same_entry(&got->role[r], &want->role[r]))
			fail_msg("%s: role %s is %d %d %#x, the compiled-in has %d %d %#x", what,
				 theme_role_name((enum theme_role)r), got->role[r].fg, got->role[r].bg,
				 got->role[r].attrs, want->role[r].fg, want->role[r].bg, want->role[r].attrs);
}

/* The four shipped themes are there; every file parses and names every role. */
static void test_every_file_parses_and_sets_every_role(void **state)
{
	static const char *const shipped[] = { "default", "high-contrast", "light", "monochrome" };
	char names[32][64], err[600];
	int n = list_themes(names, 32);

	(void)state;
	for (size_t i = 0; i < sizeof(shipped) / sizeof(shipped[0]); i++) {
		bool found = false;
		for (int k = 0; k < n; k++)
			found |= strcmp(names[k], shipped[i]) == 0;
		if (!found)
			fail_msg("themes/%s.theme is missing", shipped[i]);
	}
	for (int k = 0; k < n; k++) {
		char *text = read_theme_file(names[k]);
		struct theme t;

		/* On a theme whose every entry is a sentinel, a role the file skips stays one. */
		memset(&t, 0, sizeof(t));
		for (int r = 0; r < ROLE_COUNT; r++)
			t.role[r] = (struct theme_entry){ SENTINEL, SENTINEL, 0x80u };
		if (!theme_parse(&t, text, names[k], err, sizeof(err)))
			fail_msg("%s", err);
		for (int r = 0; r < ROLE_COUNT; r++)
			if (t.role[r].fg == SENTINEL || t.role[r].bg == SENTINEL || t.role[r].attrs == 0x80u)
				fail_msg("themes/%s.theme does not set role %s", names[k],
					 theme_role_name((enum theme_role)r));
		free(text);
		load_or_fail(&t, names[k]);
		assert_string_equal(t.name, names[k]);
		/* No role writes text in its own background colour. */
		for (int r = 0; r < ROLE_COUNT; r++)
			if (t.role[r].fg >= 0 && t.role[r].fg == t.role[r].bg)
				fail_msg("%s: role %s is invisible (fg = bg = %d)", names[k],
					 theme_role_name((enum theme_role)r), t.role[r].fg);
	}
}

static void test_default_file_is_the_compiled_in(void **state)
{
	struct theme file, builtin;

	(void)state;
	load_or_fail(&file, "default");
	theme_default(&builtin, false);
	assert_false(file.mono);
	assert_same_roles(&file, &builtin, "themes/default.theme");
}

static void test_monochrome_has_no_colour(void **state)
{
	struct theme file, builtin;

	(void)state;
	load_or_fail(&file, "monochrome");
	theme_default(&builtin, true);
	assert_true(file.mono);
	for (int r = 0; r < ROLE_COUNT; r++) {
		if (file.role[r].fg != -1 || file.role[r].bg != -1)
			fail_msg("monochrome.theme: role %s has colours %d %d",
				 theme_role_name((enum theme_role)r), file.role[r].fg, file.role[r].bg);
		if (builtin.role[r].fg != -1 || builtin.role[r].bg != -1)
			fail_msg("theme_default(mono): role %s has colours", theme_role_name((enum theme_role)r));
	}
	assert_same_roles(&file, &builtin, "themes/monochrome.theme");
}

/* Status roles: distinct in colour or attributes everywhere; by attributes alone in mono. */
static void check_status_distinct(const struct theme *t, bool attrs_only)
{
	for (int i = 0; i < NSTATUS; i++) {
		for (int k = i + 1; k < NSTATUS; k++) {
			const struct theme_entry *a = &t->role[status_roles[i]];
			const struct theme_entry *b = &t->role[status_roles[k]];
			bool differ = attrs_only ? a->attrs != b->attrs : !same_entry(a, b);
			if (!differ)
				fail_msg("theme %s: %s and %s look the same%s", t->name,
					 theme_role_name(status_roles[i]), theme_role_name(status_roles[k]),
					 attrs_only ? " without colour" : "");
		}
	}
}

static void test_status_roles_differ(void **state)
{
	char names[32][64];
	int n = list_themes(names, 32);
	struct theme t;

	(void)state;
	assert_true(n >= 4);
	for (int k = 0; k < n; k++) {
		load_or_fail(&t, names[k]);
		check_status_distinct(&t, t.mono);
	}
	theme_default(&t, false);
	check_status_distinct(&t, false);
	theme_default(&t, true);
	check_status_distinct(&t, true);
}

/* light: nothing pale on the terminal's (light) background; high-contrast: bold status, no dim. */
static void test_light_and_high_contrast(void **state)
{
	static const short pale[] = { 3, 7, 11, 15, 14, 10, 229, 230, 231 };
	struct theme t;

	(void)state;
	load_or_fail(&t, "light");
	for (int r = 0; r < ROLE_COUNT; r++)
		for (size_t i = 0; i < sizeof(pale) / sizeof(pale[0]); i++)
			if (t.role[r].bg == -1 && t.role[r].fg == pale[i])
				fail_msg("light: role %s is pale text (%d) on a light background",
					 theme_role_name((enum theme_role)r), t.role[r].fg);
	load_or_fail(&t, "high-contrast");
	for (int r = 0; r < ROLE_COUNT; r++)
		if (t.role[r].attrs & THEME_A_DIM)
			fail_msg("high-contrast: role %s is dimmed", theme_role_name((enum theme_role)r));
	for (int i = 0; i < NSTATUS; i++)
		if (!(t.role[status_roles[i]].attrs & THEME_A_BOLD))
			fail_msg("high-contrast: %s is not bold", theme_role_name(status_roles[i]));
}

/* The parser itself: what it accepts and exactly what it says when it refuses. */
static void expect_error(const char *text, const char *want)
{
	struct theme t;
	char err[300] = "";

	theme_default(&t, false);
	if (theme_parse(&t, text, "x.theme", err, sizeof(err)))
		fail_msg("accepted: \"%s\" (wanted \"%s\")", text, want);
	assert_string_equal(err, want);
}

static void test_parse_errors(void **state)
{
	(void)state;
	expect_error("# c\n\nokk green default bold\n", "x.theme:3: unknown role");
	expect_error("ok grene default\n", "x.theme:1: unknown colour (a name, 0-255 or default)");
	expect_error("ok green 256\n", "x.theme:1: unknown colour (a name, 0-255 or default)");
	expect_error("ok -1 default\n", "x.theme:1: unknown colour (a name, 0-255 or default)");
	expect_error("ok 12x default\n", "x.theme:1: unknown colour (a name, 0-255 or default)");
	expect_error("normal default default\nok green default blink\n", "x.theme:2: unknown attribute");
	expect_error("ok green default bold,blnk\n", "x.theme:1: unknown attribute");
	expect_error("ok green\n", "x.theme:1: want: role fg bg [attr,attr]");
	expect_error("\n\n\nok\n", "x.theme:4: want: role fg bg [attr,attr]");
	expect_error("ok green default bold reverse\n", "x.theme:1: want: role fg bg [attr,attr]");
	expect_error("OK green default\n", "x.theme:1: unknown role");
}

static void test_parse_accepts(void **state)
{
	struct theme t;
	char err[300] = "";

	(void)state;
	theme_default(&t, false);
	assert_true(theme_parse(&t, "# comment\n   \n\t  ok  RED  240  bold,Underline,italic  \r\n"
				"down 9 default\ndim default default none\n", "x", err, sizeof(err)));
	assert_int_equal(t.role[ROLE_OK].fg, 1);
	assert_int_equal(t.role[ROLE_OK].bg, 240);
	assert_int_equal(t.role[ROLE_OK].attrs, THEME_A_BOLD | THEME_A_UNDERLINE | THEME_A_ITALIC);
	assert_int_equal(t.role[ROLE_DOWN].fg, 9);
	assert_int_equal(t.role[ROLE_DOWN].bg, -1);
	assert_int_equal(t.role[ROLE_DOWN].attrs, 0); /* no attributes given: none */
	assert_int_equal(t.role[ROLE_DIM].attrs, 0);
	/* Roles the text does not name keep what they had. */
	assert_int_equal(t.role[ROLE_IMPAIRED].fg, 3);
	assert_int_equal(t.role[ROLE_IMPAIRED].attrs, THEME_A_BOLD);
}

/* theme_load: the error names the file and the line; missing and bad names are refused. */
static void test_load_errors(void **state)
{
	char dir[] = "/tmp/keaha-theme-XXXXXX", path[600], err[600] = "", want[700];
	struct theme t;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/broken.theme", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("# broken\nok green default\nimpaired yellow default bold\nstale black yelow\n", f);
	fclose(f);
	assert_false(theme_load(&t, dir, "broken", err, sizeof(err)));
	snprintf(want, sizeof(want), "%s:4: unknown colour (a name, 0-255 or default)", path);
	assert_string_equal(err, want);
	assert_false(theme_load(&t, dir, "nosuch", err, sizeof(err)));
	snprintf(want, sizeof(want), "no theme 'nosuch' in %s", dir);
	assert_string_equal(err, want);
	assert_false(theme_load(&t, dir, "../broken", err, sizeof(err)));
	assert_string_equal(err, "bad theme name '../broken'");
	assert_false(theme_load(&t, dir, "", err, sizeof(err)));
	assert_string_equal(err, "bad theme name ''");
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_file_parses_and_sets_every_role),
		cmocka_unit_test(test_default_file_is_the_compiled_in),
		cmocka_unit_test(test_monochrome_has_no_colour),
		cmocka_unit_test(test_status_roles_differ),
		cmocka_unit_test(test_light_and_high_contrast),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_accepts),
		cmocka_unit_test(test_load_errors),
	};

	return cmocka_run_group_tests_name("theme", tests, NULL, NULL);
}
