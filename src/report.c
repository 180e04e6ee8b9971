/*
 * `keaha status` output. Fields that keaha does not know are null in JSON
 * and "-" in the table, never a made-up zero.
 */
#include "report.h"

#include <math.h>
#include <string.h>

#include "drift.h"
#include "util.h"
#include "verdict.h"

static void add_str_or_null(cJSON *o, const char *key, const char *s)
{
	if (s && *s)
		cJSON_AddStringToObject(o, key, s);
	else
		cJSON_AddNullToObject(o, key);
}

static void add_num_or_null(cJSON *o, const char *key, bool known, double v)
{
	if (known)
		cJSON_AddNumberToObject(o, key, v + 0.0); /* never "-0" */
	else
		cJSON_AddNullToObject(o, key);
}

static cJSON *scopes_json(const struct ha_scopes *s)
{
	cJSON *a = cJSON_CreateArray();

	for (int i = 0; i < s->n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(s->name[i]));
	return a;
}

/* How this peer sees its partner: tells "A cannot reach B" from "keaha cannot". */
static cJSON *partner_view_json(const struct ha_remote *r)
{
	cJSON *o = cJSON_CreateObject();

	add_str_or_null(o, "name", r->server_name);
	add_str_or_null(o, "state", r->never_in_touch ? NULL : ha_state_name(r->last_state));
	cJSON_AddItemToObject(o, "scopes", scopes_json(&r->last_scopes));
	cJSON_AddNumberToObject(o, "age", (double)r->age);
	cJSON_AddBoolToObject(o, "in-touch", r->in_touch);
	cJSON_AddBoolToObject(o, "communication-interrupted", r->communication_interrupted);
	add_num_or_null(o, "clock-skew", r->has_clock_skew, (double)r->clock_skew);
	return o;
}

static void peer_status_json(cJSON *o, const struct relationship *r, const struct peer_view *v,
			     double now)
{
	const struct ha_rel_status *st = v->status;
	const struct daemon *d = v->daemon;
	const struct ha_remote *rem = st && st->remote.present ? &st->remote : NULL;
	int i = v->ha_index;

	add_str_or_null(o, "state", st ? ha_state_name(st->local.state) : NULL);
	cJSON_AddBoolToObject(o, "serving", v->serving);
	if (st)
		cJSON_AddItemToObject(o, "scopes", scopes_json(&st->local.scopes));
	else
		cJSON_AddNullToObject(o, "scopes");
	add_num_or_null(o, "heartbeat-age", rem != NULL, rem ? (double)rem->age : 0);
	add_num_or_null(o, "communication-interrupted", false, 0);
	if (rem)
		cJSON_ReplaceItemInObject(o, "communication-interrupted",
					  cJSON_CreateBool(rem->communication_interrupted));
	add_num_or_null(o, "unacked-clients", rem != NULL, rem ? (double)rem->unacked_clients : 0);
	cJSON_AddNumberToObject(o, "max-unacked-clients", (double)r->conf.max_unacked_clients);
	add_num_or_null(o, "connecting-clients", rem != NULL, rem ? (double)rem->connecting_clients : 0);
	add_num_or_null(o, "analyzed-packets", rem != NULL, rem ? (double)rem->analyzed_packets : 0);
	add_num_or_null(o, "failover-progress", rem && rem->communication_interrupted,
			rem ? (double)verdict_failover_progress(rem) : 0);
	add_num_or_null(o, "unsent-updates", v->hb != NULL, v->hb ? (double)v->hb->unsent_update_count : 0);
	add_num_or_null(o, "pool-usage", d && d->pool.known && d->pool.total > 0,
			d && d->pool.total > 0 ? round(1000.0 * d->pool.assigned / d->pool.total) / 10.0 : 0);
	add_num_or_null(o, "clock-offset", d && d->has_clock && v->reach == REACH_OK,
			d ? round(d->clock_offset) : 0);
	add_num_or_null(o, "uptime", d && d->has_status && v->reach == REACH_OK,
			d ? (double)d->status.uptime : 0);
	add_num_or_null(o, "state-since", st && i >= 0 && d->state_change_seen[i],
			st && i >= 0 ? round(now - d->state_since[i]) : 0);
	add_num_or_null(o, "last-partner-down", st && i >= 0 && d->last_partner_down[i] > 0,
			st && i >= 0 ? round(now - d->last_partner_down[i]) : 0);
	if (d && d->has_status && d->status.has_dhcp_state)
		cJSON_AddBoolToObject(o, "dhcp-disabled", d->status.dhcp_disabled);
	if (rem)
		cJSON_AddItemToObject(o, "partner-view", partner_view_json(rem));
	else
		cJSON_AddNullToObject(o, "partner-view");
}

/* Whether this peer's replicated configuration differs from the source's, and how. */
static void peer_drift_json(cJSON *o, const struct model *m, const struct relationship *r, int i)
{
	cJSON *list = cJSON_CreateArray();
	struct sbuf b;

	sbuf_init(&b);
	if (i == r->drift.source)
		cJSON_AddBoolToObject(o, "config-drift", false);
	else if (!r->drift.peer_known[i])
		cJSON_AddNullToObject(o, "config-drift");
	else
		cJSON_AddBoolToObject(o, "config-drift", r->drift.peer_diffs[i] > 0);
	if (r->drift.peer_known[i] && r->drift.peer_diffs[i] > 0 && drift_describe(m, r, i, &b) > 0)
		for (char *line = b.s, *nl; line && *line; line = nl + 1) {
			nl = strchr(line, '\n');
			if (!nl)
				break;
			*nl = '\0';
			cJSON_AddItemToArray(list, cJSON_CreateString(line));
		}
	sbuf_free(&b);
	cJSON_AddItemToObject(o, "drift", list);
}

static cJSON *peer_json(const struct model *m, const struct relationship *r, int i, double now)
{
	struct peer_view v;
	cJSON *o = cJSON_CreateObject();

	model_peer_view(m, r, i, &v);
	cJSON_AddStringToObject(o, "name", v.peer->name);
	cJSON_AddStringToObject(o, "role", ha_role_name(v.peer->role));
	add_str_or_null(o, "url", v.server ? v.server->url : NULL);
	add_str_or_null(o, "ha-url", v.peer->ha_url);
	cJSON_AddBoolToObject(o, "reachable", v.reach == REACH_OK);
	cJSON_AddStringToObject(o, "reach", reach_name(v.reach));
	add_str_or_null(o, "error", v.daemon && v.reach != REACH_OK ? v.daemon->error :
			v.daemon && v.daemon->fault == FAULT_NO_HA ? v.daemon->error : NULL);
	add_str_or_null(o, "fault", v.daemon && v.daemon->fault != FAULT_NONE ?
			fault_name(v.daemon->fault) : NULL);
	cJSON_AddBoolToObject(o, "auto-failover", v.peer->auto_failover);
	peer_status_json(o, r, &v, now);
	peer_drift_json(o, m, r, i);
	return o;
}

static cJSON *replication_json(const struct relationship *r)
{
	cJSON *o = cJSON_CreateObject();

	add_str_or_null(o, "source", r->drift.source >= 0 ? r->peer[r->drift.source].name : NULL);
	add_str_or_null(o, "pinned", r->drift.pinned);
	add_str_or_null(o, "not-replicated", r->drift.why);
	cJSON_AddNumberToObject(o, "drifted-peers", r->drift.ndrifted);
	return o;
}

static cJSON *timings_json(const struct ha_rel_config *c)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "heartbeat-delay", (double)c->heartbeat_delay);
	cJSON_AddNumberToObject(o, "max-response-delay", (double)c->max_response_delay);
	cJSON_AddNumberToObject(o, "max-ack-delay", (double)c->max_ack_delay);
	cJSON_AddNumberToObject(o, "max-unacked-clients", (double)c->max_unacked_clients);
	return o;
}

static cJSON *rel_json(const struct model *m, const struct relationship *r, double now)
{
	const struct verdict *v = &r->verdict;
	cJSON *o = cJSON_CreateObject(), *peers = cJSON_CreateArray(), *faults = cJSON_CreateArray();

	cJSON_AddStringToObject(o, "name", r->name);
	cJSON_AddStringToObject(o, "service", kea_service_name(r->service));
	cJSON_AddStringToObject(o, "mode", ha_mode_name(r->conf.mode));
	cJSON_AddStringToObject(o, "status", rel_status_name(v->status));
	cJSON_AddStringToObject(o, "reason", v->reason);
	add_str_or_null(o, "next-step", v->next_step);
	/* The action the next step is (keaha ha ACTION NAME [--peer PEER]): triage offers it. */
	add_str_or_null(o, "next-action", action_name(v->next_action));
	add_str_or_null(o, "next-action-peer", v->next_action_peer);
	cJSON_AddBoolToObject(o, "split-brain", v->split_brain);
	cJSON_AddBoolToObject(o, "failover-pending", v->failover_pending);
	add_num_or_null(o, "clock-skew", v->has_skew, v->clock_skew);
	add_str_or_null(o, "source-of-truth", v->source_of_truth >= 0 ?
			r->peer[v->source_of_truth].name : NULL);
	cJSON_AddNumberToObject(o, "since", round(now - r->verdict_since));
	cJSON_AddBoolToObject(o, "remembered", r->remembered);
	cJSON_AddItemToObject(o, "timings", timings_json(&r->conf));
	for (int i = 0; i < r->nfaults; i++)
		cJSON_AddItemToArray(faults, cJSON_CreateString(r->fault[i]));
	cJSON_AddItemToObject(o, "config-faults", faults);
	cJSON_AddBoolToObject(o, "config-drift", r->drift.ndrifted > 0);
	cJSON_AddItemToObject(o, "replication", replication_json(r));
	for (int i = 0; i < r->npeers; i++)
		cJSON_AddItemToArray(peers, peer_json(m, r, i, now));
	cJSON_AddItemToObject(o, "peers", peers);
	return o;
}

static const char *origin_name(enum server_origin o)
{
	return o == ORIGIN_CONFIG ? "configured" : o == ORIGIN_DISCOVERED ? "discovered" : "remembered";
}

static cJSON *server_json(const struct server *sv)
{
	cJSON *o = cJSON_CreateObject(), *svcs = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "name", sv->name);
	cJSON_AddStringToObject(o, "url", sv->url);
	cJSON_AddStringToObject(o, "origin", origin_name(sv->origin));
	cJSON_AddStringToObject(o, "transport", sv->probed ? transport_kind_name(sv->transport) :
				sv->transport_conf != TRANSPORT_AUTO ? transport_kind_name(sv->transport_conf) :
				"unknown");
	cJSON_AddStringToObject(o, "reach", reach_name(sv->reach));
	add_str_or_null(o, "version", sv->version);
	cJSON_AddBoolToObject(o, "reachable", sv->reach == REACH_OK);
	add_str_or_null(o, "error", sv->reach != REACH_OK ? sv->error : NULL);
	add_str_or_null(o, "fault", sv->fault != FAULT_NONE ? fault_name(sv->fault) : NULL);
	add_str_or_null(o, "note", sv->note);
	for (int i = 0; i < KEA_SERVICE_COUNT; i++) {
		const struct daemon *d = &sv->d[i];
		cJSON *dj;
		if (!d->present)
			continue;
		dj = cJSON_CreateObject();
		cJSON_AddStringToObject(dj, "reach", reach_name(d->reach));
		add_str_or_null(dj, "error", d->reach != REACH_OK || d->fault ? d->error : NULL);
		cJSON_AddBoolToObject(dj, "ha", d->has_status && d->status.has_ha);
		cJSON_AddItemToObject(svcs, kea_service_name((enum kea_service)i), dj);
	}
	cJSON_AddItemToObject(o, "services", svcs);
	return o;
}

cJSON *report_json(const struct model *m, double now)
{
	cJSON *root = cJSON_CreateObject(), *rels = cJSON_CreateArray(), *servers = cJSON_CreateArray();

	for (int i = 0; i < m->nrels; i++)
		cJSON_AddItemToArray(rels, rel_json(m, &m->rels[i], now));
	for (int i = 0; i < m->nservers; i++)
		cJSON_AddItemToArray(servers, server_json(&m->servers[i]));
	cJSON_AddItemToObject(root, "relationships", rels);
	cJSON_AddItemToObject(root, "servers", servers);
	cJSON_AddNumberToObject(root, "exit-status", report_exit_code(m));
	return root;
}

/* A configured server that answered nothing and is no known peer hides what it serves. */
static bool server_unaccounted(const struct model *m, int s)
{
	if (m->servers[s].origin != ORIGIN_CONFIG || m->servers[s].reach == REACH_OK)
		return false;
	for (int i = 0; i < m->nrels; i++)
		for (int k = 0; k < m->rels[i].npeers; k++)
			if (m->rels[i].peer[k].server == s)
				return false;
	return true;
}

static const char *peer_cell(const struct model *m, const struct relationship *r, enum ha_role a,
			     enum ha_role b, char *buf, size_t size)
{
	for (int i = 0; i < r->npeers; i++) {
		struct peer_view v;
		if (r->peer[i].role != a && r->peer[i].role != b)
			continue;
		model_peer_view(m, r, i, &v);
		snprintf(buf, size, "%s (%s)", r->peer[i].name,
			 v.reach == REACH_OK ? (v.status ? ha_state_name(v.state) : "no HA") :
			 v.reach == REACH_DOWN ? "down" : "unknown");
		return buf;
	}
	return "-";
}

/* "config drift" and what differs, per drifted peer. */
static void drift_table(const struct model *m, const struct relationship *r, FILE *out)
{
	if (r->drift.why[0])
		fprintf(out, "    not replicated: %s\n", r->drift.why);
	if (r->drift.pinned[0])
		fprintf(out, "    edits made on %s while the primary was away: carried to it next\n",
			r->drift.pinned);
	for (int i = 0; i < r->npeers; i++) {
		struct sbuf b;
		if (!r->drift.peer_known[i] || r->drift.peer_diffs[i] == 0)
			continue;
		sbuf_init(&b);
		drift_describe(m, r, i, &b);
		fprintf(out, "    config drift on %s (against %s):\n", r->peer[i].name,
			r->peer[r->drift.source].name);
		for (char *line = b.s, *nl; line && (nl = strchr(line, '\n')); line = nl + 1)
			fprintf(out, "      %.*s\n", (int)(nl - line), line);
		sbuf_free(&b);
	}
}

void report_table(const struct model *m, double now, FILE *out)
{
	char p[KEA_NAME_LEN + 40], s[KEA_NAME_LEN + 40], skew[16];

	(void)now;
	if (m->nrels == 0) {
		fprintf(out, "No failover relationship discovered.\n");
		for (int i = 0; i < m->nservers; i++)
			fprintf(out, "  %s  %s  %s\n", m->servers[i].name, m->servers[i].url,
				m->servers[i].reach == REACH_OK ? "reachable, no HA" : m->servers[i].error);
		return;
	}
	fprintf(out, "%-34s %-30s %-30s %-13s %-7s %-12s %s\n", "RELATIONSHIP", "PRIMARY",
		"SECONDARY/STANDBY", "MODE", "SERVICE", "STATE", "SKEW");
	for (int i = 0; i < m->nrels; i++) {
		const struct relationship *r = &m->rels[i];
		const struct verdict *v = &r->verdict;
		snprintf(skew, sizeof(skew), v->has_skew ? "%.0f s" : "-", v->clock_skew);
		fprintf(out, "%-34s %-30s %-30s %-13s %-7s %-12s %s%s\n", r->name,
			peer_cell(m, r, HA_ROLE_PRIMARY, HA_ROLE_PRIMARY, p, sizeof(p)),
			peer_cell(m, r, HA_ROLE_SECONDARY, HA_ROLE_STANDBY, s, sizeof(s)),
			ha_mode_label(r->conf.mode), kea_service_label(r->service),
			rel_status_label(v->status), skew, v->split_brain ? "  SPLIT BRAIN" : "");
		if (v->status != REL_OK)
			fprintf(out, "    %s\n", v->reason);
		if (v->next_step[0] && v->status != REL_OK && v->next_action == HA_ACTION_NONE)
			fprintf(out, "    next: %s\n", v->next_step);
		else if (v->next_step[0] && v->status != REL_OK)
			fprintf(out, "    next: %s: keaha ha %s %s%s%s\n", v->next_step,
				action_name(v->next_action), r->name, v->next_action_peer[0] ? " --peer " : "",
				v->next_action_peer);
		fprintf(out, "    source of truth: %s\n",
			v->source_of_truth >= 0 ? r->peer[v->source_of_truth].name : "none");
		for (int k = 0; k < r->nfaults; k++)
			fprintf(out, "    config fault: %s\n", r->fault[k]);
		drift_table(m, r, out);
	}
	for (int k = 0; k < m->nservers; k++)
		if (server_unaccounted(m, k))
			fprintf(out, "Not reached: %s (%s): %s\n", m->servers[k].name,
				m->servers[k].url, m->servers[k].error);
}

enum report_exit report_exit_code(const struct model *m)
{
	bool impaired = false, down = false, unreachable = m->nrels == 0;

	for (int s = 0; s < m->nservers; s++)
		unreachable |= server_unaccounted(m, s);

	for (int i = 0; i < m->nrels; i++) {
		const struct verdict *v = &m->rels[i].verdict;
		down |= v->status == REL_SERVICE_DOWN || v->split_brain;
		unreachable |= v->status == REL_UNREACHABLE;
		impaired |= v->status == REL_IMPAIRED;
	}
	if (down)
		return REPORT_EXIT_DOWN;
	if (unreachable)
		return REPORT_EXIT_UNREACHABLE;
	return impaired ? REPORT_EXIT_IMPAIRED : REPORT_EXIT_OK;
}

/* The peers of one role, comma-separated, into buf. */
static const char *peers_of(const struct relationship *r, enum ha_role a, enum ha_role b,
			    char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int i = 0; i < r->npeers && len < size; i++)
		if (r->peer[i].role == a || r->peer[i].role == b)
			len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? "," : "", r->peer[i].name);
	return buf[0] ? buf : "-";
}

static void list_json(const struct model *m, FILE *out)
{
	cJSON *root = cJSON_CreateArray();
	char *s;

	for (int i = 0; i < m->nrels; i++) {
		const struct relationship *r = &m->rels[i];
		cJSON *o = cJSON_CreateObject(), *peers = cJSON_CreateArray();
		cJSON_AddStringToObject(o, "name", r->name);
		cJSON_AddStringToObject(o, "service", kea_service_name(r->service));
		cJSON_AddStringToObject(o, "mode", ha_mode_name(r->conf.mode));
		cJSON_AddStringToObject(o, "status", rel_status_name(r->verdict.status));
		for (int k = 0; k < r->npeers; k++) {
			cJSON *p = cJSON_CreateObject();
			cJSON_AddStringToObject(p, "name", r->peer[k].name);
			cJSON_AddStringToObject(p, "role", ha_role_name(r->peer[k].role));
			add_str_or_null(p, "url", r->peer[k].server >= 0 ? m->servers[r->peer[k].server].url : NULL);
			cJSON_AddStringToObject(p, "ha-url", r->peer[k].ha_url);
			cJSON_AddItemToArray(peers, p);
		}
		cJSON_AddItemToObject(o, "peers", peers);
		cJSON_AddItemToArray(root, o);
	}
	s = cJSON_Print(root);
	fprintf(out, "%s\n", s);
	cJSON_free(s);
	cJSON_Delete(root);
}

void report_list(const struct model *m, bool json, FILE *out)
{
	char p[256], sec[256], bk[256];

	if (json) {
		list_json(m, out);
		return;
	}
	fprintf(out, "%-34s %-7s %-15s %-20s %-20s %-20s %s\n", "NAME", "SERVICE", "MODE", "PRIMARY",
		"SECONDARY/STANDBY", "BACKUPS", "STATUS");
	for (int i = 0; i < m->nrels; i++) {
		const struct relationship *r = &m->rels[i];
		fprintf(out, "%-34s %-7s %-15s %-20s %-20s %-20s %s\n", r->name, kea_service_name(r->service),
			ha_mode_name(r->conf.mode), peers_of(r, HA_ROLE_PRIMARY, HA_ROLE_PRIMARY, p, sizeof(p)),
			peers_of(r, HA_ROLE_SECONDARY, HA_ROLE_STANDBY, sec, sizeof(sec)),
			peers_of(r, HA_ROLE_BACKUP, HA_ROLE_BACKUP, bk, sizeof(bk)),
			rel_status_label(r->verdict.status));
	}
}
