/*
 * Transport: one JSON command to one HTTP endpoint (a Kea Control Agent or a
 * DHCP daemon's own socket), answered once through a callback with the body
 * or a typed error. libcurl's multi interface is driven by the libuv loop;
 * each endpoint keeps one easy handle (and so its kept-alive connection) and
 * has at most one request in flight. It knows HTTP, TLS, auth and timeouts,
 * nothing of Kea or HA.
 */
#ifndef KEAHA_TRANSPORT_H
#define KEAHA_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>

#include <uv.h>

enum transport_error {
	TRANSPORT_OK,
	TRANSPORT_REFUSED,
	TRANSPORT_TIMEOUT,
	TRANSPORT_DNS,
	TRANSPORT_TLS,
	TRANSPORT_EMPTY,      /* connection closed without a reply */
	TRANSPORT_PROTOCOL,   /* bytes that are not HTTP */
	TRANSPORT_CUT,        /* body shorter than announced */
	TRANSPORT_TOO_LARGE,
	TRANSPORT_OTHER,
};

struct transport_reply {
	enum transport_error error;
	int curl_code;
	char message[200];      /* curl's words when error != OK */
	long http_status;
	const char *body;       /* valid during the callback only */
	size_t body_len;
	bool has_date;
	double date;            /* the HTTP Date header (the answering process's clock) */
	double sent_at;         /* wall clock when the request was sent */
	double rtt;             /* seconds */
};

typedef void (*transport_done_fn)(void *ctx, const struct transport_reply *reply);

struct endpoint_opts {
	const char *url;
	const char *user;       /* basic auth, NULL for none */
	const char *password;
	const char *ca_file;
	const char *cert_file;
	const char *key_file;
	const char *proxy;      /* NULL: no proxy, whatever the environment says */
};

struct transport;
struct endpoint;

struct transport *transport_new(uv_loop_t *loop);
/* Closes every handle; the loop must run once more for the close callbacks. */
void transport_free(struct transport *t);

struct endpoint *transport_endpoint_new(struct transport *t, const struct endpoint_opts *o);
void transport_endpoint_free(struct endpoint *e);

/* Sends body; false when a request is already in flight on e. */
bool transport_send(struct endpoint *e, const char *body, long timeout_ms, size_t max_body,
		    transport_done_fn fn, void *ctx);
bool transport_busy(const struct endpoint *e);
/* Drops the request in flight without calling back. */
void transport_cancel(struct endpoint *e);

const char *transport_error_text(enum transport_error e);

struct transport_stats {
	unsigned long sent;
	unsigned long failed;
	int in_flight;
};
void transport_get_stats(const struct transport *t, struct transport_stats *out);

#endif
