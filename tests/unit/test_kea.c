/*
 * The vocabulary tables of kea.c: wire names both ways, labels, which states
 * serve DHCP (shared/kea/README.md section 4) and the normal state per mode
 * and role.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kea.h"

/* The wire names as Kea spells them, written out independently of kea.h. */
static const struct {
	enum ha_state state;
	const char *wire;
	bool serves;
} states[] = {
	/* README section 4: serving */
	{ HA_STATE_LOAD_BALANCING, "load-balancing", true },
	{ HA_STATE_HOT_STANDBY, "hot-standby", true },
	{ HA_STATE_COMMUNICATION_RECOVERY, "communication-recovery", true },
	{ HA_STATE_PARTNER_DOWN, "partner-down", true },
	{ HA_STATE_PARTNER_IN_MAINTENANCE, "partner-in-maintenance", true },
	{ HA_STATE_PASSIVE_BACKUP, "passive-backup", true },
	{ HA_STATE_TERMINATED, "terminated", true },
	/* not serving */
	{ HA_STATE_WAITING, "waiting", false },
	{ HA_STATE_SYNCING, "syncing", false },
	{ HA_STATE_READY, "ready", false },
	{ HA_STATE_IN_MAINTENANCE, "in-maintenance", false },
	{ HA_STATE_BACKUP, "backup", false },
	/* remote last-state after a failed heartbeat */
	{ HA_STATE_UNAVAILABLE, "unavailable", false },
};

#define NSTATES (sizeof(states) / sizeof(states[0]))

static void test_state_count(void **state)
{
	(void)state;
	/* Twelve 2.2 states + unavailable + UNKNOWN. */
	assert_int_equal(NSTATES, 13);
	assert_int_equal(HA_STATE_COUNT, NSTATES + 1);
	assert_int_equal(HA_STATE_UNKNOWN, 0);
}

static void test_state_names_round_trip(void **state)
{
	(void)state;
	for (size_t i = 0; i < NSTATES; i++) {
		assert_string_equal(ha_state_name(states[i].state), states[i].wire);
		assert_int_equal(ha_state_parse(states[i].wire), states[i].state);
	}
	/* And every enum value, whatever the table above says. */
	for (int s = 0; s < HA_STATE_COUNT; s++) {
		const char *name = ha_state_name((enum ha_state)s);
		assert_non_null(name);
		if (s == HA_STATE_UNKNOWN) {
			assert_string_equal(name, "");
			continue;
		}
		assert_true(name[0] != '\0');
		assert_int_equal(ha_state_parse(name), s);
		for (int t = 0; t < s; t++)
			assert_string_not_equal(name, ha_state_name((enum ha_state)t));
	}
}

static void test_state_serves(void **state)
{
	int serving = 0;

	(void)state;
	for (size_t i = 0; i < NSTATES; i++) {
		if (ha_state_serves(states[i].state) != states[i].serves)
			fail_msg("%s: serves %d, README says %d", states[i].wire,
				 ha_state_serves(states[i].state), states[i].serves);
		serving += states[i].serves;
	}
	assert_int_equal(serving, 7);
	assert_false(ha_state_serves(HA_STATE_UNKNOWN));
	assert_false(ha_state_serves(HA_STATE_COUNT));
	assert_false(ha_state_serves((enum ha_state)-1));
	assert_false(ha_state_serves((enum ha_state)1000));
}

static void test_state_parse_unknown(void **state)
{
	static const char *const junk[] = {
		"", "LOAD-BALANCING", "Load-balancing", " load-balancing", "load-balancing ",
		"partner_down", "partner down", "load", "load-balancing-x", "unknown", "?",
		"hot-standby\n", "primary",
	};

	(void)state;
	assert_int_equal(ha_state_parse(NULL), HA_STATE_UNKNOWN);
	for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
		if (ha_state_parse(junk[i]) != HA_STATE_UNKNOWN)
			fail_msg("\"%s\" parsed as a state", junk[i]);
	assert_string_equal(ha_state_name(HA_STATE_COUNT), "");
	assert_string_equal(ha_state_name((enum ha_state)-1), "");
}

static void test_modes(void **state)
{
	static const struct {
		enum ha_mode mode;
		const char *wire, *label;
	} modes[] = {
		{ HA_MODE_LOAD_BALANCING, "load-balancing", "Load balance" },
		{ HA_MODE_HOT_STANDBY, "hot-standby", "Hot standby" },
		{ HA_MODE_PASSIVE_BACKUP, "passive-backup", "Passive backup" },
	};

	(void)state;
	assert_int_equal(HA_MODE_COUNT, 4);
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		assert_string_equal(ha_mode_name(modes[i].mode), modes[i].wire);
		assert_string_equal(ha_mode_label(modes[i].mode), modes[i].label);
		assert_int_equal(ha_mode_parse(modes[i].wire), modes[i].mode);
	}
	assert_string_equal(ha_mode_name(HA_MODE_UNKNOWN), "");
	assert_string_equal(ha_mode_label(HA_MODE_UNKNOWN), "?");
	assert_string_equal(ha_mode_name(HA_MODE_COUNT), "");
	assert_string_equal(ha_mode_label((enum ha_mode)-1), "?");
	assert_int_equal(ha_mode_parse(NULL), HA_MODE_UNKNOWN);
	assert_int_equal(ha_mode_parse(""), HA_MODE_UNKNOWN);
	assert_int_equal(ha_mode_parse("Load balance"), HA_MODE_UNKNOWN); /* a label, not wire */
	assert_int_equal(ha_mode_parse("hot_standby"), HA_MODE_UNKNOWN);
	assert_int_equal(ha_mode_parse("HOT-STANDBY"), HA_MODE_UNKNOWN);
	assert_int_equal(ha_mode_parse("load-balancing "), HA_MODE_UNKNOWN);
}

static void test_roles(void **state)
{
	static const struct {
		enum ha_role role;
		const char *wire;
		bool active;
	} roles[] = {
		{ HA_ROLE_PRIMARY, "primary", true },
		{ HA_ROLE_SECONDARY, "secondary", true },
		{ HA_ROLE_STANDBY, "standby", true },
		{ HA_ROLE_BACKUP, "backup", false },
	};

	(void)state;
	assert_int_equal(HA_ROLE_COUNT, 5);
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		assert_string_equal(ha_role_name(roles[i].role), roles[i].wire);
		assert_int_equal(ha_role_parse(roles[i].wire), roles[i].role);
		assert_int_equal(ha_role_is_active(roles[i].role), roles[i].active);
	}
	assert_false(ha_role_is_active(HA_ROLE_UNKNOWN));
	assert_false(ha_role_is_active(HA_ROLE_COUNT));
	assert_string_equal(ha_role_name(HA_ROLE_UNKNOWN), "");
	assert_string_equal(ha_role_name((enum ha_role)99), "");
	assert_int_equal(ha_role_parse(NULL), HA_ROLE_UNKNOWN);
	assert_int_equal(ha_role_parse(""), HA_ROLE_UNKNOWN);
	assert_int_equal(ha_role_parse("Primary"), HA_ROLE_UNKNOWN);
	assert_int_equal(ha_role_parse("master"), HA_ROLE_UNKNOWN);
	assert_int_equal(ha_role_parse("backup-server"), HA_ROLE_UNKNOWN);
}

static void test_services(void **state)
{
	enum kea_service s = KEA_SERVICE_COUNT;

	(void)state;
	assert_int_equal(KEA_SERVICE_COUNT, 2);
	assert_string_equal(kea_service_name(KEA_DHCP4), "dhcp4");
	assert_string_equal(kea_service_name(KEA_DHCP6), "dhcp6");
	assert_string_equal(kea_service_label(KEA_DHCP4), "DHCPv4");
	assert_string_equal(kea_service_label(KEA_DHCP6), "DHCPv6");
	assert_string_equal(kea_service_config_key(KEA_DHCP4), "Dhcp4");
	assert_string_equal(kea_service_config_key(KEA_DHCP6), "Dhcp6");
	assert_string_equal(kea_service_name(KEA_SERVICE_COUNT), "?");
	assert_string_equal(kea_service_label((enum kea_service)-1), "?");
	assert_string_equal(kea_service_config_key(KEA_SERVICE_COUNT), "?");

	assert_true(kea_service_parse("dhcp4", &s));
	assert_int_equal(s, KEA_DHCP4);
	assert_true(kea_service_parse("dhcp6", &s));
	assert_int_equal(s, KEA_DHCP6);
	/* The label too (what a user may type). */
	assert_true(kea_service_parse("DHCPv4", &s));
	assert_int_equal(s, KEA_DHCP4);
	assert_true(kea_service_parse("DHCPv6", &s));
	assert_int_equal(s, KEA_DHCP6);

	s = KEA_SERVICE_COUNT;
	assert_false(kea_service_parse(NULL, &s));
	assert_false(kea_service_parse("", &s));
	assert_false(kea_service_parse("dhcp5", &s));
	assert_false(kea_service_parse("d2", &s));
	assert_false(kea_service_parse("DHCP4", &s));
	assert_false(kea_service_parse("dhcp4 ", &s));
	assert_int_equal(s, KEA_SERVICE_COUNT); /* untouched on failure */
}

static void test_state_normal(void **state)
{
	(void)state;
	assert_int_equal(ha_state_normal(HA_MODE_LOAD_BALANCING, HA_ROLE_PRIMARY),
			 HA_STATE_LOAD_BALANCING);
	assert_int_equal(ha_state_normal(HA_MODE_LOAD_BALANCING, HA_ROLE_SECONDARY),
			 HA_STATE_LOAD_BALANCING);
	assert_int_equal(ha_state_normal(HA_MODE_LOAD_BALANCING, HA_ROLE_BACKUP),
			 HA_STATE_BACKUP);
	assert_int_equal(ha_state_normal(HA_MODE_HOT_STANDBY, HA_ROLE_PRIMARY),
			 HA_STATE_HOT_STANDBY);
	assert_int_equal(ha_state_normal(HA_MODE_HOT_STANDBY, HA_ROLE_STANDBY),
			 HA_STATE_HOT_STANDBY);
	assert_int_equal(ha_state_normal(HA_MODE_HOT_STANDBY, HA_ROLE_BACKUP), HA_STATE_BACKUP);
	assert_int_equal(ha_state_normal(HA_MODE_PASSIVE_BACKUP, HA_ROLE_PRIMARY),
			 HA_STATE_PASSIVE_BACKUP);
	/* fixture status-get.dhcp4.pb-backup.backup: state "backup" */
	assert_int_equal(ha_state_normal(HA_MODE_PASSIVE_BACKUP, HA_ROLE_BACKUP),
			 HA_STATE_BACKUP);
	assert_int_equal(ha_state_normal(HA_MODE_UNKNOWN, HA_ROLE_PRIMARY), HA_STATE_UNKNOWN);
	assert_int_equal(ha_state_normal(HA_MODE_COUNT, HA_ROLE_PRIMARY), HA_STATE_UNKNOWN);
	assert_int_equal(ha_state_normal((enum ha_mode)-1, HA_ROLE_SECONDARY), HA_STATE_UNKNOWN);

	/* Active peers serve in their normal state; backups do not. */
	for (int m = HA_MODE_LOAD_BALANCING; m < HA_MODE_COUNT; m++) {
		assert_true(ha_state_serves(ha_state_normal((enum ha_mode)m, HA_ROLE_PRIMARY)));
		assert_false(ha_state_serves(ha_state_normal((enum ha_mode)m, HA_ROLE_BACKUP)));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_count),
		cmocka_unit_test(test_state_names_round_trip),
		cmocka_unit_test(test_state_serves),
		cmocka_unit_test(test_state_parse_unknown),
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_services),
		cmocka_unit_test(test_state_normal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
