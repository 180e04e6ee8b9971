/*
 * The poller's schedule, pure: servers' phases on the slot grid and the delay
 * to a server's next round (fixed rate, never two rounds within a quarter
 * interval, back-off in whole intervals). Loop milliseconds, no clock.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "poller.h"

static void phases_sit_on_the_grid_and_spread(void **state)
{
	int used[20] = { 0 }, slots = 0;

	(void)state;
	for (int i = 0; i < 1000; i++) {
		uint64_t ph = poller_phase_ms(i, 2000);
		assert_true(ph < 2000);
		assert_int_equal(ph % POLLER_SLOT_MS, 0);
		used[ph / POLLER_SLOT_MS]++;
	}
	/* Every slot of a 2 s interval gets its share of 1,000 servers (50 each, give or take). */
	for (int k = 0; k < 20; k++) {
		assert_in_range(used[k], 40, 60);
		slots += used[k] > 0;
	}
	assert_int_equal(slots, 20);
}

static void short_intervals_are_not_quantised(void **state)
{
	(void)state;
	/* 50 ms interval (tests, labs): below one slot, the plain stagger. */
	assert_int_equal(poller_phase_ms(1, 50), 7919 % 50);
	assert_int_equal(poller_phase_ms(3, 0), 0);
	assert_int_equal(poller_phase_ms(-1, 1000), 0);
}

static void next_round_is_the_next_grid_point(void **state)
{
	(void)state;
	/* Base 1,300 (start 1,000 + phase 300), interval 1,000: grid 1,300, 2,300, 3,300... */
	assert_int_equal(poller_slot_delay(1000, 1300, 1000, 1), 300);   /* before the first */
	assert_int_equal(poller_slot_delay(1340, 1300, 1000, 1), 960);   /* round took 40 ms */
	assert_int_equal(poller_slot_delay(2299, 1300, 1000, 1), 1001);  /* 1 ms to go: too soon */
	assert_int_equal(poller_slot_delay(2300, 1300, 1000, 1), 1000);  /* on a grid point */
	assert_int_equal(poller_slot_delay(2050, 1300, 1000, 1), 250);   /* exactly a quarter */
	assert_int_equal(poller_slot_delay(2051, 1300, 1000, 1), 1249);
}

static void late_rounds_keep_the_phase(void **state)
{
	(void)state;
	/* A round of 3.5 s on a 2 s interval: the next one on the grid (at 14 s), not 2 s later. */
	assert_int_equal(poller_slot_delay(10000 + 3500, 10000, 2000, 1), 500);
	/* Of 3.6 s: 14 s is too soon after it, 16 s then. */
	assert_int_equal(poller_slot_delay(10000 + 3600, 10000, 2000, 1), 2400);
}

static void back_off_adds_whole_intervals(void **state)
{
	(void)state;
	assert_int_equal(poller_slot_delay(1340, 1300, 1000, 2), 1960);
	assert_int_equal(poller_slot_delay(1340, 1300, 1000, 4), 3960);
	assert_int_equal(poller_slot_delay(1340, 1300, 1000, 0), 960);
	assert_int_equal(poller_slot_delay(5, 0, 0, 3), 0); /* no interval: now */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(phases_sit_on_the_grid_and_spread),
		cmocka_unit_test(short_intervals_are_not_quantised),
		cmocka_unit_test(next_round_is_the_next_grid_point),
		cmocka_unit_test(late_rounds_keep_the_phase),
		cmocka_unit_test(back_off_adds_whole_intervals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
