/*
 * The rules Kea itself skips, checked on one high-availability[] entry
 * before anything is sent (shared/kea/README.md section 7): this-server-name
 * among the peers, roles valid for the mode, no backups, peer URLs as IP
 * literals with a port (Kea resolves no names), TLS all or none, and the
 * product's max-response-delay above heartbeat-delay. Also what a feature
 * needs of a server's Kea version (version-get's text).
 */
#include "plan.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "plan_internal.h"

static bool port_ok(const char *p, const char **end)
{
	long v = 0;
	const char *s = p;

	while (isdigit((unsigned char)*s) && v <= 65535)
		v = v * 10 + (*s++ - '0');
	*end = s;
	return s != p && v >= 1 && v <= 65535;
}

/*
 * The host of an http(s) URL (an IPv6 literal without its brackets) into
 * out; *rest points just after it (after the ']' of an IPv6 literal).
 */
static bool url_host(const char *url, char *out, size_t size, const char **rest)
{
	const char *h, *e;
	size_t n;

	if (!url)
		return false;
	if (strncmp(url, "http://", 7) == 0)
		h = url + 7;
	else if (strncmp(url, "https://", 8) == 0)
		h = url + 8;
	else
		return false;
	if (*h == '[') {
		e = strchr(++h, ']');
		if (!e)
			return false;
		*rest = e + 1;
	} else {
		e = h + strcspn(h, ":/");
		*rest = e;
	}
	n = (size_t)(e - h);
	if (n == 0 || n >= size)
		return false;
	memcpy(out, h, n);
	out[n] = '\0';
	return true;
}

bool plan_url_ok(const char *url)
{
	char host[64];
	const char *rest;
	unsigned char buf[16];

	if (!url_host(url, host, sizeof(host), &rest) || *rest != ':')
		return false;
	/* Kea resolves no names: an IPv4 literal, or an IPv6 one in brackets. */
	if (inet_pton(rest[-1] == ']' ? AF_INET6 : AF_INET, host, buf) != 1)
		return false;
	if (!port_ok(rest + 1, &rest))
		return false;
	return *rest == '\0' || *rest == '/';
}

/* An IP literal as bytes; its family, or 0 when it is a name. */
static int host_addr(const char *host, unsigned char out[16])
{
	int family = strchr(host, ':') ? AF_INET6 : AF_INET;

	return inet_pton(family, host, out) == 1 ? family : 0;
}

bool plan_same_host(const char *a, const char *b)
{
	char ha[256], hb[256];
	unsigned char xa[16], xb[16];
	const char *rest;
	int fa, fb;

	if (!url_host(a, ha, sizeof(ha), &rest) || !url_host(b, hb, sizeof(hb), &rest))
		return false;
	fa = host_addr(ha, xa);
	fb = host_addr(hb, xb);
	if (fa || fb)
		return fa == fb && memcmp(xa, xb, fa == AF_INET ? 4 : 16) == 0;
	return strcasecmp(ha, hb) == 0;
}

static int count_tls(const cJSON *o)
{
	return !plan_empty(plan_str(o, "trust-anchor")) + !plan_empty(plan_str(o, "cert-file")) +
	       !plan_empty(plan_str(o, "key-file"));
}

static bool check_peer(const cJSON *p, bool tls, char *why, size_t size)
{
	const char *name = plan_str(p, "name"), *url = plan_str(p, "url");

	if (plan_empty(name))
		return plan_why(why, size, "a peer has no name");
	if (!plan_url_ok(url))
		return plan_why(why, size,
				"peer %s: URL \"%s\" must be http(s):// an IP address "
				"(v4 or [v6]) and a port",
				name, url ? url : "");
	if (strncmp(url, "https:", 6) == 0 && !tls)
		return plan_why(why, size, "peer %s uses https but trust-anchor, cert-file and "
				"key-file are not all set", name);
	return true;
}

/* Counts roles and checks each peer; false with why. */
static bool check_peers(const cJSON *peers, const char *self, bool tls, int roles[HA_ROLE_COUNT],
			char *why, size_t size)
{
	const cJSON *p, *q;
	bool self_found = false;

	cJSON_ArrayForEach(p, peers) {
		if (!check_peer(p, tls, why, size))
			return false;
		for (q = p->next; q; q = q->next)
			if (util_streq(plan_str(p, "name"), plan_str(q, "name")))
				return plan_why(why, size, "two peers are named %s", plan_str(p, "name"));
		roles[ha_role_parse(plan_str(p, "role"))]++;
		self_found |= util_streq(plan_str(p, "name"), self);
	}
	if (!self_found)
		return plan_why(why, size, "this-server-name \"%s\" is not one of the peers", self);
	return true;
}

static bool check_roles(enum ha_mode mode, const int roles[HA_ROLE_COUNT], char *why, size_t size)
{
	int want2 = mode == HA_MODE_LOAD_BALANCING ? HA_ROLE_SECONDARY : HA_ROLE_STANDBY;
	int other = want2 == HA_ROLE_SECONDARY ? HA_ROLE_STANDBY : HA_ROLE_SECONDARY;

	if (roles[HA_ROLE_BACKUP])
		return plan_why(why, size, "backup servers are not supported");
	if (roles[HA_ROLE_PRIMARY] != 1 || roles[want2] != 1 || roles[other] ||
	    roles[HA_ROLE_UNKNOWN])
		return plan_why(why, size, "%s needs exactly one primary and one %s",
				ha_mode_name(mode), ha_role_name((enum ha_role)want2));
	return true;
}

bool plan_check_ha(const cJSON *entry, char *why, size_t size)
{
	const char *self = plan_str(entry, "this-server-name");
	enum ha_mode mode = ha_mode_parse(plan_str(entry, "mode"));
	const cJSON *hb = plan_item(entry, "heartbeat-delay");
	const cJSON *mrd = plan_item(entry, "max-response-delay");
	int roles[HA_ROLE_COUNT] = {0};
	int tls = count_tls(entry);

	if (plan_empty(self))
		return plan_why(why, size, "this-server-name is missing");
	if (mode != HA_MODE_LOAD_BALANCING && mode != HA_MODE_HOT_STANDBY)
		return plan_why(why, size, "mode must be load-balancing or hot-standby");
	if (tls != 0 && tls != 3)
		return plan_why(why, size, "TLS needs all of trust-anchor, cert-file and key-file, "
				"or none");
	if (!check_peers(plan_item(entry, "peers"), self, tls == 3, roles, why, size))
		return false;
	if (!check_roles(mode, roles, why, size))
		return false;
	/* Kea's defaults when absent: 10000 and 60000. */
	return plan_check_timings(cJSON_IsNumber(hb) ? (long)hb->valuedouble : 10000,
				  cJSON_IsNumber(mrd) ? (long)mrd->valuedouble : 60000, why, size);
}

/* The product's rule; Kea does not enforce it (a distribution shipped 10000/10000). */
bool plan_check_timings(long heartbeat_delay, long max_response_delay, char *why, size_t size)
{
	if (max_response_delay <= heartbeat_delay)
		return plan_why(why, size, "max-response-delay must be greater than heartbeat-delay");
	return true;
}

/* One number of a version text; stops at the first non-digit. */
static int version_part(const char **p)
{
	int v = 0;

	while (isdigit((unsigned char)**p) && v < 100000)
		v = v * 10 + (*(*p)++ - '0');
	return v;
}

/* "2.5.5", "3.0.4", "2.7.0-git", "2.6": as many numbers as there are, the rest 0. */
void plan_server_version(struct plan_server *s, const char *text)
{
	const char *p = text ? text : "";
	int v[3] = {0, 0, 0};

	for (int i = 0; i < 3 && isdigit((unsigned char)*p); i++) {
		v[i] = version_part(&p);
		if (*p != '.')
			break;
		p++;
	}
	s->kea_major = v[0];
	s->kea_minor = v[1];
	s->kea_patch = v[2];
}

bool plan_check_version(const struct plan_server *s, int major, int minor, int patch)
{
	if (s->kea_major != major)
		return s->kea_major > major;
	if (s->kea_minor != minor)
		return s->kea_minor > minor;
	return s->kea_patch >= patch;
}
