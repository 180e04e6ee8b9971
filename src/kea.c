/* The tables behind kea.h. */
#include "kea.h"

#include <string.h>

#include "util.h"

static const char *const service_names[] = {
#define X(e, wire, label, key) wire,
	KEA_SERVICES(X)
#undef X
};
static const char *const service_labels[] = {
#define X(e, wire, label, key) label,
	KEA_SERVICES(X)
#undef X
};
static const char *const service_keys[] = {
#define X(e, wire, label, key) key,
	KEA_SERVICES(X)
#undef X
};
static const char *const mode_names[] = {
#define X(e, wire, label) wire,
	HA_MODES(X)
#undef X
};
static const char *const mode_labels[] = {
#define X(e, wire, label) label,
	HA_MODES(X)
#undef X
};
static const char *const role_names[] = {
#define X(e, wire) wire,
	HA_ROLES(X)
#undef X
};
static const char *const state_names[] = {
#define X(e, wire, serves) wire,
	HA_STATES(X)
#undef X
};
static const bool state_serves[] = {
#define X(e, wire, serves) serves,
	HA_STATES(X)
#undef X
};

/* Index of s in a table of names, or fallback; "" never matches. */
static int lookup(const char *const *names, int count, const char *s, int fallback)
{
	if (!s || !*s)
		return fallback;
	for (int i = 0; i < count; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return fallback;
}

const char *kea_service_name(enum kea_service s)
{
	return (unsigned)s < KEA_SERVICE_COUNT ? service_names[s] : "?";
}

const char *kea_service_label(enum kea_service s)
{
	return (unsigned)s < KEA_SERVICE_COUNT ? service_labels[s] : "?";
}

const char *kea_service_config_key(enum kea_service s)
{
	return (unsigned)s < KEA_SERVICE_COUNT ? service_keys[s] : "?";
}

bool kea_service_parse(const char *s, enum kea_service *out)
{
	int i = lookup(service_names, KEA_SERVICE_COUNT, s, -1);

	if (i < 0)
		i = lookup(service_labels, KEA_SERVICE_COUNT, s, -1);
	if (i < 0)
		return false;
	*out = (enum kea_service)i;
	return true;
}

const char *ha_mode_name(enum ha_mode m)
{
	return (unsigned)m < HA_MODE_COUNT ? mode_names[m] : "";
}

const char *ha_mode_label(enum ha_mode m)
{
	return (unsigned)m < HA_MODE_COUNT ? mode_labels[m] : "?";
}

enum ha_mode ha_mode_parse(const char *s)
{
	return (enum ha_mode)lookup(mode_names, HA_MODE_COUNT, s, HA_MODE_UNKNOWN);
}

const char *ha_role_name(enum ha_role r)
{
	return (unsigned)r < HA_ROLE_COUNT ? role_names[r] : "";
}

enum ha_role ha_role_parse(const char *s)
{
	return (enum ha_role)lookup(role_names, HA_ROLE_COUNT, s, HA_ROLE_UNKNOWN);
}

bool ha_role_is_active(enum ha_role r)
{
	return r == HA_ROLE_PRIMARY || r == HA_ROLE_SECONDARY || r == HA_ROLE_STANDBY;
}

const char *ha_state_name(enum ha_state s)
{
	return (unsigned)s < HA_STATE_COUNT ? state_names[s] : "";
}

enum ha_state ha_state_parse(const char *s)
{
	return (enum ha_state)lookup(state_names, HA_STATE_COUNT, s, HA_STATE_UNKNOWN);
}

bool ha_state_serves(enum ha_state s)
{
	return (unsigned)s < HA_STATE_COUNT && state_serves[s];
}

enum ha_state ha_state_normal(enum ha_mode mode, enum ha_role role)
{
	if (role == HA_ROLE_BACKUP)
		return HA_STATE_BACKUP;
	switch (mode) {
	case HA_MODE_LOAD_BALANCING:
		return HA_STATE_LOAD_BALANCING;
	case HA_MODE_HOT_STANDBY:
		return HA_STATE_HOT_STANDBY;
	case HA_MODE_PASSIVE_BACKUP:
		return HA_STATE_PASSIVE_BACKUP;
	default:
		return HA_STATE_UNKNOWN;
	}
}
