/*
 * refpoll: the reference poller of shared/PERF-NOTES.md, rebuilt so that
 * keaha's figures can be set beside a floor measured on the same machine in
 * the same run (the notes' ~37 µs per request came from another day and
 * another machine of this kind). Deliberately independent of keaha's code:
 * one libuv loop, libcurl multis of 128 easy handles driven by it, one
 * reused kept-alive easy handle per endpoint, CURLMOPT_MAXCONNECTS large
 * enough, 1 KB buffers, polls staggered over the interval, every reply
 * parsed with cJSON and dropped. One status-get per endpoint per interval.
 *
 * Prints one "bench-poll ... mode=reference" line in bench-poll's format, so
 * bench/run.sh reads both the same way.
 */
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <uv.h>

#define PER_MULTI 128

struct multi {
	CURLM *m;
	uv_timer_t timer;
};

struct ep {
	CURL *easy;
	struct multi *mu;
	uv_timer_t timer;
	bool in_flight;
	char url[64];
	char body[2048];
	size_t len;
};

struct sock {
	uv_poll_t poll;
	curl_socket_t fd;
	struct multi *mu;
};

struct snap {
	double wall, user, sys;
	unsigned long requests, failures;
};

static uv_loop_t *loop;
static unsigned long requests, failures;
static const char request[] = "{\"command\":\"status-get\",\"service\":[\"dhcp4\"]}";

static void take(struct snap *s)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	s->wall = (double)uv_hrtime() / 1e9;
	s->user = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
	s->sys = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	s->requests = requests;
	s->failures = failures;
}

static size_t on_body(char *data, size_t size, size_t n, void *userp)
{
	struct ep *e = userp;
	size_t len = size * n;

	if (e->len + len >= sizeof(e->body))
		return 0;
	memcpy(e->body + e->len, data, len);
	e->len += len;
	return len;
}

static void read_done(struct multi *mu)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(mu->m, &left))) {
		struct ep *e;
		long code = 0;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&e);
		curl_easy_getinfo(e->easy, CURLINFO_RESPONSE_CODE, &code);
		cJSON *root = msg->data.result == CURLE_OK && code == 200 ?
			cJSON_ParseWithLength(e->body, e->len) : NULL;
		if (!root)
			failures++;
		cJSON_Delete(root);
		curl_multi_remove_handle(mu->m, e->easy);
		e->in_flight = false;
	}
}

static void on_poll(uv_poll_t *h, int status, int events)
{
	struct sock *s = h->data;
	int flags = 0, running;

	if (status < 0)
		flags = CURL_CSELECT_ERR;
	if (!status && (events & UV_READABLE))
		flags |= CURL_CSELECT_IN;
	if (!status && (events & UV_WRITABLE))
		flags |= CURL_CSELECT_OUT;
	curl_multi_socket_action(s->mu->m, s->fd, flags, &running);
	read_done(s->mu);
}

static void on_multi_timer(uv_timer_t *t)
{
	struct multi *mu = t->data;
	int running;

	curl_multi_socket_action(mu->m, CURL_SOCKET_TIMEOUT, 0, &running);
	read_done(mu);
}

static int on_curl_timer(CURLM *m, long ms, void *userp)
{
	struct multi *mu = userp;

	(void)m;
	if (ms < 0)
		uv_timer_stop(&mu->timer);
	else
		uv_timer_start(&mu->timer, on_multi_timer, (uint64_t)ms, 0);
	return 0;
}

static void free_sock(uv_handle_t *h)
{
	free(h->data);
}

static int on_curl_socket(CURL *easy, curl_socket_t fd, int action, void *userp, void *socketp)
{
	struct multi *mu = userp;
	struct sock *s = socketp;
	int ev = 0;

	(void)easy;
	if (action == CURL_POLL_REMOVE) {
		if (s) {
			uv_poll_stop(&s->poll);
			curl_multi_assign(mu->m, fd, NULL);
			uv_close((uv_handle_t *)&s->poll, free_sock);
		}
		return 0;
	}
	if (!s) {
		s = calloc(1, sizeof(*s));
		s->fd = fd;
		s->mu = mu;
		uv_poll_init_socket(loop, &s->poll, fd);
		s->poll.data = s;
		curl_multi_assign(mu->m, fd, s);
	}
	if (action != CURL_POLL_OUT)
		ev |= UV_READABLE;
	if (action != CURL_POLL_IN)
		ev |= UV_WRITABLE;
	uv_poll_start(&s->poll, ev, on_poll);
	return 0;
}

static void on_ep_timer(uv_timer_t *t)
{
	struct ep *e = t->data;

	if (e->in_flight)
		return;
	e->len = 0;
	e->in_flight = true;
	requests++;
	curl_multi_add_handle(e->mu->m, e->easy);
}

static struct multi *multi_new(void)
{
	struct multi *mu = calloc(1, sizeof(*mu));

	mu->m = curl_multi_init();
	curl_multi_setopt(mu->m, CURLMOPT_SOCKETFUNCTION, on_curl_socket);
	curl_multi_setopt(mu->m, CURLMOPT_SOCKETDATA, mu);
	curl_multi_setopt(mu->m, CURLMOPT_TIMERFUNCTION, on_curl_timer);
	curl_multi_setopt(mu->m, CURLMOPT_TIMERDATA, mu);
	curl_multi_setopt(mu->m, CURLMOPT_MAXCONNECTS, (long)PER_MULTI + 8);
	uv_timer_init(loop, &mu->timer);
	mu->timer.data = mu;
	return mu;
}

static void ep_init(struct ep *e, struct multi *mu, const char *base, int i, int port,
		    struct curl_slist *headers)
{
	unsigned a, b, c, d;

	sscanf(base, "%u.%u.%u.%u", &a, &b, &c, &d);
	unsigned v = ((a << 24) | (b << 16) | (c << 8) | d) + (unsigned)i;
	snprintf(e->url, sizeof(e->url), "http://%u.%u.%u.%u:%d/", v >> 24, (v >> 16) & 255,
		 (v >> 8) & 255, v & 255, port);
	e->mu = mu;
	e->easy = curl_easy_init();
	curl_easy_setopt(e->easy, CURLOPT_URL, e->url);
	curl_easy_setopt(e->easy, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(e->easy, CURLOPT_POSTFIELDS, request);
	curl_easy_setopt(e->easy, CURLOPT_POSTFIELDSIZE, (long)strlen(request));
	curl_easy_setopt(e->easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e->easy, CURLOPT_WRITEDATA, e);
	curl_easy_setopt(e->easy, CURLOPT_PRIVATE, e);
	curl_easy_setopt(e->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e->easy, CURLOPT_BUFFERSIZE, 1024L);
	curl_easy_setopt(e->easy, CURLOPT_TIMEOUT_MS, 3000L);
	curl_easy_setopt(e->easy, CURLOPT_PROXY, "");
	uv_timer_init(loop, &e->timer);
	e->timer.data = e;
}

static struct snap start, warm, stop;

static void on_warm(uv_timer_t *t)
{
	(void)t;
	take(&warm);
}

static void on_stop(uv_timer_t *t)
{
	(void)t;
	take(&stop);
	uv_stop(loop);
}

static void usage(void)
{
	fprintf(stderr, "usage: refpoll --count N [--addr-base A] [--port P] [--seconds S]\n"
		"               [--warmup S] [--interval S]\n");
	exit(64);
}

int main(int argc, char **argv)
{
	const char *base = "127.20.0.1";
	int n = 0, port = 8000;
	double secs = 20, warmup = 4, interval = 1;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v)
			usage();
		if (!strcmp(a, "--count"))
			n = atoi(v);
		else if (!strcmp(a, "--addr-base"))
			base = v;
		else if (!strcmp(a, "--port"))
			port = atoi(v);
		else if (!strcmp(a, "--seconds"))
			secs = atof(v);
		else if (!strcmp(a, "--warmup"))
			warmup = atof(v);
		else if (!strcmp(a, "--interval"))
			interval = atof(v);
		else if (strcmp(a, "--switch-log"))  /* bench-poll's; not used here */
			usage();
		i++;
	}
	if (n < 0 || secs <= warmup || interval <= 0)
		usage();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	loop = uv_default_loop();
	struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
	headers = curl_slist_append(headers, "Expect:");
	struct ep *eps = calloc((size_t)(n ? n : 1), sizeof(*eps));
	struct multi *mu = NULL;
	for (int i = 0; i < n; i++) {
		if (i % PER_MULTI == 0)
			mu = multi_new();
		ep_init(&eps[i], mu, base, i, port, headers);
		uint64_t ms = (uint64_t)(interval * 1000.0);
		uv_timer_start(&eps[i].timer, on_ep_timer, ms * (uint64_t)i / (uint64_t)n, ms);
	}
	take(&start);
	uv_timer_t tw, ts;
	uv_timer_init(loop, &tw);
	uv_timer_init(loop, &ts);
	uv_timer_start(&tw, on_warm, (uint64_t)(warmup * 1000), 0);
	uv_timer_start(&ts, on_stop, (uint64_t)(secs * 1000), 0);
	uv_run(loop, UV_RUN_DEFAULT);

	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("bench-poll endpoints=%d seconds=%.3f run_requests=%lu run_failures=%lu "
	       "run_cpu_user_s=%.6f run_cpu_sys_s=%.6f steady_seconds=%.3f steady_requests=%lu "
	       "steady_failures=%lu steady_cpu_user_s=%.6f steady_cpu_sys_s=%.6f setup_cpu_s=%.6f "
	       "maxrss_kb=%ld mode=reference\n",
	       n, stop.wall - start.wall, stop.requests, stop.failures, stop.user - start.user,
	       stop.sys - start.sys, stop.wall - warm.wall, stop.requests - warm.requests,
	       stop.failures - warm.failures, stop.user - warm.user, stop.sys - warm.sys,
	       start.user + start.sys, ru.ru_maxrss);
	/* The process ends here: the OS reclaims handles, as the reference did. */
	return 0;
}
