/*
 * Pane lines. Values that keaha does not know are "-", never a made-up zero;
 * ages are "as keaha saw them" (a state first seen is "at least").
 */
#include "details_pane.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "drift.h"
#include "look.h"
#include "util.h"
#include "verdict.h"

#define LABEL_W 16
#define MAX_LINES 160

struct lines {
	struct pane_line *out;
	int n, max;
};

static void add(struct lines *L, enum theme_role role, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add(struct lines *L, enum theme_role role, const char *label, const char *fmt, ...)
{
	struct pane_line *p;
	va_list ap;

	if (L->n >= L->max)
		return;
	p = &L->out[L->n++];
	memset(p, 0, sizeof(*p));
	strlcpy_(p->label, label, sizeof(p->label));
	p->role = role;
	va_start(ap, fmt);
	vsnprintf(p->value, sizeof(p->value), fmt, ap);
	va_end(ap);
}

static void heading(struct lines *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void heading(struct lines *L, const char *fmt, ...)
{
	va_list ap;

	if (L->n >= L->max)
		return;
	memset(&L->out[L->n], 0, sizeof(L->out[0]));
	L->out[L->n].heading = true;
	L->out[L->n].role = ROLE_HEADER;
	va_start(ap, fmt);
	vsnprintf(L->out[L->n].value, sizeof(L->out[0].value), fmt, ap);
	va_end(ap);
	L->n++;
}

static void age_text(double seconds, char *out, size_t size)
{
	util_format_age(seconds, out, size);
}

static void verdict_block(const struct ui *ui, const struct relationship *r, struct lines *L)
{
	const struct verdict *v = &r->verdict;
	char age[32];

	heading(L, "%s", r->name);
	age_text(ui->now - r->verdict_since, age, sizeof(age));
	add(L, look_status_role(v->status), "Status", "%s%s%s  (for %s)",
	    v->status == REL_OK ? "" : look_status_marker(v->status), v->status == REL_OK ? "" : " ",
	    rel_status_label(v->status), age);
	add(L, ROLE_NORMAL, "Reason", "%s", v->reason);
	if (v->next_step[0])
		add(L, ROLE_WARN, "Next step", "%s", v->next_step);
	if (v->next_action != HA_ACTION_NONE && !ui->o->readonly) /* that step, one key away */
		add(L, ROLE_KEY, "Action", "n: keaha ha %s%s%s", action_name(v->next_action),
		    v->next_action_peer[0] ? " --peer " : "", v->next_action_peer);
	add(L, ROLE_VALUE, "Source of truth", "%s",
	    v->source_of_truth >= 0 ? r->peer[v->source_of_truth].name : "none");
	if (v->split_brain)
		add(L, ROLE_DOWN, "Split brain", "both peers answer keaha but not each other: "
		    "both may serve every client");
	if (v->failover_pending)
		add(L, ROLE_IMPAIRED, "Failover", "pending, %d%%", v->failover_progress);
	if (v->has_skew)
		add(L, v->skew_level ? ROLE_WARN : ROLE_NORMAL, "Clock skew", "%.0f s%s", v->clock_skew,
		    v->skew_level == 2 ? " (Kea terminates HA above 60 s)" :
		    v->skew_level == 1 ? " (Kea warns above 30 s)" : "");
	add(L, ROLE_NORMAL, "Mode", "%s, %s%s", ha_mode_label(r->conf.mode),
	    kea_service_label(r->service), r->remembered ? " (remembered, not yet confirmed)" : "");
	for (int i = 0; i < r->nfaults; i++)
		add(L, ROLE_WARN, i ? "" : "Config fault", "%s", r->fault[i]);
}

/* The product's timing rules, with a warning where they are broken. */
static void timings_block(const struct relationship *r, struct lines *L)
{
	const struct ha_rel_config *c = &r->conf;

	add(L, ROLE_NORMAL, "Timings", "heartbeat %ld ms, max-response %ld ms", c->heartbeat_delay,
	    c->max_response_delay);
	add(L, ROLE_NORMAL, "", "max-ack %ld ms, max-unacked-clients %ld", c->max_ack_delay,
	    c->max_unacked_clients);
	if (c->max_response_delay <= c->heartbeat_delay)
		add(L, ROLE_WARN, "", "max-response-delay must exceed heartbeat-delay: "
		    "outages will not be detected reliably");
	else if (c->max_response_delay < 2 * c->heartbeat_delay)
		add(L, ROLE_WARN, "", "max-response-delay is usually several heartbeat-delays");
}

static const char *serving_words(const struct peer_view *v)
{
	if (!v->serving)
		return "none";
	if (!v->status)
		return "all (no HA)";
	return v->status->local.scopes.n > 1 ? "all" : "own";
}

static void progress_bar(int pct, char *out, size_t size)
{
	char bar[11];
	int fill = pct < 0 ? 0 : pct > 100 ? 10 : pct / 10;

	for (int i = 0; i < 10; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[10] = '\0';
	snprintf(out, size, "[%s] %d%%", bar, pct < 0 ? 0 : pct);
}

static void reach_line(const struct peer_view *pv, struct lines *L)
{
	const struct daemon *d = pv->daemon;

	if (!pv->server)
		add(L, ROLE_UNREACHABLE, "Reachable", "no management URL known");
	else if (pv->reach == REACH_OK)
		add(L, ROLE_OK, "Reachable", "yes, via %s", pv->server->url);
	else
		add(L, look_reach_role(pv->reach), "Reachable", "%s: %s",
		    pv->reach == REACH_DOWN ? "down" : pv->reach == REACH_PENDING ? "not asked yet" : "no",
		    d && d->error[0] ? d->error : "-");
	if (pv->server && pv->server->note[0])
		add(L, ROLE_WARN, "Note", "%s", pv->server->note);
}

/* The other active peer's name: Kea 2.2 does not name the partner in status-get. */
static const char *partner_of(const struct relationship *r, const char *self)
{
	for (int i = 0; i < r->npeers; i++)
		if (ha_role_is_active(r->peer[i].role) && strcmp(r->peer[i].name, self) != 0)
			return r->peer[i].name;
	return "partner";
}

static void partner_line(const struct relationship *r, const struct peer_view *pv,
			 const struct ha_remote *rem, struct lines *L)
{
	add(L, rem->communication_interrupted ? ROLE_IMPAIRED : ROLE_NORMAL, "Sees partner",
	    "%s %s, last contact %ld s ago%s",
	    rem->server_name[0] ? rem->server_name : partner_of(r, pv->peer->name),
	    rem->never_in_touch ? "(never in touch)" : ha_state_name(rem->last_state), rem->age,
	    rem->communication_interrupted ? ", communication interrupted" : "");
}

static void ha_lines(const struct ui *ui, const struct relationship *r, const struct peer_view *pv,
		     struct lines *L)
{
	const struct daemon *d = pv->daemon;
	const struct ha_remote *rem = pv->status->remote.present ? &pv->status->remote : NULL;
	int i = pv->ha_index;
	char age[32], bar[32];

	add(L, look_peer_role(r, pv), "HA state", "%s, serving: %s", ha_state_name(pv->state),
	    serving_words(pv));
	age_text(ui->now - d->state_since[i], age, sizeof(age));
	add(L, ROLE_NORMAL, "In state", "%s%s", d->state_change_seen[i] ? "" : "at least ", age);
	if (d->last_partner_down[i] > 0) {
		age_text(ui->now - d->last_partner_down[i], age, sizeof(age));
		add(L, ROLE_NORMAL, "Partner-down", "last %s ago", age);
	}
	if (rem) {
		partner_line(r, pv, rem, L);
		add(L, ROLE_NORMAL, "Unacked clients", "%ld of %ld (connecting %ld, analyzed %ld)",
		    rem->unacked_clients, r->conf.max_unacked_clients, rem->connecting_clients,
		    rem->analyzed_packets);
		/* Progress towards partner-down: none left to show once there. */
		if (rem->communication_interrupted && pv->state != HA_STATE_PARTNER_DOWN) {
			progress_bar(verdict_failover_progress(rem), bar, sizeof(bar));
			add(L, ROLE_IMPAIRED, "Failover", "%s", bar);
		}
	}
	if (pv->hb)
		add(L, pv->hb->unsent_update_count ? ROLE_WARN : ROLE_NORMAL, "Unsent updates", "%ld",
		    pv->hb->unsent_update_count);
}

/* Whether keaha replicates this relationship, from what, and what differs where. */
static void replication_block(const struct ui *ui, const struct relationship *r, struct lines *L)
{
	const struct rel_drift *d = &r->drift;

	heading(L, "Replication");
	add(L, ROLE_VALUE, "Source", "%s%s", d->source >= 0 ? r->peer[d->source].name : "none",
	    d->pinned[0] && d->source >= 0 && !strcmp(r->peer[d->source].name, d->pinned) ?
	    " (holds edits made while the primary was away)" : "");
	if (d->why[0])
		add(L, ROLE_WARN, "Not replicated", "%s", d->why);
	else if (ui->o->readonly)
		add(L, ROLE_DIM, "Automatic", "off (--readonly)");
	else if (!ui->cfg->replicate)
		add(L, ROLE_DIM, "Automatic", "off (keaReplicateConfig = 0); drift is still shown");
	if (!d->known)
		add(L, ROLE_DIM, "Drift", "not compared yet");
	else if (!d->ndrifted)
		add(L, ROLE_NORMAL, "Drift", "none: every peer has the source's configuration");
	for (int i = 0; i < r->npeers; i++) {
		struct sbuf b;
		int k = 0;
		if (!d->peer_known[i] || !d->peer_diffs[i])
			continue;
		sbuf_init(&b);
		drift_describe(ui->model, r, i, &b);
		add(L, ROLE_WARN, "Config drift", "%s differs from %s:", r->peer[i].name,
		    r->peer[d->source].name);
		for (char *line = b.s, *nl; line && (nl = strchr(line, '\n')) && k < 12; line = nl + 1, k++)
			add(L, ROLE_NORMAL, "", "%.*s", (int)(nl - line), line);
		sbuf_free(&b);
	}
	/* What differs first, then what keaha does about it. */
	if (d->note[0])
		add(L, ROLE_NORMAL, "Automatic", "%s", d->note);
}

static void peer_block(const struct ui *ui, const struct relationship *r, int k, struct lines *L)
{
	struct peer_view pv;
	const struct daemon *d;
	char age[32];

	model_peer_view(ui->model, r, k, &pv);
	d = pv.daemon;
	heading(L, "%s %s", ha_role_name(r->peer[k].role), r->peer[k].name);
	reach_line(&pv, L);
	if (pv.status)
		ha_lines(ui, r, &pv, L);
	else if (pv.reach == REACH_OK)
		add(L, ROLE_DOWN, "HA state", "none: the HA hook is not loaded");
	if (d && d->pool.known && d->pool.total > 0 && pv.reach == REACH_OK)
		add(L, ROLE_NORMAL, "Pool usage", "%.1f%% (%.0f of %.0f)",
		    100.0 * d->pool.assigned / d->pool.total, d->pool.assigned, d->pool.total);
	if (d && d->has_clock && pv.reach == REACH_OK)
		add(L, fabs(d->clock_offset) > 30 ? ROLE_WARN : ROLE_NORMAL, "Clock offset", "%+.0f s",
		    round(d->clock_offset) + 0.0);
	if (d && d->has_status && pv.reach == REACH_OK) {
		age_text((double)d->status.uptime, age, sizeof(age));
		add(L, ROLE_NORMAL, "Uptime", "%s", age);
	}
	if (d && d->first_failure > 0 && d->error[0] && pv.reach == REACH_OK)
		add(L, ROLE_DIM, "Last error", "%s", d->error);
}

int details_pane_lines(const struct ui *ui, const struct relationship *r, struct pane_line *out,
		       int max)
{
	struct lines L = { out, 0, max };
	/* A drift is something to act on: said under the verdict, not below every peer. */
	bool drifted = r->drift.known && r->drift.ndrifted > 0;

	verdict_block(ui, r, &L);
	if (drifted)
		replication_block(ui, r, &L);
	timings_block(r, &L);
	for (int k = 0; k < r->npeers; k++)
		peer_block(ui, r, k, &L);
	if (!drifted)
		replication_block(ui, r, &L);
	return L.n;
}

/* Bytes of s that fit in width columns, backed off to a word boundary when possible. */
static size_t fit_prefix(const char *s, int width)
{
	char buf[256];
	size_t len = strlen(s), fit = 0, space = 0;

	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	for (size_t k = 1; k <= len; k++) {
		memcpy(buf, s, k);
		buf[k] = '\0';
		if ((s[k - 1] & 0xc0) == 0x80 && k < len && (s[k] & 0xc0) == 0x80)
			continue; /* inside a UTF-8 sequence */
		if (draw_width(buf) > width)
			break;
		fit = k;
		if (s[k] == ' ')
			space = k;
	}
	if (fit < len && space > 0)
		return space;
	return fit ? fit : 1;
}

/* Draws a value over as many rows as it needs within width; returns rows used. */
static int draw_wrapped(int y, int x, int width, int max_rows, enum theme_role role, const char *s)
{
	char buf[256];
	int rows = 0;

	while (*s && rows < max_rows) {
		size_t cut = fit_prefix(s, width);
		if (cut >= sizeof(buf))
			cut = sizeof(buf) - 1;
		memcpy(buf, s, cut);
		buf[cut] = '\0';
		draw_text(y + rows, x, width, role, true, buf);
		s += cut;
		while (*s == ' ')
			s++;
		rows++;
	}
	return rows ? rows : 1;
}

void details_pane_draw(const struct ui *ui, const struct relationship *r, const struct rect *area,
		       int *scroll)
{
	struct pane_line lines[MAX_LINES];
	int n = details_pane_lines(ui, r, lines, MAX_LINES), y = area->y;
	int label_w = LABEL_W;

	if (*scroll > n - 1)
		*scroll = n > 0 ? n - 1 : 0;
	if (*scroll < 0)
		*scroll = 0;
	for (int i = *scroll; i < n && y < area->y + area->h; i++) {
		const struct pane_line *p = &lines[i];
		if (p->heading) {
			if (i > *scroll && y < area->y + area->h - 1)
				y++;
			draw_text(y++, area->x, area->w, ROLE_HEADER, true, p->value);
			continue;
		}
		draw_text(y, area->x, label_w, ROLE_LABEL, true, p->label);
		y += draw_wrapped(y, area->x + label_w, area->w - label_w, area->y + area->h - y,
				  p->role, p->value);
	}
}
