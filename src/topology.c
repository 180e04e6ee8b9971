/*
 * The topology file is JSON: servers (name, url) and relationships (name,
 * service, mode, timings, peers). It holds no secrets.
 */
#include "topology.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "discovery.h"
#include "util.h"

void topology_default_dir(char *out, size_t size)
{
	const char *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");

	if (xdg && *xdg)
		snprintf(out, size, "%s/keaha", xdg);
	else
		snprintf(out, size, "%s/.local/state/keaha", home ? home : ".");
}

/* FNV-1a over the configured URLs: which set of servers this topology is of. */
static void file_name(const char *dir, const struct keaha_config *cfg, char *out, size_t size)
{
	uint64_t h = 1469598103934665603ull;

	for (int i = 0; i < cfg->nservers; i++)
		for (const char *p = cfg->servers[i].url; *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ull;
	snprintf(out, size, "%s/topology-%016llx.json", dir, (unsigned long long)h);
}

static const char *str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : "";
}

static long num(const cJSON *o, const char *k, long dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsNumber(v) ? (long)v->valuedouble : dflt;
}

static void load_rel(struct model *m, const cJSON *j)
{
	struct relationship *r;
	enum kea_service svc;
	const cJSON *p;

	int idx;

	if (!kea_service_parse(str(j, "service"), &svc) || !*str(j, "name"))
		return;
	idx = model_add_rel(m); /* may move m->rels */
	r = &m->rels[idx];
	strlcpy_(r->name, str(j, "name"), sizeof(r->name));
	r->service = svc;
	r->remembered = true;
	r->conf_known = true;
	r->conf_from = -1;
	r->conf.mode = ha_mode_parse(str(j, "mode"));
	r->conf.heartbeat_delay = num(j, "heartbeat-delay", 10000);
	r->conf.max_response_delay = num(j, "max-response-delay", 60000);
	r->conf.max_ack_delay = num(j, "max-ack-delay", 10000);
	r->conf.max_unacked_clients = num(j, "max-unacked-clients", 10);
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(j, "peers")) {
		struct ha_peer_config *pc;
		if (r->npeers >= HA_MAX_PEERS)
			break;
		pc = &r->conf.peer[r->conf.npeers++];
		strlcpy_(pc->name, str(p, "name"), sizeof(pc->name));
		strlcpy_(pc->url, str(p, "ha-url"), sizeof(pc->url));
		pc->role = ha_role_parse(str(p, "role"));
		strlcpy_(r->peer[r->npeers].name, pc->name, KEA_NAME_LEN);
		r->peer[r->npeers].ha_url = pc->url;
		r->peer[r->npeers].role = pc->role;
		r->peer[r->npeers].auto_failover = true;
		r->peer[r->npeers++].server = -1;
	}
}

void topology_load(struct model *m, const char *dir, const struct keaha_config *cfg)
{
	char path[KEA_URL_LEN + 64];
	char *text;
	cJSON *root, *it;

	if (!dir)
		return;
	file_name(dir, cfg, path, sizeof(path));
	text = util_read_file(path, 16u << 20);
	root = text ? cJSON_Parse(text) : NULL;
	free(text);
	if (!root)
		return;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(root, "servers")) {
		if (*str(it, "name") && *str(it, "url") && model_find_server_url(m, str(it, "url")) < 0)
			model_add_server(m, str(it, "name"), str(it, "url"), ORIGIN_REMEMBERED);
	}
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(root, "relationships"))
		load_rel(m, it);
	cJSON_Delete(root);
	discovery_rebuild(m);
}

static cJSON *rel_json(const struct relationship *r)
{
	cJSON *o = cJSON_CreateObject(), *peers = cJSON_CreateArray();

	cJSON_AddStringToObject(o, "name", r->name);
	cJSON_AddStringToObject(o, "service", kea_service_name(r->service));
	cJSON_AddStringToObject(o, "mode", ha_mode_name(r->conf.mode));
	cJSON_AddNumberToObject(o, "heartbeat-delay", (double)r->conf.heartbeat_delay);
	cJSON_AddNumberToObject(o, "max-response-delay", (double)r->conf.max_response_delay);
	cJSON_AddNumberToObject(o, "max-ack-delay", (double)r->conf.max_ack_delay);
	cJSON_AddNumberToObject(o, "max-unacked-clients", (double)r->conf.max_unacked_clients);
	for (int i = 0; i < r->npeers; i++) {
		cJSON *p = cJSON_CreateObject();
		cJSON_AddStringToObject(p, "name", r->peer[i].name);
		cJSON_AddStringToObject(p, "ha-url", r->peer[i].ha_url);
		cJSON_AddStringToObject(p, "role", ha_role_name(r->peer[i].role));
		cJSON_AddItemToArray(peers, p);
	}
	cJSON_AddItemToObject(o, "peers", peers);
	return o;
}

bool topology_save(const struct model *m, const char *dir, const struct keaha_config *cfg)
{
	char path[KEA_URL_LEN + 64], tmp[KEA_URL_LEN + 80];
	cJSON *root, *servers, *rels;
	char *text;
	FILE *f;
	bool ok;

	if (!dir || m->nrels == 0 || !util_mkdirs(dir))
		return false;
	root = cJSON_CreateObject();
	servers = cJSON_AddArrayToObject(root, "servers");
	rels = cJSON_AddArrayToObject(root, "relationships");
	for (int i = 0; i < m->nservers; i++) {
		cJSON *s = cJSON_CreateObject();
		cJSON_AddStringToObject(s, "name", m->servers[i].name);
		cJSON_AddStringToObject(s, "url", m->servers[i].url);
		cJSON_AddItemToArray(servers, s);
	}
	for (int i = 0; i < m->nrels; i++)
		cJSON_AddItemToArray(rels, rel_json(&m->rels[i]));
	text = cJSON_Print(root);
	cJSON_Delete(root);
	file_name(dir, cfg, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.%ld", path, (long)getpid());
	f = fopen(tmp, "w");
	ok = f && fchmod(fileno(f), 0600) == 0 && fputs(text, f) >= 0;
	ok = f && fclose(f) == 0 && ok && rename(tmp, path) == 0;
	if (!ok)
		unlink(tmp);
	cJSON_free(text);
	return ok;
}
