/*
 * fakeagent: a fake Kea Control Agent for keaha's transport tests and benchmark.
 *
 * One process, one libuv loop, COUNT listening endpoints: consecutive loopback
 * addresses on one port (--addr-base) or consecutive ports on one address
 * (--addr/--port-base). Each endpoint speaks just enough HTTP/1.1 (request line,
 * Content-Length, keep-alive) to answer Kea commands with captured bodies:
 * status-get, ha-heartbeat (its date-time rewritten to "now"), config-get, and
 * Kea's "not supported" answer for anything else. --mode turns every endpoint
 * into one failure that a real Kea cannot produce on demand (garbage bytes, a
 * truncated or 10 MB body, hangs, 500/401, ...). SIGUSR1 flips the status-get
 * answer to an alternate body and logs the wall-clock instant, so a benchmark
 * can time how long keaha takes to notice. Every run is bounded (--max-seconds).
 *
 * It must cost little next to keaha: answers are preformatted once at start and
 * a reply is one writev of that fixed head, a per-connection copy of the Date
 * line and the fixed body (split around the heartbeat's date-time), with no
 * allocation on the request path. Per endpoint: one listening uv_tcp_t; per
 * connection: one struct and a read buffer that starts at 1 KB.
 *
 * Build (see bench/README.md): cc -std=c11 ... bench/fakeagent.c $(pkg-config
 * --libs libuv). _DEFAULT_SOURCE is defined below (unless already given with
 * -D) for getrusage, setrlimit, gmtime_r, strncasecmp and clock_gettime, which
 * -std=c11 hides otherwise.
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1
#endif

#include <sys/resource.h>
#include <sys/time.h>

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <uv.h>

#define HTTP_DATE_LEN	29		/* "Mon, 23 Nov 2026 11:03:59 GMT" */
#define DATE_LINE_LEN	(HTTP_DATE_LEN + 4)	/* the date, then "\r\n\r\n" */
#define MAX_STAMPS	4
#define SECONDS_LEN	10		/* a stamped count, right-aligned in spaces */
#define STAMP_MAX_LEN	HTTP_DATE_LEN
#define READ_FIRST	1024		/* keaha's requests are ~250 bytes */
#define READ_MIN	256		/* free space wanted before each read */
#define MAX_HEAD	(16 * 1024)
#define MAX_BODY	(4 * 1024 * 1024)
#define READ_LIMIT	(MAX_HEAD + MAX_BODY)
#define HUGE_STRING	(10 * 1024 * 1024)
#define GARBAGE_LEN	512
#define COMMAND_MAX	64
#define CONTENT_JSON	"Content-Type: application/json\r\n"

#define container_of(p, type, member) \
	((type *)(void *)((char *)(p) - offsetof(type, member)))

/* Every endpoint behaves the same way; the tests pick one per process. */
enum mode {
	MODE_NORMAL,
	MODE_GARBAGE,
	MODE_CUT_BODY,
	MODE_HUGE,
	MODE_HANG_AFTER_HEADERS,
	MODE_HANG,
	MODE_HTTP_500,
	MODE_HTTP_401,
	MODE_NOT_JSON,
	MODE_EMPTY_LIST,
	MODE_SLOW,
	MODE_COUNT
};

static const char *const mode_names[MODE_COUNT] = {
	"normal", "garbage", "cut-body", "huge", "hang-after-headers", "hang",
	"http-500", "http-401", "not-json", "empty-list", "slow",
};

/* What the connection does once an answer has been written. */
enum after {
	AFTER_KEEP,		/* keep-alive: read the next request */
	AFTER_CLOSE,		/* close the connection */
	AFTER_STALL		/* keep it open, never answer again */
};

/*
 * What is spliced into a body per answer: the current HTTP date (a heartbeat's
 * "date-time"), or a count of seconds that goes on as a real Kea's does
 * (status-get's "reload" and "uptime": a counter stuck at the captured value
 * would look to keaha like a configuration reloaded every few seconds).
 */
enum stamp_kind { STAMP_DATE, STAMP_SECONDS };

struct stamp {
	size_t		 at;		/* offset in the stored body */
	enum stamp_kind	 kind;
	long		 base;		/* seconds: the captured value, at the fake's start */
};

/*
 * A preformatted answer in one allocation: mem holds the head (status line up
 * to "Date: ", or raw bytes when !dated) followed by the body, with the
 * stamped values cut out; conn_answer splices them back in, in order.
 */
struct canned {
	char		*mem;
	size_t		 head_len;
	size_t		 body_len;
	struct stamp	 stamp[MAX_STAMPS];
	int		 nstamps;
	bool		 dated;
	enum after	 after;
};

/* One endpoint's answers (all endpoints share one set unless --ha-pairs). */
struct answers {
	struct canned	 status, alt_status, heartbeat, alt_heartbeat, config;
};

struct options {
	const char	*addr_base;
	const char	*addr;
	long		 port;
	long		 port_base;
	long		 count;
	const char	*mode_name;
	enum mode	 mode;
	long		 delay_ms;
	long		 clock_offset;
	long		 max_seconds;
	const char	*status_file;
	const char	*alt_status_file;
	const char	*heartbeat_file;
	const char	*alt_heartbeat_file;
	const char	*config_file;
	const char	*pair_prefix;	/* --ha-pairs: server names PREFIX-i */
	const char	*sec_status_file;
	const char	*sec_alt_status_file;
	const char	*sec_heartbeat_file;
	const char	*sec_alt_heartbeat_file;
	const char	*pid_file;
};

struct conn {
	uv_tcp_t	 tcp;		/* first, so a handle casts to its conn */
	uv_write_t	 wr;		/* at most one answer in flight */
	struct server	*srv;
	struct conn	*prev, *next;
	uv_timer_t	*delay;		/* slow mode only */
	const struct canned *reply;	/* the answer being delayed or written */
	const struct answers *ans;	/* this endpoint's */
	struct canned	 adhoc;		/* "'X' command not supported." */
	char		*buf;
	size_t		 len, cap;
	char		 date[DATE_LINE_LEN];
	char		 stamps[MAX_STAMPS][STAMP_MAX_LEN];
	unsigned	 open_handles;
	bool		 busy, stalled, closing, close_after;
};

struct server {
	struct options	 opt;
	uv_loop_t	 loop;
	uv_tcp_t	*listeners;
	size_t		 nlisteners;
	uv_signal_t	 signals[3];
	uv_timer_t	 deadline;
	struct conn	*conns;
	struct answers	*ans;		/* one set, or one per endpoint (--ha-pairs) */
	size_t		 nans;
	struct canned	 bad_request, no_command, too_big, fault;
	bool		 alt_active, stopping, failed, pid_written;
	time_t		 start_sec;	/* when the seconds stamps count from */
	time_t		 date_sec;
	char		 date_line[DATE_LINE_LEN];
	unsigned long long requests, answered, connections;
};

/* HTTP requests, only as much as a Kea client sends. */
struct request {
	size_t		 total;		/* bytes it takes in the buffer */
	const char	*body;
	size_t		 body_len;
	bool		 post, json, close;
};

enum parse { PARSE_MORE, PARSE_OK, PARSE_TOO_BIG };

static void conn_close(struct conn *);
static void conn_process(struct conn *);
static void server_stop(struct server *);

static void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL) {
		fprintf(stderr, "fakeagent: out of memory\n");
		abort();
	}
	return p;
}

/* Index of needle in hay, or SIZE_MAX; the request buffer is not a string. */
static size_t
find_bytes(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
	for (size_t i = 0; i + nlen <= hlen; i++) {
		const char *p = memchr(hay + i, needle[0], hlen - nlen - i + 1);

		if (p == NULL)
			return SIZE_MAX;
		i = (size_t)(p - hay);
		if (memcmp(p, needle, nlen) == 0)
			return i;
	}
	return SIZE_MAX;
}

/* RFC 1123 date, locale-free; writes exactly HTTP_DATE_LEN characters. */
static void
http_date(time_t t, char *out)
{
	static const char wday[7][4] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char mon[12][4] = { "Jan", "Feb", "Mar", "Apr", "May",
		"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	char tmp[64];
	struct tm tm;

	gmtime_r(&t, &tm);
	if (snprintf(tmp, sizeof tmp, "%s, %02d %s %04d %02d:%02d:%02d GMT",
	    wday[tm.tm_wday], tm.tm_mday, mon[tm.tm_mon], tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec) != HTTP_DATE_LEN)
		memset(tmp, '?', HTTP_DATE_LEN);
	memcpy(out, tmp, HTTP_DATE_LEN);
}

/* Reformat the shared Date line only when the (offset) second changes. */
static void
clock_refresh(struct server *s)
{
	time_t now = time(NULL) + (time_t)s->opt.clock_offset;

	if (now == s->date_sec)
		return;
	s->date_sec = now;
	http_date(now, s->date_line);
	memcpy(s->date_line + HTTP_DATE_LEN, "\r\n\r\n", 4);
}

/* ---- preformatted answers ---- */

/* Fill in a canned answer's head; returns where its body_len bytes go. */
static char *
canned_alloc(struct canned *r, const char *status, const char *extra,
    size_t body_len, size_t declared_len, enum after after)
{
	char head[512];
	int n;

	n = snprintf(head, sizeof head, "HTTP/1.1 %s\r\nContent-Length: %zu\r\n"
	    CONTENT_JSON "%sDate: ", status, declared_len, extra);
	if (n < 0 || (size_t)n >= sizeof head)
		abort();
	r->mem = xmalloc((size_t)n + body_len);
	memcpy(r->mem, head, (size_t)n);
	r->head_len = (size_t)n;
	r->body_len = body_len;
	r->nstamps = 0;
	r->dated = true;
	r->after = after;
	return r->mem + n;
}

static void
canned_build(struct canned *r, const char *status, const char *extra,
    const char *body, size_t len, enum after after)
{
	memcpy(canned_alloc(r, status, extra, len, len, after), body, len);
}

static void
canned_free(struct canned *r)
{
	free(r->mem);
	r->mem = NULL;
}

/* Where the value of "key" starts and ends (after ": " and a quote for strings). */
static bool
value_span(const char *body, size_t len, const char *key, size_t *v, size_t *e)
{
	size_t klen = strlen(key), at = find_bytes(body, len, key, klen), i;

	if (at == SIZE_MAX)
		return false;
	for (i = at + klen; i < len && (body[i] == ' ' || body[i] == ':'); i++)
		;
	if (i < len && body[i] == '"') {
		*v = ++i;
		while (i < len && body[i] != '"')
			i++;
	} else {
		*v = i;
		while (i < len && body[i] >= '0' && body[i] <= '9')
			i++;
	}
	*e = i;
	return i < len && *e > *v;
}

/*
 * A 200 answer whose values for the given keys ("date-time": the HTTP date;
 * "reload", "uptime": seconds going on) are cut out, to be stamped per answer.
 */
static void
canned_stamped(struct canned *r, const char *body, size_t len,
    const char *const *keys, size_t nkeys)
{
	struct stamp st[MAX_STAMPS];
	size_t cut[MAX_STAMPS][2], n = 0, out_len = len, declared = len, pos = 0;
	char *out;

	for (size_t k = 0; k < nkeys && n < MAX_STAMPS; k++) {
		size_t v, e, j;

		if (!value_span(body, len, keys[k], &v, &e))
			continue;
		for (j = n; j > 0 && cut[j - 1][0] > v; j--) {	/* in body order */
			cut[j][0] = cut[j - 1][0];
			cut[j][1] = cut[j - 1][1];
			st[j] = st[j - 1];
		}
		cut[j][0] = v;
		cut[j][1] = e;
		st[j].kind = strcmp(keys[k], "\"date-time\"") == 0 ? STAMP_DATE :
		    STAMP_SECONDS;
		st[j].base = st[j].kind == STAMP_SECONDS ? strtol(body + v, NULL, 10) : 0;
		n++;
		out_len -= e - v;
		declared += (st[j].kind == STAMP_DATE ? HTTP_DATE_LEN : SECONDS_LEN) -
		    (e - v);
	}
	out = canned_alloc(r, "200 OK", "", out_len, declared, AFTER_KEEP);
	for (size_t i = 0; i < n; i++) {
		memcpy(out, body + pos, cut[i][0] - pos);
		out += cut[i][0] - pos;
		st[i].at = (size_t)(out - (r->mem + r->head_len));
		r->stamp[i] = st[i];
		pos = cut[i][1];
	}
	memcpy(out, body + pos, len - pos);
	r->nstamps = (int)n;
}

/* Random bytes that no HTTP client can take for a status line. */
static void
canned_garbage(struct canned *r)
{
	uint64_t x = ((uint64_t)time(NULL) << 20) ^ (uint64_t)getpid() ^ 0x9e3779b97f4a7c15ULL;

	r->mem = xmalloc(GARBAGE_LEN);
	for (size_t i = 0; i < GARBAGE_LEN; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		r->mem[i] = (char)(x >> 24);
	}
	r->mem[0] = '\x16';	/* never 'H' of "HTTP/" */
	r->head_len = GARBAGE_LEN;
	r->body_len = 0;
	r->nstamps = 0;
	r->dated = false;
	r->after = AFTER_CLOSE;
}

/* A valid answer whose body is one JSON object holding a 10 MB string. */
static void
canned_huge(struct canned *r)
{
	static const char pre[] = "[ { \"result\": 0, \"text\": \"";
	static const char post[] = "\" } ]";
	size_t len = sizeof pre - 1 + HUGE_STRING + sizeof post - 1;
	char *out = canned_alloc(r, "200 OK", "", len, len, AFTER_KEEP);

	memcpy(out, pre, sizeof pre - 1);
	memset(out + sizeof pre - 1, 'x', HUGE_STRING);
	memcpy(out + sizeof pre - 1 + HUGE_STRING, post, sizeof post - 1);
}

/* The one answer every request gets in a fault mode. */
static void
canned_fault(struct canned *r, enum mode mode, const char *status, size_t len)
{
	static const char e500[] = "{ \"result\": 500, \"text\": \"Internal Server Error\" }";
	static const char e401[] = "{ \"result\": 401, \"text\": \"Unauthorized\" }";

	switch (mode) {
	case MODE_GARBAGE:
		canned_garbage(r);
		break;
	case MODE_CUT_BODY:
		memcpy(canned_alloc(r, "200 OK", "", len / 2, len, AFTER_CLOSE),
		    status, len / 2);
		break;
	case MODE_HUGE:
		canned_huge(r);
		break;
	case MODE_HANG_AFTER_HEADERS:
		canned_alloc(r, "200 OK", "", 0, len, AFTER_STALL);
		break;
	case MODE_HTTP_500:
		canned_build(r, "500 Internal Server Error", "", e500,
		    sizeof e500 - 1, AFTER_KEEP);
		break;
	case MODE_HTTP_401:
		canned_build(r, "401 Unauthorized", "WWW-Authenticate: Basic "
		    "realm=\"kea-control-agent\"\r\n", e401, sizeof e401 - 1,
		    AFTER_KEEP);
		break;
	case MODE_NOT_JSON:
		canned_build(r, "200 OK", "", "hello", 5, AFTER_KEEP);
		break;
	case MODE_EMPTY_LIST:
		canned_build(r, "200 OK", "", "[]", 2, AFTER_KEEP);
		break;
	default:	/* normal, slow and hang need no fault answer */
		break;
	}
}

/* Whole file in memory, or NULL with a message. */
static char *
file_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0)
		goto fail;
	data = xmalloc((size_t)n);
	if (fread(data, 1, (size_t)n, f) != (size_t)n)
		goto fail;
	fclose(f);
	*len = (size_t)n;
	return data;
fail:
	fprintf(stderr, "fakeagent: %s: %s\n", path, strerror(errno ? errno : EIO));
	free(data);
	if (f != NULL)
		fclose(f);
	return NULL;
}

static bool
mode_needs_status(enum mode m)
{
	return m == MODE_NORMAL || m == MODE_SLOW || m == MODE_CUT_BODY ||
	    m == MODE_HANG_AFTER_HEADERS;
}

/* The body files, read once; each endpoint's answers are made from them. */
enum body_file { F_STATUS, F_ALT_STATUS, F_HEARTBEAT, F_ALT_HEARTBEAT, F_CONFIG,
	F_SEC_STATUS, F_SEC_ALT_STATUS, F_SEC_HEARTBEAT, F_SEC_ALT_HEARTBEAT, F_COUNT };

struct bodies {
	char		*data[F_COUNT];	/* NULL when not given */
	size_t		 len[F_COUNT];
};

static bool
bodies_read(const struct options *o, struct bodies *b)
{
	const char *path[F_COUNT] = { o->status_file, o->alt_status_file,
	    o->heartbeat_file, o->alt_heartbeat_file, o->config_file,
	    o->sec_status_file, o->sec_alt_status_file, o->sec_heartbeat_file,
	    o->sec_alt_heartbeat_file };

	for (int i = 0; i < F_COUNT; i++)
		if (path[i] != NULL && (b->data[i] = file_read(path[i], &b->len[i])) == NULL)
			return false;
	return true;
}

static void
bodies_free(struct bodies *b)
{
	for (int i = 0; i < F_COUNT; i++)
		free(b->data[i]);
}

/* --ha-pairs: who endpoint i is, and its partner; the placeholders' values. */
struct names {
	char		 self[64], primary[64], secondary[64];
	char		 primary_url[64], secondary_url[64];
};

static void endpoint_addr(const struct options *o, long i, struct sockaddr_in *sa);

static void
endpoint_url(const struct options *o, long i, char *out, size_t size)
{
	struct sockaddr_in sa;
	char host[INET_ADDRSTRLEN];

	endpoint_addr(o, i, &sa);
	uv_ip4_name(&sa, host, sizeof host);
	snprintf(out, size, "http://%s:%d/", host, ntohs(sa.sin_port));
}

/* Endpoint 2k is the primary and 2k+1 the secondary of one relationship. */
static void
names_of(const struct options *o, long i, struct names *nm)
{
	long p = i - i % 2;

	snprintf(nm->self, sizeof nm->self, "%s-%ld", o->pair_prefix, i);
	snprintf(nm->primary, sizeof nm->primary, "%s-%ld", o->pair_prefix, p);
	snprintf(nm->secondary, sizeof nm->secondary, "%s-%ld", o->pair_prefix, p + 1);
	endpoint_url(o, p, nm->primary_url, sizeof nm->primary_url);
	endpoint_url(o, p + 1, nm->secondary_url, sizeof nm->secondary_url);
}

/* A template with @SELF@, @PRIMARY@, @SECONDARY@, @PRIMARY_URL@, @SECONDARY_URL@ filled in. */
static char *
subst(const char *t, size_t len, const struct names *nm, size_t *out_len)
{
	const struct { const char *key; const char *value; } vars[] = {
		{ "@SELF@", nm->self }, { "@PRIMARY@", nm->primary },
		{ "@SECONDARY@", nm->secondary }, { "@PRIMARY_URL@", nm->primary_url },
		{ "@SECONDARY_URL@", nm->secondary_url },
	};
	/* Every placeholder is at least 6 bytes and its value under 64. */
	char *out = xmalloc(len + (len / 6 + 1) * 64), *w = out;

	for (size_t i = 0; i < len; ) {
		size_t v, klen = 0;

		for (v = 0; t[i] == '@' && v < sizeof vars / sizeof vars[0]; v++) {
			klen = strlen(vars[v].key);
			if (i + klen <= len && memcmp(t + i, vars[v].key, klen) == 0)
				break;
		}
		if (t[i] == '@' && v < sizeof vars / sizeof vars[0]) {
			size_t n = strlen(vars[v].value);
			memcpy(w, vars[v].value, n);
			w += n;
			i += klen;
		} else
			*w++ = t[i++];
	}
	*out_len = (size_t)(w - out);
	return out;
}

/* One answer from body file f (NULL: not given), filled in for nm when given. */
static void
answer_make(struct server *s, struct canned *r, const struct bodies *b,
    enum body_file f, const struct names *nm)
{
	static const char *const hb_keys[] = { "\"date-time\"" };
	static const char *const status_keys[] = { "\"reload\"", "\"uptime\"" };
	bool status = f == F_STATUS || f == F_ALT_STATUS || f == F_SEC_STATUS ||
	    f == F_SEC_ALT_STATUS;
	bool hb = f == F_HEARTBEAT || f == F_ALT_HEARTBEAT || f == F_SEC_HEARTBEAT ||
	    f == F_SEC_ALT_HEARTBEAT;
	/* A simulated live Kea (--ha-pairs); otherwise the captured bytes, as tests compare them. */
	bool ticking = s->opt.pair_prefix != NULL &&
	    (s->opt.mode == MODE_NORMAL || s->opt.mode == MODE_SLOW);
	size_t len = b->len[f];
	char *data = b->data[f];

	if (data == NULL)
		return;
	if (nm != NULL)
		data = subst(data, len, nm, &len);
	if (hb)
		canned_stamped(r, data, len, hb_keys, 1);
	else if (status && ticking)
		canned_stamped(r, data, len, status_keys, 2);
	else
		canned_build(r, "200 OK", "", data, len, AFTER_KEEP);
	if (nm != NULL)
		free(data);
}

/* A secondary's body file: its own when given, else the primary's. */
static enum body_file
role_file(const struct bodies *b, enum body_file primary, enum body_file secondary, long i)
{
	return i % 2 == 1 && b->data[secondary] != NULL ? secondary : primary;
}

static void
answers_make(struct server *s, struct answers *a, const struct bodies *b, long i)
{
	struct names nm;
	const struct names *np = NULL;

	if (s->opt.pair_prefix != NULL) {
		names_of(&s->opt, i, &nm);
		np = &nm;
	}
	answer_make(s, &a->status, b, role_file(b, F_STATUS, F_SEC_STATUS, i), np);
	answer_make(s, &a->alt_status, b, role_file(b, F_ALT_STATUS, F_SEC_ALT_STATUS, i), np);
	answer_make(s, &a->heartbeat, b, role_file(b, F_HEARTBEAT, F_SEC_HEARTBEAT, i), np);
	answer_make(s, &a->alt_heartbeat, b,
	    role_file(b, F_ALT_HEARTBEAT, F_SEC_ALT_HEARTBEAT, i), np);
	answer_make(s, &a->config, b, F_CONFIG, np);
}

static bool
replies_load(struct server *s)
{
	static const char bad[] = "{ \"result\": 400, \"text\": \"Bad Request\" }";
	static const char big[] = "{ \"result\": 413, \"text\": \"Request Entity Too Large\" }";
	static const char nocmd[] = "[ { \"result\": 1, \"text\": \"Error during "
	    "command processing: Invalid answer specified, does not contain "
	    "mandatory 'command'\" } ]";
	const struct options *o = &s->opt;
	struct bodies b = { 0 };

	if (!bodies_read(o, &b)) {
		bodies_free(&b);
		return false;
	}
	/* Preformatted per endpoint at start: the request path stays allocation-free. */
	s->nans = o->pair_prefix != NULL ? (size_t)o->count : 1;
	s->ans = calloc(s->nans, sizeof *s->ans);
	if (s->ans == NULL)
		abort();
	for (size_t i = 0; i < s->nans; i++)
		answers_make(s, &s->ans[i], &b, (long)i);
	canned_build(&s->bad_request, "400 Bad Request", "", bad, sizeof bad - 1,
	    AFTER_KEEP);
	canned_build(&s->too_big, "413 Request Entity Too Large", "", big,
	    sizeof big - 1, AFTER_CLOSE);
	canned_build(&s->no_command, "200 OK", "", nocmd, sizeof nocmd - 1,
	    AFTER_KEEP);
	canned_fault(&s->fault, o->mode, b.data[F_STATUS] ? b.data[F_STATUS] : "",
	    b.len[F_STATUS]);
	bodies_free(&b);
	return true;
}

static void
replies_free(struct server *s)
{
	struct canned *all[] = { &s->bad_request, &s->no_command, &s->too_big, &s->fault };

	for (size_t i = 0; i < s->nans; i++) {
		canned_free(&s->ans[i].status);
		canned_free(&s->ans[i].alt_status);
		canned_free(&s->ans[i].heartbeat);
		canned_free(&s->ans[i].alt_heartbeat);
		canned_free(&s->ans[i].config);
	}
	free(s->ans);
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		canned_free(all[i]);
}

/* ---- HTTP request parsing ---- */

static bool
name_is(const char *name, size_t len, const char *want)
{
	return len == strlen(want) && strncasecmp(name, want, len) == 0;
}

static bool
value_starts(const char *v, size_t len, const char *want)
{
	return len >= strlen(want) && strncasecmp(v, want, strlen(want)) == 0;
}

/* Content-Length value, capped just past MAX_BODY so it cannot overflow. */
static size_t
parse_length(const char *v, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len && v[i] >= '0' && v[i] <= '9'; i++) {
		n = n * 10 + (size_t)(v[i] - '0');
		if (n > MAX_BODY)
			return (size_t)MAX_BODY + 1;
	}
	return n;
}

static void
header_apply(struct request *rq, const char *line, size_t len, size_t *clen)
{
	const char *colon = memchr(line, ':', len), *v;
	size_t nlen, vlen;

	if (colon == NULL)
		return;
	nlen = (size_t)(colon - line);
	v = colon + 1;
	vlen = len - nlen - 1;
	while (vlen > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		vlen--;
	}
	if (name_is(line, nlen, "content-length"))
		*clen = parse_length(v, vlen);
	else if (name_is(line, nlen, "content-type"))
		rq->json = value_starts(v, vlen, "application/json");
	else if (name_is(line, nlen, "connection"))
		rq->close = value_starts(v, vlen, "close");
}

static enum parse
http_parse(const char *buf, size_t len, struct request *rq)
{
	size_t end = find_bytes(buf, len, "\r\n\r\n", 4), head_len, clen = 0;
	size_t line_end, pos;

	if (end == SIZE_MAX)
		return len > MAX_HEAD ? PARSE_TOO_BIG : PARSE_MORE;
	head_len = end + 4;
	memset(rq, 0, sizeof *rq);
	line_end = find_bytes(buf, end + 2, "\r\n", 2);
	rq->post = line_end >= 5 && memcmp(buf, "POST ", 5) == 0;
	rq->close = line_end >= 8 && memcmp(buf + line_end - 8, "HTTP/1.0", 8) == 0;
	for (pos = line_end + 2; pos < end; ) {
		size_t n = find_bytes(buf + pos, end + 2 - pos, "\r\n", 2);

		header_apply(rq, buf + pos, n, &clen);
		pos += n + 2;
	}
	if (head_len > MAX_HEAD || clen > MAX_BODY)
		return PARSE_TOO_BIG;
	if (len - head_len < clen)
		return PARSE_MORE;
	rq->body = buf + head_len;
	rq->body_len = clen;
	rq->total = head_len + clen;
	return PARSE_OK;
}

/* Kea answers 400 unless the body is a JSON map; a cheap look at its first byte. */
static bool
looks_like_object(const char *body, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (body[i] != ' ' && body[i] != '\t' && body[i] != '\r' &&
		    body[i] != '\n')
			return body[i] == '{';
	}
	return false;
}

/* The "command" string value, found by search rather than a JSON parse. */
static bool
find_command(const char *body, size_t len, char *out, size_t outsz)
{
	size_t i = find_bytes(body, len, "\"command\"", 9), n = 0;

	if (i == SIZE_MAX)
		return false;
	for (i += 9; i < len && (body[i] == ' ' || body[i] == '\t' ||
	    body[i] == '\r' || body[i] == '\n' || body[i] == ':'); i++)
		;
	if (i >= len || body[i] != '"')
		return false;
	for (i++; i < len && body[i] != '"' && n + 1 < outsz; i++) {
		char ch = body[i];
		bool plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' &&
		    ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
		    ch == '_' || ch == '.';

		out[n++] = plain ? ch : '?';	/* keep our answer valid JSON */
	}
	out[n] = '\0';
	return true;
}

/* ---- connections ---- */

static const struct canned *
unsupported_reply(struct conn *c, const char *command)
{
	char body[COMMAND_MAX + 80];
	int n;

	n = snprintf(body, sizeof body, "[ { \"result\": 2, \"text\": \"'%s' "
	    "command not supported.\" } ]", command);
	free(c->adhoc.mem);
	canned_build(&c->adhoc, "200 OK", "", body, (size_t)n, AFTER_KEEP);
	return &c->adhoc;
}

/* What a Kea agent would answer, for normal and slow modes. */
static const struct canned *
command_reply(struct conn *c, const struct request *rq)
{
	struct server *s = c->srv;
	const struct answers *a = c->ans;
	char command[COMMAND_MAX + 1];

	if (!rq->post || !rq->json || !looks_like_object(rq->body, rq->body_len))
		return &s->bad_request;
	if (!find_command(rq->body, rq->body_len, command, sizeof command))
		return &s->no_command;
	if (strcmp(command, "status-get") == 0)
		return s->alt_active && a->alt_status.mem != NULL ? &a->alt_status :
		    &a->status;
	if (strcmp(command, "ha-heartbeat") == 0 && s->alt_active &&
	    a->alt_heartbeat.mem != NULL)
		return &a->alt_heartbeat;
	if (strcmp(command, "ha-heartbeat") == 0 && a->heartbeat.mem != NULL)
		return &a->heartbeat;
	if (strcmp(command, "config-get") == 0 && a->config.mem != NULL)
		return &a->config;
	return unsupported_reply(c, command);
}

/* The answer to one request; NULL means never answer (hang mode). */
static const struct canned *
choose_reply(struct conn *c, const struct request *rq)
{
	switch (c->srv->opt.mode) {
	case MODE_NORMAL:
	case MODE_SLOW:
		return command_reply(c, rq);
	case MODE_HANG:
		return NULL;
	default:
		return &c->srv->fault;
	}
}

static void
on_conn_handle_closed(uv_handle_t *h)
{
	struct conn *c = h->data;

	if (--c->open_handles > 0)
		return;
	free(c->adhoc.mem);
	free(c->buf);
	free(c->delay);
	free(c);
}

static void
conn_close(struct conn *c)
{
	struct server *s = c->srv;

	if (c->closing)
		return;
	c->closing = true;
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	uv_close((uv_handle_t *)&c->tcp, on_conn_handle_closed);
	if (c->delay != NULL)
		uv_close((uv_handle_t *)c->delay, on_conn_handle_closed);
}

static void
on_written(uv_write_t *req, int status)
{
	struct conn *c = container_of(req, struct conn, wr);
	enum after after;

	if (status < 0) {	/* includes UV_ECANCELED while closing */
		conn_close(c);
		return;
	}
	c->srv->answered++;
	after = c->reply->after;
	if (after == AFTER_KEEP && c->close_after)
		after = AFTER_CLOSE;
	c->busy = false;
	if (after == AFTER_CLOSE)
		conn_close(c);
	else if (after == AFTER_STALL) {
		c->stalled = true;
		c->len = 0;
	} else
		conn_process(c);	/* a pipelined request may be waiting */
}

/* A stamp's text: the HTTP date, or its seconds going on, right-aligned. */
static void
stamp_text(const struct server *s, const struct stamp *st, const char *date, char *out)
{
	char tmp[32];

	if (st->kind == STAMP_DATE) {
		memcpy(out, date, HTTP_DATE_LEN);
		return;
	}
	snprintf(tmp, sizeof tmp, "%*ld", SECONDS_LEN,
	    st->base + (long)(time(NULL) - s->start_sec));
	memcpy(out, tmp, SECONDS_LEN);
}

/* One writev: fixed head, this second's Date line, body pieces around the stamps. */
static void
conn_answer(struct conn *c, const struct canned *r)
{
	const char *body = r->mem + r->head_len;
	uv_buf_t b[3 + 2 * MAX_STAMPS];
	unsigned n = 0;
	size_t pos = 0;

	c->busy = true;
	c->reply = r;
	b[n++] = uv_buf_init(r->mem, (unsigned)r->head_len);
	if (r->dated) {
		clock_refresh(c->srv);
		memcpy(c->date, c->srv->date_line, DATE_LINE_LEN);
		b[n++] = uv_buf_init(c->date, DATE_LINE_LEN);
	}
	for (int i = 0; i < r->nstamps; i++) {
		const struct stamp *st = &r->stamp[i];

		stamp_text(c->srv, st, c->date, c->stamps[i]);
		b[n++] = uv_buf_init((char *)body + pos, (unsigned)(st->at - pos));
		b[n++] = uv_buf_init(c->stamps[i], st->kind == STAMP_DATE ?
		    HTTP_DATE_LEN : SECONDS_LEN);
		pos = st->at;
	}
	if (r->body_len > pos)
		b[n++] = uv_buf_init((char *)body + pos, (unsigned)(r->body_len - pos));
	if (uv_write(&c->wr, (uv_stream_t *)&c->tcp, b, n, on_written) != 0)
		conn_close(c);
}

static void
on_delay_done(uv_timer_t *t)
{
	struct conn *c = t->data;

	conn_answer(c, c->reply);
}

/* Slow mode: hold the answer for --delay-ms on a per-connection timer. */
static void
conn_delay(struct conn *c, const struct canned *r)
{
	if (c->delay == NULL) {
		c->delay = xmalloc(sizeof *c->delay);
		uv_timer_init(&c->srv->loop, c->delay);
		c->delay->data = c;
		c->open_handles++;
	}
	c->busy = true;
	c->reply = r;
	uv_timer_start(c->delay, on_delay_done, (uint64_t)c->srv->opt.delay_ms, 0);
}

static void
conn_consume(struct conn *c, size_t n)
{
	memmove(c->buf, c->buf + n, c->len - n);
	c->len -= n;
}

/* Answer every complete request in the buffer, one at a time. */
static void
conn_process(struct conn *c)
{
	struct server *s = c->srv;
	const struct canned *r;
	struct request rq;
	enum parse p;

	while (!c->busy && !c->stalled && !c->closing) {
		if ((p = http_parse(c->buf, c->len, &rq)) == PARSE_MORE)
			return;
		s->requests++;
		if (p == PARSE_TOO_BIG) {
			c->len = 0;
			conn_answer(c, &s->too_big);
			return;
		}
		r = choose_reply(c, &rq);
		c->close_after = rq.close;
		conn_consume(c, rq.total);
		if (r == NULL) {
			c->stalled = true;
			c->len = 0;
		} else if (s->opt.mode == MODE_SLOW)
			conn_delay(c, r);
		else
			conn_answer(c, r);
	}
}

/* Read straight into the connection's own buffer, grown only for big requests. */
static void
on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct conn *c = h->data;
	size_t cap;

	(void)suggested;
	if (c->cap - c->len < READ_MIN && c->cap < READ_LIMIT) {
		cap = c->cap ? c->cap * 2 : READ_FIRST;
		c->cap = cap < READ_LIMIT ? cap : READ_LIMIT;
		if ((c->buf = realloc(c->buf, c->cap)) == NULL) {
			fprintf(stderr, "fakeagent: out of memory\n");
			abort();
		}
	}
	*buf = uv_buf_init(c->buf + c->len, (unsigned)(c->cap - c->len));
}

static void
on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
	struct conn *c = stream->data;

	(void)buf;
	if (nread < 0) {	/* EOF, reset, or a full buffer (UV_ENOBUFS) */
		conn_close(c);
		return;
	}
	c->len += (size_t)nread;
	if (c->stalled)
		c->len = 0;	/* hung: read and drop */
	else
		conn_process(c);
}

static void
on_connection(uv_stream_t *listener, int status)
{
	struct server *s = listener->loop->data;
	struct conn *c;

	if (status < 0) {
		fprintf(stderr, "fakeagent: accept: %s\n", uv_strerror(status));
		return;
	}
	c = calloc(1, sizeof *c);
	if (c == NULL)
		abort();
	c->srv = s;
	/* The listener's index is the endpoint's: its own answers with --ha-pairs. */
	c->ans = &s->ans[s->nans > 1 ? (size_t)((uv_tcp_t *)listener - s->listeners) : 0];
	c->open_handles = 1;
	uv_tcp_init(&s->loop, &c->tcp);
	c->tcp.data = c;
	c->next = s->conns;
	if (s->conns != NULL)
		s->conns->prev = c;
	s->conns = c;
	s->connections++;
	if (uv_accept(listener, (uv_stream_t *)&c->tcp) != 0) {
		conn_close(c);
		return;
	}
	uv_tcp_nodelay(&c->tcp, 1);
	uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
}

/* ---- listeners ---- */

/* Endpoint i: base address + i on one port, or one address and port base + i. */
static void
endpoint_addr(const struct options *o, long i, struct sockaddr_in *sa)
{
	if (o->addr_base != NULL) {
		uv_ip4_addr(o->addr_base, (int)o->port, sa);
		sa->sin_addr.s_addr = htonl(ntohl(sa->sin_addr.s_addr) + (uint32_t)i);
	} else
		uv_ip4_addr(o->addr, (int)(o->port_base + i), sa);
}

static bool
listeners_start(struct server *s)
{
	struct sockaddr_in sa;
	char name[INET_ADDRSTRLEN];
	int err;

	s->listeners = calloc((size_t)s->opt.count, sizeof *s->listeners);
	if (s->listeners == NULL)
		abort();
	for (long i = 0; i < s->opt.count; i++) {
		endpoint_addr(&s->opt, i, &sa);
		uv_tcp_init(&s->loop, &s->listeners[i]);
		s->nlisteners++;
		err = uv_tcp_bind(&s->listeners[i], (struct sockaddr *)&sa, 0);
		if (err == 0)
			err = uv_listen((uv_stream_t *)&s->listeners[i], 511,
			    on_connection);
		if (err != 0) {
			uv_ip4_name(&sa, name, sizeof name);
			fprintf(stderr, "fakeagent: listen on %s:%d: %s\n", name,
			    ntohs(sa.sin_port), uv_strerror(err));
			return false;
		}
	}
	return true;
}

/* ---- process: signals, limits, reports ---- */

static void
on_stop_signal(uv_signal_t *h, int signum)
{
	fprintf(stderr, "fakeagent: signal %d, stopping\n", signum);
	server_stop(h->loop->data);
}

/* Flip every endpoint's status-get answer; the logged instant is what the benchmark times. */
static void
on_usr1(uv_signal_t *h, int signum)
{
	struct server *s = h->loop->data;
	struct timespec ts;

	(void)signum;
	if (s->ans[0].alt_status.mem == NULL) {
		fprintf(stderr, "fakeagent: SIGUSR1 ignored: no --alt-status-body\n");
		return;
	}
	s->alt_active = !s->alt_active;
	clock_gettime(CLOCK_REALTIME, &ts);
	fprintf(stderr, "fakeagent: status-switch %s %lld.%06ld\n",
	    s->alt_active ? "alt" : "main", (long long)ts.tv_sec,
	    ts.tv_nsec / 1000);
}

static void
on_deadline(uv_timer_t *t)
{
	struct server *s = t->loop->data;

	fprintf(stderr, "fakeagent: --max-seconds %ld reached, stopping\n",
	    s->opt.max_seconds);
	server_stop(s);
}

/* Close every handle; uv_run returns once their close callbacks have run. */
static void
server_stop(struct server *s)
{
	if (s->stopping)
		return;
	s->stopping = true;
	for (size_t i = 0; i < s->nlisteners; i++)
		uv_close((uv_handle_t *)&s->listeners[i], NULL);
	while (s->conns != NULL)
		conn_close(s->conns);
	for (size_t i = 0; i < 3; i++)
		uv_close((uv_handle_t *)&s->signals[i], NULL);
	uv_close((uv_handle_t *)&s->deadline, NULL);
}

static void
raise_fd_limit(long count)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		fprintf(stderr, "fakeagent: setrlimit: %s\n", strerror(errno));
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < (rlim_t)(2 * count + 32))
		fprintf(stderr, "fakeagent: warning: %llu file descriptors for "
		    "%ld listeners and as many connections\n",
		    (unsigned long long)rl.rlim_cur, count);
}

static void
pid_file_write(struct server *s)
{
	FILE *f;

	if (s->opt.pid_file == NULL)
		return;
	if ((f = fopen(s->opt.pid_file, "w")) == NULL) {
		fprintf(stderr, "fakeagent: %s: %s\n", s->opt.pid_file,
		    strerror(errno));
		return;
	}
	fprintf(f, "%ld\n", (long)getpid());
	fclose(f);
	s->pid_written = true;
}

/* The figures a benchmark subtracts: our own requests and CPU time. */
static void
report_usage(const struct server *s)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	fprintf(stderr, "fakeagent: requests=%llu answered=%llu connections=%llu "
	    "cpu_user_s=%ld.%06ld cpu_sys_s=%ld.%06ld maxrss_kb=%ld\n",
	    s->requests, s->answered, s->connections, (long)ru.ru_utime.tv_sec,
	    (long)ru.ru_utime.tv_usec, (long)ru.ru_stime.tv_sec,
	    (long)ru.ru_stime.tv_usec, ru.ru_maxrss);
}

static void
report_start(const struct server *s)
{
	const struct options *o = &s->opt;
	struct sockaddr_in first, last;
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

	endpoint_addr(o, 0, &first);
	endpoint_addr(o, o->count - 1, &last);
	uv_ip4_name(&first, a, sizeof a);
	uv_ip4_name(&last, b, sizeof b);
	fprintf(stderr, "fakeagent: pid %ld, mode %s, %ld endpoints %s:%d .. "
	    "%s:%d\n", (long)getpid(), mode_names[o->mode], o->count, a,
	    ntohs(first.sin_port), b, ntohs(last.sin_port));
}

static void
server_init_handles(struct server *s)
{
	static const int signums[3] = { SIGTERM, SIGINT, SIGUSR1 };

	uv_loop_init(&s->loop);
	s->loop.data = s;
	s->date_sec = (time_t)-1;
	s->start_sec = time(NULL);
	for (size_t i = 0; i < 3; i++) {
		uv_signal_init(&s->loop, &s->signals[i]);
		uv_signal_start(&s->signals[i], signums[i] == SIGUSR1 ? on_usr1 :
		    on_stop_signal, signums[i]);
	}
	uv_timer_init(&s->loop, &s->deadline);
	uv_timer_start(&s->deadline, on_deadline,
	    (uint64_t)s->opt.max_seconds * 1000, 0);
}

static int
server_run(struct server *s)
{
	int err;

	if (!replies_load(s))
		return 1;
	server_init_handles(s);
	if (listeners_start(s)) {
		pid_file_write(s);
		report_start(s);
		printf("ready\n");
		fflush(stdout);
	} else {
		s->failed = true;
		server_stop(s);
	}
	uv_run(&s->loop, UV_RUN_DEFAULT);
	if ((err = uv_loop_close(&s->loop)) != 0)
		fprintf(stderr, "fakeagent: loop close: %s\n", uv_strerror(err));
	if (s->pid_written)
		unlink(s->opt.pid_file);
	report_usage(s);
	return s->failed ? 1 : 0;
}

/* ---- command line ---- */

struct optdef {
	const char	*name;
	const char	**str;		/* a string option, or */
	long		*num;		/* a number in [min, max] */
	long		 min, max;
	const char	*help;
};

static void
usage(const struct optdef *defs, size_t n)
{
	fprintf(stderr, "usage: fakeagent (--addr-base A --port P | --addr A "
	    "--port-base P) [--count N] [options]\n");
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "  --%-18s %s\n", defs[i].name, defs[i].help);
	fprintf(stderr, "modes:");
	for (size_t i = 0; i < MODE_COUNT; i++)
		fprintf(stderr, " %s", mode_names[i]);
	fprintf(stderr, "\n");
}

static bool
option_set(const struct optdef *d, const char *value)
{
	char *end;
	long v;

	if (d->str != NULL) {
		*d->str = value;
		return true;
	}
	errno = 0;
	v = strtol(value, &end, 10);
	if (errno != 0 || *end != '\0' || end == value || v < d->min ||
	    v > d->max) {
		fprintf(stderr, "fakeagent: --%s: want a number in %ld..%ld\n",
		    d->name, d->min, d->max);
		return false;
	}
	*d->num = v;
	return true;
}

static bool
mode_set(struct options *o)
{
	for (size_t i = 0; i < MODE_COUNT; i++) {
		if (strcmp(o->mode_name, mode_names[i]) == 0) {
			o->mode = (enum mode)i;
			return true;
		}
	}
	fprintf(stderr, "fakeagent: unknown --mode %s\n", o->mode_name);
	return false;
}

/* Endpoints must stay inside 127.0.0.0/8 and the port range. */
static bool
layout_check(struct options *o)
{
	struct sockaddr_in sa;
	uint32_t first, last;

	if (o->addr_base == NULL && o->port_base == 0)
		o->port_base = o->port;	/* --addr A --port P: one endpoint */
	if ((o->addr_base != NULL) == (o->port_base != 0) ||
	    (o->addr_base != NULL && (o->port == 0 || o->addr != NULL))) {
		fprintf(stderr, "fakeagent: give --addr-base A --port P, or "
		    "--addr A --port-base P\n");
		return false;
	}
	if (o->addr_base == NULL) {
		if (o->addr == NULL)
			o->addr = "127.0.0.1";
		if (uv_ip4_addr(o->addr, 0, &sa) == 0 &&
		    o->port_base + o->count - 1 <= 65535)
			return true;
		fprintf(stderr, "fakeagent: bad --addr, or ports past 65535\n");
		return false;
	}
	if (uv_ip4_addr(o->addr_base, 0, &sa) != 0) {
		fprintf(stderr, "fakeagent: bad --addr-base %s\n", o->addr_base);
		return false;
	}
	first = ntohl(sa.sin_addr.s_addr);
	last = first + (uint32_t)o->count - 1;
	if (first >> 24 != 127 || last >> 24 != 127 || (first & 0xffffff) == 0 ||
	    (last & 0xffffff) == 0xffffff) {
		fprintf(stderr, "fakeagent: --addr-base %s + %ld endpoints leaves "
		    "127.0.0.1 .. 127.255.255.254\n", o->addr_base, o->count);
		return false;
	}
	return true;
}

/* 0: run; 1: --help was shown; -1: bad command line (already reported). */
static int
options_parse(struct options *o, int argc, char **argv)
{
	const struct optdef defs[] = {
		{ "addr-base", &o->addr_base, NULL, 0, 0, "first loopback address (one port, consecutive addresses)" },
		{ "port", NULL, &o->port, 1, 65535, "port for --addr-base" },
		{ "addr", &o->addr, NULL, 0, 0, "one address for --port-base (default 127.0.0.1)" },
		{ "port-base", NULL, &o->port_base, 1, 65535, "first port (one address, consecutive ports)" },
		{ "count", NULL, &o->count, 1, 100000, "number of endpoints (default 1)" },
		{ "mode", &o->mode_name, NULL, 0, 0, "behaviour of every endpoint (default normal)" },
		{ "delay-ms", NULL, &o->delay_ms, 0, 3600000, "answer delay in slow mode (default 1000)" },
		{ "clock-offset", NULL, &o->clock_offset, -315360000, 315360000, "seconds added to Date and date-time (default 0)" },
		{ "status-body", &o->status_file, NULL, 0, 0, "status-get answer (needed by normal, slow, cut-body, hang-after-headers)" },
		{ "alt-status-body", &o->alt_status_file, NULL, 0, 0, "status-get answer after SIGUSR1 (toggles)" },
		{ "heartbeat-body", &o->heartbeat_file, NULL, 0, 0, "ha-heartbeat answer; its date-time is set to now" },
		{ "alt-heartbeat-body", &o->alt_heartbeat_file, NULL, 0, 0, "ha-heartbeat answer after SIGUSR1" },
		{ "config-body", &o->config_file, NULL, 0, 0, "config-get answer" },
		{ "ha-pairs", &o->pair_prefix, NULL, 0, 0, "PREFIX: endpoints 2k, 2k+1 are an HA pair PREFIX-2k, PREFIX-2k+1; bodies are templates (see README)" },
		{ "secondary-status-body", &o->sec_status_file, NULL, 0, 0, "with --ha-pairs: the secondaries' status-get (default --status-body)" },
		{ "secondary-alt-status-body", &o->sec_alt_status_file, NULL, 0, 0, "with --ha-pairs: theirs after SIGUSR1" },
		{ "secondary-heartbeat-body", &o->sec_heartbeat_file, NULL, 0, 0, "with --ha-pairs: their ha-heartbeat" },
		{ "secondary-alt-heartbeat-body", &o->sec_alt_heartbeat_file, NULL, 0, 0, "with --ha-pairs: theirs after SIGUSR1" },
		{ "pid-file", &o->pid_file, NULL, 0, 0, "write the PID here (removed at exit)" },
		{ "max-seconds", NULL, &o->max_seconds, 1, 86400, "exit after this long (default 600)" },
	};
	const size_t ndefs = sizeof defs / sizeof defs[0];

	o->count = 1;
	o->mode_name = "normal";
	o->delay_ms = 1000;
	o->max_seconds = 600;
	for (int i = 1; i < argc; i++) {
		size_t d;

		for (d = 0; d < ndefs; d++) {
			if (strncmp(argv[i], "--", 2) == 0 &&
			    strcmp(argv[i] + 2, defs[d].name) == 0)
				break;
		}
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(defs, ndefs);
			return 1;
		}
		if (d == ndefs || i + 1 >= argc) {
			fprintf(stderr, "fakeagent: bad argument %s\n", argv[i]);
			usage(defs, ndefs);
			return -1;
		}
		if (!option_set(&defs[d], argv[++i]))
			return -1;
	}
	if (!mode_set(o) || !layout_check(o))
		return -1;
	if (o->pair_prefix != NULL && (o->count % 2 != 0 || o->config_file == NULL ||
	    strlen(o->pair_prefix) == 0 || strlen(o->pair_prefix) > 40)) {
		fprintf(stderr, "fakeagent: --ha-pairs needs an even --count, a "
		    "--config-body and a prefix of 1 to 40 characters\n");
		return -1;
	}
	if ((o->sec_status_file || o->sec_alt_status_file || o->sec_heartbeat_file ||
	    o->sec_alt_heartbeat_file) && o->pair_prefix == NULL) {
		fprintf(stderr, "fakeagent: --secondary-* bodies need --ha-pairs\n");
		return -1;
	}
	if (mode_needs_status(o->mode) && o->status_file == NULL) {
		fprintf(stderr, "fakeagent: mode %s needs --status-body\n",
		    o->mode_name);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static struct server srv;
	int rc;

	if ((rc = options_parse(&srv.opt, argc, argv)) != 0)
		return rc > 0 ? 0 : 2;
	signal(SIGPIPE, SIG_IGN);	/* a client gone mid-write is EPIPE, not death */
	raise_fd_limit(srv.opt.count);
	rc = server_run(&srv);
	replies_free(&srv);
	free(srv.listeners);
	uv_library_shutdown();
	return rc;
}
