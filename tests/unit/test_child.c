/*
 * src/child.c: the command line of a child keaha, as the dashboard's
 * changes (wizard, remove, ha, edit) and automatic replication start it.
 * Each case joins the argv with spaces and compares it with the command
 * line written out by hand, so an option lost, doubled or out of order
 * fails.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "child.h"

/* argv joined by single spaces; also checks it ends with NULL within bound. */
static const char *joined(char **argv)
{
	static char out[1024];
	size_t used = 0;
	int n;

	out[0] = '\0';
	for (n = 0; argv[n] && n < 64; n++) {
		int w = snprintf(out + used, sizeof(out) - used, "%s%s", n ? " " : "", argv[n]);
		assert_true(w >= 0 && (size_t)w < sizeof(out) - used);
		used += (size_t)w;
	}
	assert_null(argv[n]);
	return out;
}

/* The dashboard's change: -c and the state directory carried, words, then the URLs. */
static void test_change_from_dashboard(void **state)
{
	static const char *const urls[] = { "http://127.0.0.1:8000/", "10.0.0.2", NULL };
	static const char *const words[] = { "relationship", "remove", "a+b/dhcp4",
					     "--secondary-scopes", "keep", "--yes", NULL };
	struct child_opts o = { .config_path = "/etc/keaha.conf", .state_dir = "/var/lib/keaha",
				.urls = urls };
	char **argv = child_argv(&o, words);

	(void)state;
	assert_string_equal(joined(argv), "/proc/self/exe --config /etc/keaha.conf --state-dir "
			    "/var/lib/keaha relationship remove a+b/dhcp4 --secondary-scopes keep "
			    "--yes http://127.0.0.1:8000/ 10.0.0.2");
	free(argv);
}

/* Without -c the child finds the default configuration itself; --no-state is carried. */
static void test_defaults(void **state)
{
	static const char *const words[] = { "edit", "plain-a", NULL };
	struct child_opts o = { .state_dir = NULL };
	char **argv = child_argv(&o, words);

	(void)state;
	assert_string_equal(argv[0], CHILD_EXE);
	assert_string_equal(joined(argv), "/proc/self/exe --no-state edit plain-a");
	free(argv);
}

/* Automatic replication: its own binary path, no words is also a command line. */
static void test_replication(void **state)
{
	static const char *const urls[] = { "http://127.0.0.1:8001/", NULL };
	static const char *const words[] = { "sync", "lb-primary+lb-secondary/dhcp4", "--yes", NULL };
	struct child_opts o = { .exe = "/usr/bin/keaha", .state_dir = "/s", .urls = urls };
	char **argv = child_argv(&o, words);

	(void)state;
	assert_string_equal(joined(argv), "/usr/bin/keaha --state-dir /s sync "
			    "lb-primary+lb-secondary/dhcp4 --yes http://127.0.0.1:8001/");
	free(argv);
	argv = child_argv(&o, NULL);
	assert_string_equal(joined(argv), "/usr/bin/keaha --state-dir /s http://127.0.0.1:8001/");
	free(argv);
}

/* The argv owns copies: the caller's strings may change or go once it is built. */
static void test_copies(void **state)
{
	char name[] = "rel-one";
	char dir[] = "/state";
	const char *words[] = { "sync", name, NULL };
	struct child_opts o = { .state_dir = dir };
	char **argv = child_argv(&o, words);

	(void)state;
	memset(name, 'x', sizeof(name) - 1);
	memset(dir, 'y', sizeof(dir) - 1);
	assert_string_equal(joined(argv), "/proc/self/exe --state-dir /state sync rel-one");
	free(argv);
}

/* Many long URLs: nothing is cut (the old fixed arrays silently dropped past 16 arguments). */
static void test_many_urls(void **state)
{
	char store[40][64];
	const char *urls[41];
	struct child_opts o = { .state_dir = "/s", .urls = urls };
	char **argv;
	int n;

	(void)state;
	for (int i = 0; i < 40; i++) {
		snprintf(store[i], sizeof(store[i]), "http://127.0.0.%d:8000/a-rather-long-path-%02d", i + 1, i);
		urls[i] = store[i];
	}
	urls[40] = NULL;
	argv = child_argv(&o, NULL);
	for (n = 0; argv[n]; n++)
		if (n >= 3)
			assert_string_equal(argv[n], store[n - 3]);
	assert_int_equal(n, 3 + 40);
	free(argv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_change_from_dashboard),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_replication),
		cmocka_unit_test(test_copies),
		cmocka_unit_test(test_many_urls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
