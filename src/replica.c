/*
 * The split of a Kea configuration into what every peer of a relationship
 * shares (subnets, shared networks, pools, reservations, options, option
 * definitions, client classes, lifetimes, DDNS behaviour, the HA
 * relationship's own parameters) and what belongs to one server (the table
 * below). Whatever is not in the table is replicated: a key Kea adds in a
 * later version is copied, never silently dropped.
 */
#include "replica.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define V4 (1u << KEA_DHCP4)
#define V6 (1u << KEA_DHCP6)
#define HA_KEY "high-availability"

static const struct replica_local local_table[] = {
	{ "interfaces-config", V4 | V6, "interface names and socket types are the host's own" },
	{ "control-socket", V4 | V6, "a UNIX socket path on this host (Kea 2.x)" },
	{ "control-sockets", V4 | V6, "this host's command listeners: addresses, ports, TLS files (Kea 3)" },
	{ "lease-database", V4 | V6, "each server keeps its own lease store: file path or database credentials" },
	{ "hosts-database", V4 | V6, "connection to a host database: address and credentials of this host" },
	{ "hosts-databases", V4 | V6, "as hosts-database, the list form" },
	{ "loggers", V4 | V6, "log files and severities of this host" },
	{ "data-directory", V6, "where this host keeps its DUID and lease files" },
	{ "server-id", V6, "the server's DUID: two servers with one DUID break DHCPv6" },
	{ "server-tag", V4 | V6, "the server's own name in a configuration backend" },
	{ "multi-threading", V4 | V6, "thread pool and queue sizes fit this host's CPUs" },
	{ "dhcp-queue-control", V4 | V6, "packet queue capacity fits this host" },
	{ "dhcp-ddns", V4 | V6, "the connection to this host's own kea-dhcp-ddns (addresses, ports, queue)" },
	{ "dhcp4o6-port", V4 | V6, "a UDP port on this host" },
	{ "hooks-libraries", V4 | V6, "library paths differ by distribution; the HA relationship's "
	  "parameters inside are replicated on their own (" HA_KEY ")" },
	{ "config-control", V4 | V6, "a shared configuration backend: never replicated at all" },
};

/* Per server in a high-availability[] entry: its name, its TLS files, its HTTP threads. */
static const char *const ha_local[] = { "this-server-name", "trust-anchor", "cert-file", "key-file",
					"multi-threading" };
/* Per server in a peers[] entry: files on this host that reach that peer. */
static const char *const ha_peer_local[] = { "trust-anchor", "cert-file", "key-file",
					     "basic-auth-password-file" };

const struct replica_local *replica_local_table(size_t *n)
{
	*n = ARRAY_LEN(local_table);
	return local_table;
}

bool replica_is_local(const char *key, enum kea_service svc)
{
	for (size_t i = 0; i < ARRAY_LEN(local_table); i++)
		if (strcmp(local_table[i].key, key) == 0 && (local_table[i].services & (1u << svc)))
			return true;
	return false;
}

static bool in_list(const char *const *list, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], key) == 0)
			return true;
	return false;
}

bool replica_ha_key_is_local(const char *key)
{
	return in_list(ha_local, ARRAY_LEN(ha_local), key);
}

bool replica_ha_peer_key_is_local(const char *key)
{
	return in_list(ha_peer_local, ARRAY_LEN(ha_peer_local), key);
}

static cJSON *dup(const cJSON *j)
{
	cJSON *c = cJSON_Duplicate(j, true);

	if (!c && j)
		util_fatal("out of memory");
	return c;
}

static const cJSON *service_map(const cJSON *args, enum kea_service svc)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(args, kea_service_config_key(svc));

	return cJSON_IsObject(m) ? m : NULL;
}

/* The high-availability[] list inside the HA hook's parameters, or NULL. */
static cJSON *ha_list(const cJSON *map)
{
	const cJSON *lib;

	cJSON_ArrayForEach(lib, cJSON_GetObjectItemCaseSensitive(map, "hooks-libraries")) {
		cJSON *l = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(lib, "parameters"), HA_KEY);
		if (cJSON_IsArray(l))
			return l;
	}
	return NULL;
}

/* An HA entry without what is per server: what every peer must have alike. */
static cJSON *ha_shared(const cJSON *entry)
{
	cJSON *e = dup(entry), *p;

	for (size_t i = 0; i < ARRAY_LEN(ha_local); i++)
		cJSON_DeleteItemFromObjectCaseSensitive(e, ha_local[i]);
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(e, "peers"))
		for (size_t i = 0; i < ARRAY_LEN(ha_peer_local); i++)
			cJSON_DeleteItemFromObjectCaseSensitive(p, ha_peer_local[i]);
	return e;
}

/*
 * A member of the part: a copy, or (borrow) a node that only points at the
 * original's children, for a part that is printed and dropped at once.
 */
static cJSON *member(const cJSON *c, bool borrow)
{
	cJSON *r;

	if (!borrow || !(cJSON_IsObject(c) || cJSON_IsArray(c)))
		return dup(c);
	r = cJSON_IsObject(c) ? cJSON_CreateObjectReference(c->child) :
				cJSON_CreateArrayReference(c->child);
	if (!r)
		util_fatal("out of memory");
	return r;
}

static cJSON *build_part(const cJSON *args, enum kea_service svc, bool borrow, char *why,
			 size_t size)
{
	const cJSON *map = service_map(args, svc), *c;
	const char *key = kea_service_config_key(svc);
	cJSON *out, *m, *ha, *l;

	if (!map) {
		snprintf(why, size, "no %s configuration", key);
		return NULL;
	}
	out = cJSON_CreateObject();
	m = cJSON_AddObjectToObject(out, key);
	cJSON_ArrayForEach(c, map)
		if (!replica_is_local(c->string, svc))
			cJSON_AddItemToObject(m, c->string, member(c, borrow));
	l = ha_list(map);
	if (l) {
		ha = cJSON_AddArrayToObject(m, HA_KEY);
		cJSON_ArrayForEach(c, l)
			cJSON_AddItemToArray(ha, ha_shared(c));
	}
	return out;
}

cJSON *replica_part(const cJSON *args, enum kea_service svc, char *why, size_t size)
{
	return build_part(args, svc, false, why, size);
}

char *replica_part_text(const cJSON *args, enum kea_service svc, char *why, size_t size)
{
	cJSON *shell = build_part(args, svc, true, why, size);
	char *text;

	if (!shell)
		return NULL;
	text = replica_text(shell);
	cJSON_Delete(shell); /* its own nodes only: borrowed children stay args' */
	return text;
}

char *replica_text(const cJSON *part)
{
	char *s = cJSON_PrintUnformatted(part);

	if (!s)
		util_fatal("out of memory");
	return s;
}

uint64_t replica_text_hash(const char *text)
{
	uint64_t h = 14695981039346656037ull;

	for (const char *p = text; p && *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	return h;
}

uint64_t replica_hash(const cJSON *part)
{
	char *s = part ? replica_text(part) : NULL;
	uint64_t h = replica_text_hash(s);

	cJSON_free(s);
	return h;
}

cJSON *replica_parse(const char *text)
{
	cJSON *t = text ? cJSON_Parse(text) : NULL;

	/* The text is cJSON's own output: only a failed allocation refuses it. */
	if (text && !t)
		util_fatal("out of memory");
	return t;
}

bool replica_refuses(const cJSON *args, enum kea_service svc, char *why, size_t size)
{
	const cJSON *map = service_map(args, svc);

	if (map && cJSON_GetObjectItemCaseSensitive(map, "config-control")) {
		snprintf(why, size, "a configuration backend (config-control) is configured: the "
			 "configuration is shared through it and keaha never replicates it");
		return true;
	}
	return false;
}

static const char *str_of(const cJSON *o, const char *k)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

/* Whether HA entry e names server as one of its peers. */
static bool ha_has_peer(const cJSON *e, const char *server)
{
	const cJSON *p;

	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(e, "peers"))
		if (util_streq(str_of(p, "name"), server))
			return true;
	return false;
}

/* Moves key from the target's object (if there) into into, replacing what into has. */
static void keep_key(cJSON *into, const cJSON *from, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(from, key);

	cJSON_DeleteItemFromObjectCaseSensitive(into, key);
	if (v)
		cJSON_AddItemToObject(into, key, dup(v));
}

/* The source's entry for the target: the target's per-server keys kept. */
static cJSON *ha_entry_for(const cJSON *src, const cJSON *tgt)
{
	cJSON *e = dup(src), *p;

	for (size_t i = 0; i < ARRAY_LEN(ha_local); i++)
		keep_key(e, tgt, ha_local[i]);
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(e, "peers")) {
		const cJSON *tp, *match = NULL;
		cJSON_ArrayForEach(tp, cJSON_GetObjectItemCaseSensitive(tgt, "peers"))
			if (util_streq(str_of(tp, "name"), str_of(p, "name")))
				match = tp;
		for (size_t i = 0; i < ARRAY_LEN(ha_peer_local); i++)
			keep_key(p, match, ha_peer_local[i]);
	}
	return e;
}

/* Replaces the target's HA entry with the source's; false with why. */
static bool replace_ha(cJSON *tmap, const cJSON *smap, char *why, size_t size)
{
	cJSON *tl = ha_list(tmap), *sl = ha_list(smap);
	const cJSON *te;
	const char *name;

	if (!tl && !sl)
		return true;
	if (!tl || !sl) {
		snprintf(why, size, "only one of the two servers has the HA hook loaded");
		return false;
	}
	if (cJSON_GetArraySize(tl) != 1 || cJSON_GetArraySize(sl) != 1) {
		snprintf(why, size, "a server in several relationships (hub and spoke) serves other "
			 "subnets than its partners by design: not replicated");
		return false;
	}
	te = cJSON_GetArrayItem(tl, 0);
	name = str_of(te, "this-server-name");
	if (!name || !ha_has_peer(cJSON_GetArrayItem(sl, 0), name)) {
		snprintf(why, size, "the two servers are not peers of the same relationship");
		return false;
	}
	cJSON_ReplaceItemInArray(tl, 0, ha_entry_for(cJSON_GetArrayItem(sl, 0), te));
	return true;
}

cJSON *replica_desired(const cJSON *target, const cJSON *source, enum kea_service svc,
		       char *why, size_t size)
{
	const cJSON *smap = service_map(source, svc), *c;
	cJSON *out, *tmap, *next;

	if (!smap || !service_map(target, svc)) {
		snprintf(why, size, "no %s configuration to replicate", kea_service_config_key(svc));
		return NULL;
	}
	if (replica_refuses(source, svc, why, size) || replica_refuses(target, svc, why, size))
		return NULL;
	out = dup(target);
	cJSON_DeleteItemFromObjectCaseSensitive(out, "hash"); /* Kea 3: of the old configuration */
	tmap = cJSON_GetObjectItemCaseSensitive(out, kea_service_config_key(svc));
	for (cJSON *k = tmap->child; k; k = next) {
		next = k->next;
		if (!replica_is_local(k->string, svc))
			cJSON_Delete(cJSON_DetachItemViaPointer(tmap, k));
	}
	cJSON_ArrayForEach(c, smap)
		if (!replica_is_local(c->string, svc))
			cJSON_AddItemToObject(tmap, c->string, dup(c));
	if (!replace_ha(tmap, smap, why, size)) {
		cJSON_Delete(out);
		return NULL;
	}
	return out;
}
