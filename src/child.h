/*
 * A child keaha's command line. Every change the dashboard makes (the
 * wizard, remove, ha, edit) and every automatic replication runs as a child
 * keaha that must see the same servers and state as its parent: the same
 * --config, the same state directory (or --no-state) and the URLs given on
 * the command line. One builder, so the two launchers (ui/ and
 * src/autorepl.c) cannot drift apart. Pure: no I/O.
 */
#ifndef KEAHA_CHILD_H
#define KEAHA_CHILD_H

/* The binary of a child: the running keaha itself. */
#define CHILD_EXE "/proc/self/exe"

/* What a child keaha carries over from its parent. */
struct child_opts {
	const char *exe;          /* NULL: CHILD_EXE */
	const char *config_path;  /* --config FILE; NULL: none (the child finds the default) */
	const char *state_dir;    /* --state-dir DIR; NULL: --no-state */
	const char *const *urls;  /* servers given on the command line, NULL-terminated; NULL: none */
};

/*
 * exe [--config F] (--state-dir D | --no-state) WORDS... URLS...: words is
 * the subcommand and its options, NULL-terminated. The result is one
 * allocation (pointers and copies of the strings), NULL-terminated: free()
 * it. The URLs come last because keaha's parser takes them after the
 * subcommand.
 */
char **child_argv(const struct child_opts *o, const char *const *words);

#endif
