/* The tables behind look.h. */
#include "look.h"

#include "util.h"

enum theme_role look_status_role(enum rel_status s)
{
	static const enum theme_role roles[] = { ROLE_OK, ROLE_IMPAIRED, ROLE_DOWN, ROLE_UNREACHABLE };

	return (unsigned)s < ARRAY_LEN(roles) ? roles[s] : ROLE_UNREACHABLE;
}

const char *look_status_marker(enum rel_status s)
{
	static const char *const markers[] = { "  ", "! ", "!!", "--" };

	return (unsigned)s < ARRAY_LEN(markers) ? markers[s] : "--";
}

enum theme_role look_reach_role(enum reach r)
{
	return r == REACH_OK ? ROLE_OK : r == REACH_DOWN ? ROLE_DOWN :
	       r == REACH_PENDING ? ROLE_DIM : ROLE_UNREACHABLE;
}

const char *look_peer_state(const struct peer_view *v)
{
	if (v->reach == REACH_DOWN)
		return "down";
	if (v->reach == REACH_PENDING)
		return "...";
	if (v->reach != REACH_OK)
		return "unreachable";
	if (!v->status)
		return "no HA";
	return ha_state_name(v->state);
}

enum theme_role look_peer_role(const struct relationship *r, const struct peer_view *v)
{
	if (v->reach != REACH_OK || !v->status)
		return look_reach_role(v->reach == REACH_OK ? REACH_UNKNOWN : v->reach);
	if (v->state == ha_state_normal(r->conf.mode, v->peer->role))
		return ROLE_OK;
	return ha_state_serves(v->state) ? ROLE_IMPAIRED : ROLE_DOWN;
}

int look_severity(const struct relationship *r)
{
	static const int rank[] = { 0, 1, 3, 2 }; /* ok, impaired, service down, unreachable */
	int s = (unsigned)r->verdict.status < ARRAY_LEN(rank) ? rank[r->verdict.status] : 2;

	return s * 2 + (r->verdict.split_brain ? 1 : 0);
}
