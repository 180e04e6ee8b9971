/*
 * Actions and their keys as data, as tig does with requests: one X-macro
 * line per action (its name for the ':' command line and the help overlay,
 * its default keys, whether it changes a server, and its help text), so the
 * help overlay and the key table cannot drift apart.
 */
#ifndef KEAHA_KEYS_H
#define KEAHA_KEYS_H

#include <stdbool.h>
#include <wchar.h>

/* action, name, keys (see keys.c for names like <Up>), changes a server, help */
#define ACTIONS(X) \
	X(UP, "up", "<Up> k", false, "previous row") \
	X(DOWN, "down", "<Down> j", false, "next row") \
	X(PAGE_UP, "page-up", "<PgUp> ^B", false, "previous page") \
	X(PAGE_DOWN, "page-down", "<PgDn> ^F <Space>", false, "next page") \
	X(HOME, "home", "<Home> g", false, "first row") \
	X(END, "end", "<End> G", false, "last row") \
	X(ENTER, "enter", "<Enter>", false, "open: a server's relationships, or the details full-screen") \
	X(BACK, "back", "<Esc> <Backspace>", false, "back to the previous screen") \
	X(FOCUS, "focus", "<Tab>", false, "move focus between the list and the details pane") \
	X(FILTER, "filter", "/", false, "filter the list (Esc clears)") \
	X(COMMAND, "command", ":", false, "command line (:servers :relationships :triage :events :theme NAME :q)") \
	X(REFRESH, "refresh", "r ^R", false, "poll every server now") \
	X(SORT, "sort", "s", false, "cycle the sort column") \
	X(SERVERS, "servers", "S", false, "servers screen") \
	X(RELATIONSHIPS, "relationships", "R", false, "all relationships") \
	X(TRIAGE, "triage", "t", false, "triage: only what is wrong, worst first") \
	X(EVENTS, "events", "e", false, "event timeline") \
	X(FAILOVER, "failover", "f", false, "failover management of the selected server") \
	X(ADD, "add", "a", true, "add a relationship (wizard)") \
	X(REMOVE, "remove", "d", true, "remove the selected relationship") \
	X(HA, "ha", "h", true, "an on-call HA action on the selected relationship (maintenance, sync, ...)") \
	X(NEXT_ACTION, "next-action", "n", true, "do the next step keaha names for the selected relationship") \
	X(EDIT, "edit", "E", true, "edit the configuration of the selected relationship or server ($EDITOR)") \
	X(HELP, "help", "? <F1>", false, "this help") \
	X(QUIT, "quit", "q", false, "quit")

/*
 * Inside a form (the wizard, dialogs) these come first; a text field takes
 * printable characters before any binding, so a name may contain 'q' or 'j'.
 */
#define FORM_ACTIONS(X) \
	X(FIELD_NEXT, "field-next", "<Tab> <Down>", false, "next field or button") \
	X(FIELD_PREV, "field-prev", "<S-Tab> <Up>", false, "previous field or button") \
	X(CHOICE_PREV, "choice-prev", "<Left>", false, "previous choice") \
	X(CHOICE_NEXT, "choice-next", "<Right> <Space>", false, "next choice; toggles a check box or a section") \
	X(SUBMIT, "submit", "<Enter>", false, "press the focused button, else go on to the next page") \
	X(CANCEL, "cancel", "<Esc>", false, "close; before the last step nothing is changed") \
	X(ERASE, "erase", "<Backspace>", false, "erase the last character of a text field") \
	X(SCROLL_UP, "scroll-up", "<PgUp>", false, "scroll the summary or the output up") \
	X(SCROLL_DOWN, "scroll-down", "<PgDn>", false, "scroll the summary or the output down")

enum action {
	ACTION_NONE,
#define X(e, name, keys, changes, help) ACTION_##e,
	ACTIONS(X)
	FORM_ACTIONS(X)
#undef X
	ACTION_COUNT
};

#define ACTION_FORM_FIRST ACTION_FIELD_NEXT

struct action_info {
	const char *name;
	const char *keys;
	bool changes_server;
	const char *help;
};

const struct action_info *keys_action_info(enum action a);
/* The action bound to a key (a curses key code or a character). */
enum action keys_lookup(int code, bool is_keycode);
/* In a form: the form's bindings first, then the others. */
enum action keys_lookup_form(int code, bool is_keycode);
bool keys_is_form_action(enum action a);
enum action keys_by_name(const char *name);

#endif
