/* audit.log: one JSON line per change, 0600, the fields every writer shares. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "audit.h"
#include "util.h"

static void test_entry_and_append(void **state)
{
	char dir[] = "/tmp/keaha-audit.XXXXXX", sub[600], path[700], *text;
	struct txn_result r = { .ok = false, .rolled_back = true };
	struct stat st;
	cJSON *j, *line;

	(void)state;
	assert_non_null(mkdtemp(dir));
	/* The state directory is made when missing, as on a first change. */
	snprintf(sub, sizeof(sub), "%s/state", dir);
	setenv("USER", "oncall", 1);
	j = audit_entry("relationship add pair4");
	cJSON_AddStringToObject(j, "result", audit_txn_result(&r));
	audit_append(sub, j);
	audit_append(sub, audit_entry("second"));
	snprintf(path, sizeof(path), "%s/audit.log", sub);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	text = util_read_file(path, 1 << 20);
	assert_non_null(text);
	assert_non_null(strchr(text, '\n'));
	assert_non_null(strchr(strchr(text, '\n') + 1, '\n'));   /* two lines */
	*strchr(text, '\n') = '\0';
	line = cJSON_Parse(text);
	assert_non_null(line);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(line, "who")), "oncall");
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(line, "what")), "relationship add pair4");
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(line, "result")), "rolled back");
	assert_int_equal(strlen(cJSON_GetStringValue(cJSON_GetObjectItem(line, "time"))), 20);
	cJSON_Delete(line);
	free(text);
	unlink(path);
	rmdir(sub);
	rmdir(dir);
}

static void test_results(void **state)
{
	struct txn_result ok = { .ok = true }, back = { .rolled_back = true }, half = { 0 };

	(void)state;
	assert_string_equal(audit_txn_result(&ok), "applied");
	assert_string_equal(audit_txn_result(&back), "rolled back");
	assert_string_equal(audit_txn_result(&half), "half-applied");
	audit_append(NULL, audit_entry("no state directory: dropped, freed"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entry_and_append),
		cmocka_unit_test(test_results),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
