/*
 * libcurl multi on libuv, after curl's multi-uv example, with its three gaps
 * closed: finished transfers are read after every curl_multi_socket_action
 * (the timer's too, or a transfer that times out last is never reported);
 * HTTP status codes are the caller's to judge (a 404 is a completed
 * transfer); poll errors are passed to curl as CURL_CSELECT_ERR.
 *
 * Endpoints are spread over several multi handles: libcurl 7.88 walks the
 * whole connection pool of a multi after every kept-alive transfer, so one
 * multi costs more per request as endpoints grow (shared/PERF-NOTES.md).
 */
#include "transport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <curl/curl.h>

#include "decode.h"
#include "util.h"

#define ENDPOINTS_PER_SHARD 128
#define BUFFER_SIZE 1024 /* Kea's status replies are under 1 KB */
#define IDLE_HANDLES 16  /* easy handles a shard keeps for its next transfers */

/*
 * An easy handle and what curl writes into it. Handles are lent to an
 * endpoint per transfer, not owned by it: the connection an endpoint keeps
 * alive lives in its shard's multi, whichever handle sends next, and a
 * handle costs some 6 KB. 1,000 endpoints need the handles of the transfers
 * in flight at once, some tens, not 1,000 (bench/RESULTS.md).
 */
struct handle {
	CURL *easy;
	char errbuf[CURL_ERROR_SIZE];
	struct handle *next;
};

struct shard {
	struct transport *t;
	CURLM *multi;
	uv_timer_t timer;
	int nendpoints;
	struct handle *idle;    /* handles between transfers */
	int nidle;
	struct shard *next;
};

struct transport {
	uv_loop_t *loop;
	struct shard *shards;
	struct transport_stats stats;
	bool curl_inited;
	/* The last Date header parsed: every reply within a second carries the same text. */
	char date_text[128];
	bool date_ok;
	double date_value;
	struct sock_ctx **socks; /* indexed by descriptor, NULL when keaha has no poll for it */
	int nsocks;
	struct curl_slist *headers; /* the same for every request */
	char *default_ca_file;   /* curl's own CA bundle, for endpoints that name none */
};

struct endpoint {
	struct shard *shard;
	struct handle *h;       /* while a request is in flight */
	char *url;
	char *user;             /* the options below: NULL when not set */
	char *password;
	char *ca_file;
	char *cert_file;
	char *key_file;
	char *proxy;
	char *body;             /* the request in flight */
	struct sbuf reply;
	size_t max_body;
	bool too_large;
	bool in_flight;
	bool has_date;
	double date;
	double sent_at;
	transport_done_fn fn;
	void *ctx;
};

/*
 * One per socket curl opened, for as long as the socket lives (found by its
 * descriptor in transport.socks): a kept-alive connection keeps its poll
 * handle between transfers. Made and closed per transfer, as curl's example
 * does, each request cost five more system calls (epoll add/delete twice,
 * ioctl) than the request itself needs.
 */
struct sock_ctx {
	uv_poll_t poll;
	curl_socket_t fd;
	struct shard *shard;
	int events;             /* what the poll is started for, 0 when stopped */
	bool idle;              /* curl no longer watches it: the next event stops the poll */
};

static const char *const error_texts[] = {
	"ok", "connection refused", "timeout", "name not resolved", "TLS error",
	"empty reply", "not an HTTP reply", "reply cut short", "reply too large", "error",
};

const char *transport_error_text(enum transport_error e)
{
	return (unsigned)e < ARRAY_LEN(error_texts) ? error_texts[e] : "error";
}

static enum transport_error classify(CURLcode rc, const struct endpoint *e)
{
	switch (rc) {
	case CURLE_OK:
		return TRANSPORT_OK;
	case CURLE_COULDNT_CONNECT:
		return TRANSPORT_REFUSED;
	case CURLE_OPERATION_TIMEDOUT:
		return TRANSPORT_TIMEOUT;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return TRANSPORT_DNS;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ENGINE_NOTFOUND:
		return TRANSPORT_TLS;
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
		return strncmp(e->url, "https:", 6) == 0 ? TRANSPORT_TLS : TRANSPORT_OTHER;
	case CURLE_GOT_NOTHING:
		return TRANSPORT_EMPTY;
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_UNSUPPORTED_PROTOCOL:
		return TRANSPORT_PROTOCOL;
	case CURLE_PARTIAL_FILE:
		return TRANSPORT_CUT;
	case CURLE_WRITE_ERROR:
		return e->too_large ? TRANSPORT_TOO_LARGE : TRANSPORT_OTHER;
	default:
		return TRANSPORT_OTHER;
	}
}

static size_t on_body(char *data, size_t size, size_t n, void *userp)
{
	struct endpoint *e = userp;
	size_t len = size * n;

	if (e->reply.len + len > e->max_body) {
		e->too_large = true;
		return 0; /* curl aborts with CURLE_WRITE_ERROR */
	}
	sbuf_add(&e->reply, data, len);
	return len;
}

static size_t on_header(char *data, size_t size, size_t n, void *userp)
{
	struct endpoint *e = userp;
	struct transport *t = e->shard->t;
	size_t len = size * n;
	char line[128];

	if (len > 5 && len < sizeof(line) && strncasecmp(data, "Date:", 5) == 0) {
		size_t k = len - 5;
		memcpy(line, data + 5, k);
		while (k > 0 && (line[k - 1] == '\r' || line[k - 1] == '\n'))
			k--;
		line[k] = '\0';
		if (strcmp(line, t->date_text) != 0) {
			strlcpy_(t->date_text, line, sizeof(t->date_text));
			t->date_ok = decode_http_date(line + strspn(line, " \t"), &t->date_value);
		}
		e->has_date = t->date_ok;
		e->date = t->date_value;
	}
	return len;
}

static curl_socket_t on_open_socket(void *clientp, curlsocktype purpose, struct curl_sockaddr *a);
static int on_close_socket(void *clientp, curl_socket_t fd);

/* What every transfer has, whoever sends it. */
static void set_common(CURL *c, struct transport *t)
{
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, t->headers);
	curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC); /* used only with a user */
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_BUFFERSIZE, (long)BUFFER_SIZE);
	curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
	curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, t);
	curl_easy_setopt(c, CURLOPT_CLOSESOCKETFUNCTION, on_close_socket);
	curl_easy_setopt(c, CURLOPT_CLOSESOCKETDATA, t);
}

static void handle_free(struct handle *h)
{
	curl_easy_cleanup(h->easy);
	free(h);
}

static struct handle *handle_take(struct shard *sh)
{
	struct handle *h = sh->idle;

	if (h) {
		sh->idle = h->next;
		sh->nidle--;
		return h;
	}
	h = xcalloc(1, sizeof(*h));
	h->easy = curl_easy_init();
	if (!h->easy)
		util_fatal("curl_easy_init failed");
	set_common(h->easy, sh->t);
	curl_easy_setopt(h->easy, CURLOPT_ERRORBUFFER, h->errbuf);
	return h;
}

/* The transfer in flight on e ends (done or cancelled): its handle goes back. */
static void handle_release(struct endpoint *e)
{
	struct shard *sh = e->shard;
	struct handle *h = e->h;

	curl_multi_remove_handle(sh->multi, h->easy);
	e->h = NULL;
	e->in_flight = false;
	sh->t->stats.in_flight--;
	if (sh->nidle >= IDLE_HANDLES) {
		handle_free(h);
		return;
	}
	h->next = sh->idle;
	sh->idle = h;
	sh->nidle++;
}

static void finish(struct endpoint *e, CURLcode rc)
{
	struct transport *t = e->shard->t;
	struct transport_reply r;
	struct sbuf body = e->reply;
	transport_done_fn fn = e->fn;
	void *ctx = e->ctx;

	memset(&r, 0, sizeof(r));
	r.error = classify(rc, e);
	r.curl_code = (int)rc;
	if (e->too_large)
		snprintf(r.message, sizeof(r.message), "over the limit of %zu bytes", e->max_body);
	else if (rc != CURLE_OK)
		strlcpy_(r.message, e->h->errbuf[0] ? e->h->errbuf : curl_easy_strerror(rc), sizeof(r.message));
	curl_easy_getinfo(e->h->easy, CURLINFO_RESPONSE_CODE, &r.http_status);
	r.body = body.s ? body.s : "";
	r.body_len = body.len;
	r.has_date = e->has_date;
	r.date = e->date;
	r.sent_at = e->sent_at;
	r.rtt = util_wallclock() - e->sent_at;
	handle_release(e);
	if (r.error != TRANSPORT_OK)
		t->stats.failed++;
	/*
	 * The reply leaves the endpoint now and is freed once read: a buffer kept
	 * between requests was 1 KB per endpoint for a malloc saved per request
	 * (and a config-get's, kept, 8 KB per endpoint after the start).
	 */
	sbuf_init(&e->reply);
	if (fn)
		fn(ctx, &r);
	sbuf_free(&body);
}

/* Reports every finished transfer; called after each curl_multi_socket_action. */
static void read_finished(struct shard *sh)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(sh->multi, &left))) {
		struct endpoint *e = NULL;
		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&e);
		if (e)
			finish(e, msg->data.result);
	}
}

static void on_poll(uv_poll_t *handle, int status, int events)
{
	struct sock_ctx *sc = handle->data;
	int flags = 0, running;

	if (sc->idle) {
		/* Data or a close on a connection between transfers: curl reads it at reuse. */
		uv_poll_stop(&sc->poll);
		sc->events = 0;
		return;
	}
	if (status < 0)
		flags = CURL_CSELECT_ERR;
	if (events & UV_READABLE)
		flags |= CURL_CSELECT_IN;
	if (events & UV_WRITABLE)
		flags |= CURL_CSELECT_OUT;
	curl_multi_socket_action(sc->shard->multi, sc->fd, flags, &running);
	read_finished(sc->shard);
}

static void on_timer(uv_timer_t *timer)
{
	struct shard *sh = timer->data;
	int running;

	curl_multi_socket_action(sh->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	read_finished(sh);
}

static int on_curl_timer(CURLM *multi, long timeout_ms, void *userp)
{
	struct shard *sh = userp;

	(void)multi;
	if (timeout_ms < 0)
		uv_timer_stop(&sh->timer);
	else
		uv_timer_start(&sh->timer, on_timer, (uint64_t)timeout_ms, 0);
	return 0;
}

static void free_sock(uv_handle_t *h)
{
	free(h->data);
}

static struct sock_ctx *sock_find(const struct transport *t, curl_socket_t fd)
{
	return fd >= 0 && fd < t->nsocks ? t->socks[fd] : NULL;
}

static void sock_drop(struct transport *t, curl_socket_t fd)
{
	struct sock_ctx *sc = sock_find(t, fd);

	if (!sc)
		return;
	t->socks[fd] = NULL;
	uv_close((uv_handle_t *)&sc->poll, free_sock); /* takes it out of epoll */
}

static struct sock_ctx *sock_new(struct shard *sh, curl_socket_t fd)
{
	struct transport *t = sh->t;
	struct sock_ctx *sc;

	if (fd >= t->nsocks) {
		int n = fd + 64;
		t->socks = xrealloc(t->socks, (size_t)n * sizeof(*t->socks));
		memset(t->socks + t->nsocks, 0, (size_t)(n - t->nsocks) * sizeof(*t->socks));
		t->nsocks = n;
	}
	sc = xcalloc(1, sizeof(*sc));
	sc->fd = fd;
	sc->shard = sh;
	if (uv_poll_init_socket(t->loop, &sc->poll, fd) != 0) {
		free(sc);
		return NULL;
	}
	sc->poll.data = sc;
	t->socks[fd] = sc;
	return sc;
}

/*
 * Sockets are opened and closed through keaha so that a descriptor number
 * curl reuses never meets the poll handle of the socket it had before.
 */
static curl_socket_t on_open_socket(void *clientp, curlsocktype purpose, struct curl_sockaddr *a)
{
	curl_socket_t fd = socket(a->family, a->socktype, a->protocol);

	(void)purpose;
	if (fd >= 0)
		sock_drop(clientp, fd);
	return fd >= 0 ? fd : CURL_SOCKET_BAD;
}

static int on_close_socket(void *clientp, curl_socket_t fd)
{
	sock_drop(clientp, fd);
	return close(fd);
}

static int on_curl_socket(CURL *easy, curl_socket_t fd, int action, void *userp, void *socketp)
{
	struct shard *sh = userp;
	struct sock_ctx *sc = sock_find(sh->t, fd);
	int events = 0;

	(void)easy;
	(void)socketp;
	if (action == CURL_POLL_REMOVE) {
		if (sc) {
			/* Stopped only if something arrives before the next transfer; meanwhile
			 * it keeps no loop running (a one-shot run ends when its work does). */
			sc->idle = true;
			uv_unref((uv_handle_t *)&sc->poll);
		}
		return 0;
	}
	if (!sc && !(sc = sock_new(sh, fd)))
		return -1;
	sc->shard = sh;
	if (sc->idle) {
		sc->idle = false;
		uv_ref((uv_handle_t *)&sc->poll);
	}
	if (action != CURL_POLL_OUT)
		events |= UV_READABLE;
	if (action != CURL_POLL_IN)
		events |= UV_WRITABLE;
	if (events != sc->events) {
		uv_poll_start(&sc->poll, events, on_poll);
		sc->events = events;
	}
	return 0;
}

/* The CA bundle curl uses when told none (CURLINFO_CAINFO, curl >= 7.84), NULL if none. */
static char *default_ca_file(void)
{
	CURL *c = curl_easy_init();
	char *path = NULL, *copy;

	if (!c)
		return NULL;
	if (curl_easy_getinfo(c, CURLINFO_CAINFO, &path) != CURLE_OK)
		path = NULL;
	copy = path ? xstrdup(path) : NULL;
	curl_easy_cleanup(c);
	return copy;
}

struct transport *transport_new(uv_loop_t *loop)
{
	struct transport *t = xcalloc(1, sizeof(*t));

	t->loop = loop;
	t->curl_inited = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
	t->headers = curl_slist_append(NULL, "Content-Type: application/json");
	t->headers = curl_slist_append(t->headers, "Expect:");
	t->default_ca_file = default_ca_file();
	return t;
}

static struct shard *shard_new(struct transport *t)
{
	struct shard *sh = xcalloc(1, sizeof(*sh));

	sh->t = t;
	sh->multi = curl_multi_init();
	if (!sh->multi)
		util_fatal("curl_multi_init failed");
	curl_multi_setopt(sh->multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket);
	curl_multi_setopt(sh->multi, CURLMOPT_SOCKETDATA, sh);
	curl_multi_setopt(sh->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
	curl_multi_setopt(sh->multi, CURLMOPT_TIMERDATA, sh);
	/* One kept-alive connection per endpoint: the pool must hold them all. */
	curl_multi_setopt(sh->multi, CURLMOPT_MAXCONNECTS, (long)ENDPOINTS_PER_SHARD + 8);
	uv_timer_init(t->loop, &sh->timer);
	sh->timer.data = sh;
	sh->next = t->shards;
	t->shards = sh;
	return sh;
}

static struct shard *shard_with_room(struct transport *t)
{
	for (struct shard *sh = t->shards; sh; sh = sh->next)
		if (sh->nendpoints < ENDPOINTS_PER_SHARD)
			return sh;
	return shard_new(t);
}

static char *dup_set(const char *s)
{
	return s && *s ? xstrdup(s) : NULL;
}

struct endpoint *transport_endpoint_new(struct transport *t, const struct endpoint_opts *o)
{
	struct endpoint *e = xcalloc(1, sizeof(*e));

	e->shard = shard_with_room(t);
	e->shard->nendpoints++;
	e->url = xstrdup(o->url);
	e->user = dup_set(o->user);
	e->password = o->user && *o->user ? xstrdup(o->password ? o->password : "") : NULL;
	e->ca_file = dup_set(o->ca_file);
	e->cert_file = dup_set(o->cert_file);
	e->key_file = dup_set(o->key_file);
	e->proxy = dup_set(o->proxy);
	sbuf_init(&e->reply);
	return e;
}

/*
 * A lent handle set up for e's next transfer: every option an endpoint may
 * have is set, to the endpoint's value or back to curl's default, so nothing
 * of the previous borrower's (auth, TLS files) stays. curl_easy_reset() does
 * the same at a sixth of the cost of the whole request.
 */
static void set_endpoint(struct handle *h, struct endpoint *e, long timeout_ms)
{
	const struct transport *t = e->shard->t;
	CURL *c = h->easy;

	h->errbuf[0] = '\0';
	curl_easy_setopt(c, CURLOPT_URL, e->url);
	curl_easy_setopt(c, CURLOPT_PRIVATE, e);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, e);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, e);
	/* Never a proxy from the environment: only one the configuration names. */
	curl_easy_setopt(c, CURLOPT_PROXY, e->proxy ? e->proxy : "");
	curl_easy_setopt(c, CURLOPT_USERNAME, e->user);
	curl_easy_setopt(c, CURLOPT_PASSWORD, e->password);
	curl_easy_setopt(c, CURLOPT_CAINFO, e->ca_file ? e->ca_file : t->default_ca_file);
	curl_easy_setopt(c, CURLOPT_SSLCERT, e->cert_file);
	curl_easy_setopt(c, CURLOPT_SSLKEY, e->key_file);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, e->body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(e->body));
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
}

void transport_cancel(struct endpoint *e)
{
	if (e->in_flight)
		handle_release(e);
}

void transport_endpoint_free(struct endpoint *e)
{
	if (!e)
		return;
	transport_cancel(e);
	e->shard->nendpoints--;
	sbuf_free(&e->reply);
	free(e->body);
	free(e->url);
	free(e->user);
	if (e->password)
		memset(e->password, 0, strlen(e->password));
	free(e->password);
	free(e->ca_file);
	free(e->cert_file);
	free(e->key_file);
	free(e->proxy);
	free(e);
}

bool transport_send(struct endpoint *e, const char *body, long timeout_ms, size_t max_body,
		    transport_done_fn fn, void *ctx)
{
	if (e->in_flight)
		return false;
	free(e->body);
	e->body = xstrdup(body);
	sbuf_free(&e->reply); /* what a cancelled transfer left */
	e->max_body = max_body;
	e->too_large = false;
	e->has_date = false;
	e->fn = fn;
	e->ctx = ctx;
	e->h = handle_take(e->shard);
	set_endpoint(e->h, e, timeout_ms);
	e->sent_at = util_wallclock();
	if (curl_multi_add_handle(e->shard->multi, e->h->easy) != CURLM_OK) {
		handle_free(e->h);
		e->h = NULL;
		return false;
	}
	e->in_flight = true;
	e->shard->t->stats.sent++;
	e->shard->t->stats.in_flight++;
	return true;
}

bool transport_busy(const struct endpoint *e)
{
	return e->in_flight;
}

static void free_shard(uv_handle_t *h)
{
	free(h->data);
}

void transport_free(struct transport *t)
{
	struct shard *sh, *next;

	if (!t)
		return;
	for (sh = t->shards; sh; sh = next) {
		next = sh->next;
		/* Now, not in the close callback: curl_global_cleanup below must come last. */
		curl_multi_cleanup(sh->multi);
		while (sh->idle) {
			struct handle *h = sh->idle;
			sh->idle = h->next;
			handle_free(h);
		}
		uv_timer_stop(&sh->timer);
		uv_close((uv_handle_t *)&sh->timer, free_shard);
	}
	curl_slist_free_all(t->headers);
	free(t->default_ca_file);
	/* curl closed every connection above: no socket is left in the table. */
	for (int fd = 0; fd < t->nsocks; fd++)
		sock_drop(t, fd);
	free(t->socks);
	if (t->curl_inited)
		curl_global_cleanup();
	free(t);
}

void transport_get_stats(const struct transport *t, struct transport_stats *out)
{
	*out = t->stats;
}
