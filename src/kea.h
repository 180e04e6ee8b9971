/*
 * Kea's vocabulary as data: DHCP services, HA modes, roles and states, with
 * the names Kea uses on the wire and what each state means for DHCP service.
 * Every other module names these enums and asks these tables; nothing else
 * compares state strings.
 */
#ifndef KEAHA_KEA_H
#define KEAHA_KEA_H

#include <stdbool.h>

#define KEA_SERVICES(X) \
	X(DHCP4, "dhcp4", "DHCPv4", "Dhcp4") \
	X(DHCP6, "dhcp6", "DHCPv6", "Dhcp6")

enum kea_service {
#define X(e, wire, label, key) KEA_##e,
	KEA_SERVICES(X)
#undef X
	KEA_SERVICE_COUNT
};

#define HA_MODES(X) \
	X(UNKNOWN, "", "?") \
	X(LOAD_BALANCING, "load-balancing", "Load balance") \
	X(HOT_STANDBY, "hot-standby", "Hot standby") \
	X(PASSIVE_BACKUP, "passive-backup", "Passive backup")

enum ha_mode {
#define X(e, wire, label) HA_MODE_##e,
	HA_MODES(X)
#undef X
	HA_MODE_COUNT
};

#define HA_ROLES(X) \
	X(UNKNOWN, "") \
	X(PRIMARY, "primary") \
	X(SECONDARY, "secondary") \
	X(STANDBY, "standby") \
	X(BACKUP, "backup")

enum ha_role {
#define X(e, wire) HA_ROLE_##e,
	HA_ROLES(X)
#undef X
	HA_ROLE_COUNT
};

/*
 * Whether a server in a state answers DHCP clients (docs and observation, see
 * shared/kea/README.md section 4): in the serving states it answers for the
 * scopes it holds; in the others for none.
 */
#define HA_STATES(X) \
	X(UNKNOWN, "", false) \
	X(WAITING, "waiting", false) \
	X(SYNCING, "syncing", false) \
	X(READY, "ready", false) \
	X(LOAD_BALANCING, "load-balancing", true) \
	X(HOT_STANDBY, "hot-standby", true) \
	X(COMMUNICATION_RECOVERY, "communication-recovery", true) \
	X(PARTNER_DOWN, "partner-down", true) \
	X(PARTNER_IN_MAINTENANCE, "partner-in-maintenance", true) \
	X(IN_MAINTENANCE, "in-maintenance", false) \
	X(BACKUP, "backup", false) \
	X(PASSIVE_BACKUP, "passive-backup", true) \
	X(TERMINATED, "terminated", true) \
	X(UNAVAILABLE, "unavailable", false)

enum ha_state {
#define X(e, wire, serves) HA_STATE_##e,
	HA_STATES(X)
#undef X
	HA_STATE_COUNT
};

const char *kea_service_name(enum kea_service s);
const char *kea_service_label(enum kea_service s);
/* The top-level key of the daemon's configuration: "Dhcp4" or "Dhcp6". */
const char *kea_service_config_key(enum kea_service s);
bool kea_service_parse(const char *s, enum kea_service *out);

const char *ha_mode_name(enum ha_mode m);
const char *ha_mode_label(enum ha_mode m);
enum ha_mode ha_mode_parse(const char *s);

const char *ha_role_name(enum ha_role r);
enum ha_role ha_role_parse(const char *s);
bool ha_role_is_active(enum ha_role r);

const char *ha_state_name(enum ha_state s);
enum ha_state ha_state_parse(const char *s);
bool ha_state_serves(enum ha_state s);
/* The state a peer of this role sits in when all is well in this mode. */
enum ha_state ha_state_normal(enum ha_mode mode, enum ha_role role);

#endif
