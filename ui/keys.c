/*
 * The key table, built once from the ACTIONS list: each "<Name>" or single
 * character or "^X" there becomes one binding.
 */
#include "keys.h"

#include <curses.h>
#include <string.h>

#include "util.h"

static const struct action_info infos[] = {
	{ "", "", false, "" },
#define X(e, name, keys, changes, help) { name, keys, changes, help },
	ACTIONS(X)
	FORM_ACTIONS(X)
#undef X
};

struct binding {
	int code;
	bool is_keycode;
	enum action action;
};

static struct binding bindings[ACTION_COUNT * 4 + 8];
static int nbindings;

static const struct { const char *name; int code; bool is_keycode; } named[] = {
	{ "<Up>", KEY_UP, true }, { "<Down>", KEY_DOWN, true },
	{ "<PgUp>", KEY_PPAGE, true }, { "<PgDn>", KEY_NPAGE, true },
	{ "<Home>", KEY_HOME, true }, { "<End>", KEY_END, true },
	{ "<Enter>", '\n', false }, { "<Esc>", 27, false },
	{ "<Backspace>", KEY_BACKSPACE, true }, { "<Tab>", '\t', false },
	{ "<Space>", ' ', false }, { "<F1>", KEY_F(1), true },
	{ "<S-Tab>", KEY_BTAB, true }, { "<Left>", KEY_LEFT, true }, { "<Right>", KEY_RIGHT, true },
};

static void bind(int code, bool is_keycode, enum action a)
{
	if (nbindings < (int)ARRAY_LEN(bindings))
		bindings[nbindings++] = (struct binding){ code, is_keycode, a };
}

static void bind_word(const char *w, size_t len, enum action a)
{
	for (size_t i = 0; i < ARRAY_LEN(named); i++) {
		if (strlen(named[i].name) == len && !strncmp(named[i].name, w, len)) {
			bind(named[i].code, named[i].is_keycode, a);
			return;
		}
	}
	if (len == 2 && w[0] == '^')
		bind(w[1] & 0x1f, false, a);
	else if (len == 1)
		bind((unsigned char)w[0], false, a);
}

static void build(void)
{
	for (int a = 1; a < ACTION_COUNT; a++) {
		const char *p = infos[a].keys;
		while (*p) {
			size_t len = strcspn(p, " ");
			bind_word(p, len, (enum action)a);
			p += len;
			p += strspn(p, " ");
		}
	}
	/* Terminals send these for Enter and Backspace too. */
	bind('\r', false, ACTION_ENTER);
	bind(KEY_ENTER, true, ACTION_ENTER);
	bind(127, false, ACTION_BACK);
	bind(8, false, ACTION_BACK);
	bind('\r', false, ACTION_SUBMIT);
	bind(KEY_ENTER, true, ACTION_SUBMIT);
	bind(127, false, ACTION_ERASE);
	bind(8, false, ACTION_ERASE);
}

bool keys_is_form_action(enum action a)
{
	return a >= ACTION_FORM_FIRST && a < ACTION_COUNT;
}

static enum action lookup(int code, bool is_keycode, bool form)
{
	if (!nbindings)
		build();
	for (int i = 0; i < nbindings; i++)
		if (bindings[i].code == code && bindings[i].is_keycode == is_keycode &&
		    keys_is_form_action(bindings[i].action) == form)
			return bindings[i].action;
	return ACTION_NONE;
}

const struct action_info *keys_action_info(enum action a)
{
	return (unsigned)a < ACTION_COUNT ? &infos[a] : &infos[0];
}

enum action keys_lookup(int code, bool is_keycode)
{
	return lookup(code, is_keycode, false);
}

enum action keys_lookup_form(int code, bool is_keycode)
{
	enum action a = lookup(code, is_keycode, true);

	return a != ACTION_NONE ? a : lookup(code, is_keycode, false);
}

enum action keys_by_name(const char *name)
{
	for (int a = 1; a < ACTION_COUNT; a++)
		if (!strcmp(infos[a].name, name))
			return (enum action)a;
	return ACTION_NONE;
}
