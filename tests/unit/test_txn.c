/*
 * The pure parts of txn.c on captured answers: what a failed config-set
 * means. A hook that failed to load (Kea 2.2 result 1, Kea 3.0 result 5)
 * leaves the server without hooks while config-get shows the old
 * configuration, and result 5 in general says "server state unknown".
 */
#include "fixture.h"
#include "txn.h"
#include "decode.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

/* result and text of a fixture's first answer */
static void answer(struct fixture *f, int *result, char *text, size_t size)
{
	struct kea_answer a;
	char err[DECODE_ERR_LEN];

	assert_int_equal(decode_answers(f->response, &a, 1, err, sizeof(err)), 1);
	*result = a.result;
	snprintf(text, size, "%s", a.text);
}

static void test_hook_rejected_22(void **state)
{
	struct fixture *f = fixture_load("config-set.dhcp4.bk-secondary.ha-hook-load-failure");
	char text[KEA_TEXT_LEN], out[600];
	int rc;

	(void)state;
	answer(f, &rc, text, sizeof(text));
	assert_int_equal(rc, 1);
	assert_true(txn_hook_rejected(rc, text));
	txn_answer_text(rc, text, out, sizeof(out));
	assert_non_null(strstr(out, "runs without any hooks while config-get still shows"));
	fixture_free(f);
}

static void test_hook_rejected_30_result5(void **state)
{
	struct fixture *f = fixture_load3("config-set.direct.plain-b.ha-hook-load-failure");
	char text[KEA_TEXT_LEN], out[600];
	int rc;

	(void)state;
	answer(f, &rc, text, sizeof(text));
	assert_int_equal(rc, 5);
	assert_true(txn_hook_rejected(rc, text));
	txn_answer_text(rc, text, out, sizeof(out));
	assert_non_null(strstr(out, "runs without any hooks"));
	fixture_free(f);
}

static void test_other_failures_are_not_hook_rejections(void **state)
{
	static const char *const names[] = {
		"config-set.dhcp4.lb-primary.invalid-type", "config-write.dhcp4.lb-primary.bad-path",
		"config-set.dhcp4.lb-primary.valid",
	};
	char text[KEA_TEXT_LEN], out[600];
	int rc;

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct fixture *f = fixture_load(names[i]);
		answer(f, &rc, text, sizeof(text));
		assert_false(txn_hook_rejected(rc, text));
		txn_answer_text(rc, text, out, sizeof(out));
		assert_string_equal(out, text); /* Kea's words, unchanged */
		fixture_free(f);
	}
	fixture_free(fixture_load3("config-set.direct.plain-a.invalid-type"));
}

/* Any other result 5 says the server's state is unknown. */
static void test_result5_state_unknown(void **state)
{
	char out[600];

	(void)state;
	txn_answer_text(5, "something partly applied", out, sizeof(out));
	assert_non_null(strstr(out, "server state unknown: verify"));
	assert_non_null(strstr(out, "something partly applied"));
	assert_false(txn_hook_rejected(0, "One or more hook libraries failed to load"));
	assert_false(txn_hook_rejected(1, NULL));
}

/* Whether a server runs what its config-get shows, on captured pairs of answers. */
static bool runs(bool kea3, const char *config_get, const char *status_get, char *why, size_t size)
{
	struct fixture *c = kea3 ? fixture_load3(config_get) : fixture_load(config_get);
	struct fixture *s = kea3 ? fixture_load3(status_get) : fixture_load(status_get);
	struct kea_status st;
	char err[DECODE_ERR_LEN];
	bool ok;

	assert_true(decode_status(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(s->response, 0),
								   "arguments"), &st, err, sizeof(err)));
	ok = txn_runs_config(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(c->response, 0), "arguments"),
			     KEA_DHCP4, &st, why, size);
	fixture_free(c);
	fixture_free(s);
	return ok;
}

static void test_runs_config(void **state)
{
	char why[300];

	(void)state;
	/* Kea 2.2, hook rejected: config-get still has the HA hook, status-get no HA. */
	assert_false(runs(false, "config-get.dhcp4.bk-secondary.after-failed-hook-load",
			  "status-get.dhcp4.bk-secondary.after-failed-hook-load", why, sizeof(why)));
	assert_non_null(strstr(why, "no HA"));
	/* Kea 3.0, the same. */
	assert_false(runs(true, "config-get.direct.plain-b.after-failed-hook-load",
			  "status-get.direct.plain-b.after-failed-hook-load", why, sizeof(why)));
	/* Kea 3.0, an original without HA: only multi-threading (off) gives it away. */
	assert_false(runs(true, "config-get.direct.plain-b.before-ha",
			  "status-get.direct.plain-b.after-failed-hook-load", why, sizeof(why)));
	assert_non_null(strstr(why, "multi-threading off"));
	/* Running what they show. */
	assert_true(runs(true, "config-get.direct.plain-b.with-ha", "status-get.direct.plain-b.restored",
			 why, sizeof(why)));
	assert_true(runs(true, "config-get.direct.plain-a.before-ha", "status-get.direct.plain-a.normal",
			 why, sizeof(why)));
	assert_true(runs(false, "config-get.dhcp4.lb-primary", "status-get.dhcp4.lb-primary.normal",
			 why, sizeof(why)));
}

/* Another keaha's transaction: the lock file held by another open file, its pid inside. */
static int hold_lock(const char *journal, const char *pid)
{
	char path[600];
	int fd;

	snprintf(path, sizeof(path), "%s.lock", journal);
	fd = open(path, O_RDWR | O_CREAT, 0600);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), 0);
	assert_int_equal(write(fd, pid, strlen(pid)), (ssize_t)strlen(pid));
	return fd;
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* One change at a time: a second transaction sends nothing and names the first. */
static void test_one_transaction_at_a_time(void **state)
{
	char dir[] = "/tmp/keaha-txn-lock.XXXXXX", journal[600];
	struct txn_target t = { .name = "a", .ep = { .url = "http://127.0.0.1:9/" }, .agent = true };
	struct txn_opts o = { .step_timeout = 1, .journal_path = journal, .what = "test" };
	struct txn_result r;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(journal, sizeof(journal), "%s/journal.json", dir);
	t.original = cJSON_Parse("{\"Dhcp4\":{}}");
	t.desired = cJSON_Parse("{\"Dhcp4\":{\"valid-lifetime\":1}}");
	fd = hold_lock(journal, "4242\n");
	txn_run(&t, 1, &o, NULL, NULL, &r);
	assert_false(r.ok);
	assert_true(r.rolled_back);
	assert_string_equal(r.step, "start");
	assert_non_null(strstr(r.message, "another keaha (pid 4242)"));

	/* Its journal is its own: neither pending for others nor completed by them. */
	write_text(journal, "{\"what\":\"x\",\"servers\":[]}");
	assert_false(txn_journal_pending(journal));
	struct keaha_config cfg;
	char msg[300];
	config_defaults(&cfg);
	assert_false(txn_recover(journal, &cfg, 1, msg, sizeof(msg)));
	assert_non_null(strstr(msg, "in progress in another keaha (pid 4242)"));
	assert_int_equal(access(journal, F_OK), 0);

	/* Once it is gone (the kernel drops the lock), the journal is pending and completed. */
	close(fd);
	assert_true(txn_journal_pending(journal));
	assert_true(txn_recover(journal, &cfg, 1, msg, sizeof(msg)));
	assert_int_equal(access(journal, F_OK), -1);
	unlink(journal);
	snprintf(journal + strlen(journal), 8, ".lock");
	unlink(journal);
	rmdir(dir);
	cJSON_Delete(t.original);
	cJSON_Delete(t.desired);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hook_rejected_22),
		cmocka_unit_test(test_hook_rejected_30_result5),
		cmocka_unit_test(test_other_failures_are_not_hook_rejections),
		cmocka_unit_test(test_result5_state_unknown),
		cmocka_unit_test(test_runs_config),
		cmocka_unit_test(test_one_transaction_at_a_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
