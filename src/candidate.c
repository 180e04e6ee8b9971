/*
 * The wizard's eligibility rules on the model. A relationship counts for a
 * server when the server is one of its peers (any role) or when its own
 * configuration already loads the HA hook: Kea takes one HA hook per
 * daemon, and keaha adds one relationship per service and server.
 */
#include "candidate.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static bool why_not(char *why, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static bool why_not(char *why, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, size, fmt, ap);
	va_end(ap);
	return false;
}

/* The relationship of svc that server s is a peer of, or -1. */
static int rel_of(const struct model *m, int s, enum kea_service svc)
{
	for (int i = 0; i < m->nrels; i++) {
		if (m->rels[i].service != svc)
			continue;
		for (int p = 0; p < m->rels[i].npeers; p++)
			if (m->rels[i].peer[p].server == s)
				return i;
	}
	return -1;
}

/* Whether server s is secondary or standby in any relationship; its index, or -1. */
static int secondary_in(const struct model *m, int s)
{
	for (int i = 0; i < m->nrels; i++)
		for (int p = 0; p < m->rels[i].npeers; p++)
			if (m->rels[i].peer[p].server == s && (m->rels[i].peer[p].role == HA_ROLE_SECONDARY ||
							       m->rels[i].peer[p].role == HA_ROLE_STANDBY))
				return i;
	return -1;
}

/*
 * What every member needs: it answers for svc, with no relationship of svc.
 * On Kea 3 a server may take more (a hot-standby hub): whether it can is
 * the plan's decision on its configuration, given on the Summary.
 */
static bool can_join(const struct model *m, int s, enum kea_service svc, char *why, size_t size)
{
	const struct server *sv = &m->servers[s];
	const struct daemon *d = &sv->d[svc];
	bool kea3 = atoi(sv->version) >= 3;
	int r;

	if (sv->reach != REACH_OK)
		return why_not(why, size, "%s does not answer (%s)", sv->name,
			       sv->error[0] ? sv->error : reach_name(sv->reach));
	if (!d->present)
		return why_not(why, size, "%s does not run %s", sv->name, kea_service_label(svc));
	if (d->reach != REACH_OK)
		return why_not(why, size, "%s's %s server does not answer (%s)", sv->name, kea_service_label(svc),
			       d->error[0] ? d->error : reach_name(d->reach));
	if (kea3)
		return true;
	if ((r = rel_of(m, s, svc)) >= 0)
		return why_not(why, size, "%s is already in %s relationship %s: one per service and server",
			       sv->name, kea_service_label(svc), m->rels[r].name);
	if (d->has_config && (d->config.has_ha_hook || d->config.nrels > 0))
		return why_not(why, size, "%s already has a %s HA relationship: one per service and server",
			       sv->name, kea_service_label(svc));
	return true;
}

bool candidate_primary(const struct model *m, int s, enum kea_service svc, char *why, size_t size)
{
	int r;

	if (s < 0 || s >= m->nservers)
		return why_not(why, size, "no server chosen");
	if (!can_join(m, s, svc, why, size))
		return false;
	if ((r = secondary_in(m, s)) >= 0)
		return why_not(why, size, "%s is secondary in %s: it cannot become primary in another",
			       m->servers[s].name, m->rels[r].name);
	return true;
}

bool candidate_partner(const struct model *m, int p, int s, enum kea_service svc, char *why,
		       size_t size)
{
	if (s < 0 || s >= m->nservers)
		return why_not(why, size, "no server chosen");
	if (s == p)
		return why_not(why, size, "%s is the primary", m->servers[s].name);
	return can_join(m, s, svc, why, size);
}

bool candidate_name(const struct model *m, const char *name, char *why, size_t size)
{
	if (!name || !*name)
		return why_not(why, size, "required");
	if (strlen(name) >= KEA_NAME_LEN)
		return why_not(why, size, "at most %d characters", KEA_NAME_LEN - 1);
	for (const char *c = name; *c; c++)
		if ((unsigned char)*c <= ' ' || *c == '/' || *c == '+')
			return why_not(why, size, "one word without '/' or '+' (those mark the names keaha "
				       "makes up for unnamed relationships)");
	for (int i = 0; i < m->nrels; i++)
		if (util_streq(m->rels[i].name, name) || util_streq(m->rels[i].conf.keaha_name, name))
			return why_not(why, size, "a relationship named %s already exists", name);
	return true;
}
