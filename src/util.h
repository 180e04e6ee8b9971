/*
 * Small helpers every module uses: allocation that cannot fail (it is fatal
 * through one hook, so the UI can restore the terminal first), a growable
 * string buffer, bounded string copies and time.
 */
#ifndef KEAHA_UTIL_H
#define KEAHA_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

void util_set_fatal_hook(void (*hook)(void));
void util_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Copies at most size-1 bytes and always terminates; returns strlen(src). */
size_t strlcpy_(char *dst, const char *src, size_t size);

struct sbuf {
	char *s;
	size_t len;
	size_t cap;
};

void sbuf_init(struct sbuf *b);
void sbuf_free(struct sbuf *b);
void sbuf_add(struct sbuf *b, const char *s, size_t n);
void sbuf_puts(struct sbuf *b, const char *s);
void sbuf_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sbuf_vprintf(struct sbuf *b, const char *fmt, va_list ap);
/* Takes the string out of the buffer; the buffer is empty afterwards. */
char *sbuf_take(struct sbuf *b);

/*
 * Optional texts on the heap, never NULL: "" is the one array util_text_unset
 * (most are unset, and a fixed array each cost a struct hundreds of bytes).
 * util_text_set keeps at most max - 1 bytes of v (max 0: all of it).
 */
extern char util_text_unset[];
void util_text_set(char **field, const char *v, size_t max);

/* Wall clock in seconds (with fractions) and a monotonic clock in seconds. */
double util_wallclock(void);
double util_monotonic(void);

/* "3 s", "4 min", "2 h 5 min", "3 d": an age in plain words. */
void util_format_age(double seconds, char *out, size_t size);

bool util_streq(const char *a, const char *b);

/* A whole file (at most max bytes) as a string, or NULL; free() it. */
char *util_read_file(const char *path, size_t max);

/* mkdir -p with mode 0700: keaha's state holds configurations and secrets. */
bool util_mkdirs(const char *dir);

#endif
