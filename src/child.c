/*
 * The child keaha's command line (child.h). The argv is built in one block
 * so a caller frees it with one free() whatever path it leaves by.
 */
#include "child.h"

#include <stddef.h>
#include <string.h>

#include "util.h"

/* The command line as a list: counted first, then copied into one block. */
struct argl {
	const char *s[6];         /* exe and the carried options */
	int ns;
	const char *const *lists[2]; /* the words, then the URLs */
};

static void carried(const struct child_opts *o, struct argl *l)
{
	l->ns = 0;
	l->s[l->ns++] = o->exe ? o->exe : CHILD_EXE;
	if (o->config_path) {
		l->s[l->ns++] = "--config";
		l->s[l->ns++] = o->config_path;
	}
	if (o->state_dir) {
		l->s[l->ns++] = "--state-dir";
		l->s[l->ns++] = o->state_dir;
	} else {
		l->s[l->ns++] = "--no-state";
	}
}

/* Calls each(s, ctx) for every argument in order. */
static void walk(const struct argl *l, void (*each)(const char *s, void *ctx), void *ctx)
{
	for (int i = 0; i < l->ns; i++)
		each(l->s[i], ctx);
	for (int k = 0; k < 2; k++)
		for (const char *const *p = l->lists[k]; p && *p; p++)
			each(*p, ctx);
}

struct measure {
	size_t n, bytes;
};

static void measure_one(const char *s, void *ctx)
{
	struct measure *m = ctx;

	m->n++;
	m->bytes += strlen(s) + 1;
}

struct fill {
	char **argv;
	size_t n;
	char *store;
};

static void fill_one(const char *s, void *ctx)
{
	struct fill *f = ctx;
	size_t len = strlen(s) + 1;

	memcpy(f->store, s, len);
	f->argv[f->n++] = f->store;
	f->store += len;
}

char **child_argv(const struct child_opts *o, const char *const *words)
{
	struct argl l = { .lists = { words, o->urls } };
	struct measure m = { 0, 0 };
	struct fill f;

	carried(o, &l);
	walk(&l, measure_one, &m);
	f.argv = xmalloc((m.n + 1) * sizeof(char *) + m.bytes);
	f.n = 0;
	f.store = (char *)(f.argv + m.n + 1);
	walk(&l, fill_one, &f);
	f.argv[f.n] = NULL;
	return f.argv;
}
