/* keaha's configuration file: preferences, servers, URLs, and every refusal. */
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

#include "config.h"

static bool parse(struct keaha_config *c, const char *text, char *err)
{
	config_defaults(c);
	return config_parse(c, text, "test.conf", err, CONFIG_ERR_LEN);
}

static void test_defaults(void **state)
{
	struct keaha_config c;

	(void)state;
	config_defaults(&c);
	assert_true(c.poll_interval == 2.0);
	assert_true(c.request_timeout == 3.0);
	assert_true(c.replicate);
	assert_int_equal(c.agent_port, 8000);
	assert_int_equal(c.nservers, 0);
}

static void test_full_file(void **state)
{
	struct keaha_config c;
	char err[CONFIG_ERR_LEN] = "";

	(void)state;
	assert_true(parse(&c,
		"# comment\n[keaha]\npoll-interval = 1.5\nrequest-timeout=4\nkeaReplicateConfig = 0\n"
		"keaControlAgentPort = 8080\nkeaHooksLocation = /opt/kea/hooks\ntheme = light\n\n"
		"[server lb-primary]\nurl = https://10.0.0.1:8443/\nuser = keaha\nca = /etc/ca.pem\n"
		"cert = /etc/c.pem\nkey = /etc/k.pem\ntransport = direct\n"
		"[server lb-secondary]\nurl = 10.0.0.2\n", err));
	/* The port preference applies even to servers listed before it (see below). */
	assert_true(c.poll_interval == 1.5);
	assert_true(c.request_timeout == 4.0);
	assert_false(c.replicate);
	assert_int_equal(c.agent_port, 8080);
	assert_string_equal(c.hooks_location, "/opt/kea/hooks");
	assert_string_equal(c.theme, "light");
	assert_int_equal(c.nservers, 2);
	assert_string_equal(c.servers[0].name, "lb-primary");
	assert_string_equal(c.servers[0].url, "https://10.0.0.1:8443/");
	assert_string_equal(c.servers[0].auth.user, "keaha");
	assert_string_equal(c.servers[0].auth.ca_file, "/etc/ca.pem");
	assert_int_equal(c.servers[0].transport, TRANSPORT_DIRECT);
	/* A bare host gets http:// and the configured agent port (keaControlAgentPort). */
	assert_string_equal(c.servers[1].url, "http://10.0.0.2:8080/");
	config_free(&c);
}

/* Every command reaches a server the same way: its credentials, TLS files and proxy. */
static void test_endpoint_opts(void **state)
{
	struct keaha_config c;
	struct endpoint_opts eo;
	char err[CONFIG_ERR_LEN] = "";

	(void)state;
	assert_true(parse(&c, "[server a]\nurl = https://10.0.0.1:8443/\nuser = keaha\nca = /etc/ca.pem\n"
		"cert = /etc/c.pem\nkey = /etc/k.pem\nproxy = http://127.0.0.1:3128/\n"
		"[server b]\nurl = 10.0.0.2\nuser = first\nuser = second\n", err));
	config_endpoint_opts(&c, "https://10.0.0.1:8443", &eo);
	assert_string_equal(eo.url, "https://10.0.0.1:8443");
	assert_string_equal(eo.user, "keaha");
	assert_string_equal(eo.ca_file, "/etc/ca.pem");
	assert_string_equal(eo.cert_file, "/etc/c.pem");
	assert_string_equal(eo.key_file, "/etc/k.pem");
	assert_string_equal(eo.proxy, "http://127.0.0.1:3128/");
	/* Unset strings are empty, never NULL; no proxy is NULL (none, whatever the environment). */
	config_endpoint_opts(&c, "http://10.0.0.2:8000/", &eo);
	assert_string_equal(eo.user, "second");
	assert_string_equal(eo.ca_file, "");
	assert_null(eo.proxy);
	assert_ptr_equal(config_server_by_url(&c, "http://10.0.0.2:8000/"), &c.servers[1]);
	/* A URL nobody configured: reached without credentials. */
	config_endpoint_opts(&c, "http://10.0.0.3:8000/", &eo);
	assert_string_equal(eo.url, "http://10.0.0.3:8000/");
	assert_null(eo.user);
	assert_null(eo.proxy);
	assert_null(config_server_by_url(&c, "http://10.0.0.3:8000/"));
	config_free(&c);
}

static void test_port_after_servers(void **state)
{
	struct keaha_config c;
	char err[CONFIG_ERR_LEN] = "";

	(void)state;
	assert_true(parse(&c, "[server a]\nurl = 10.0.0.9\n[keaha]\nkeaControlAgentPort = 9000\n", err));
	assert_string_equal(c.servers[0].url, "http://10.0.0.9:9000/");
	config_free(&c);
}

static void test_agent_host_default(void **state)
{
	struct keaha_config c;
	char err[CONFIG_ERR_LEN] = "";

	(void)state;
	assert_true(parse(&c, "[keaha]\nkeaControlAgentHost = 10.1.1.1\n[server a]\n", err));
	assert_string_equal(c.servers[0].url, "http://10.1.1.1:8000/");
	config_free(&c);
}

static void test_refusals(void **state)
{
	static const struct { const char *text; const char *needle; } bad[] = {
		{ "[keaha]\npoll-interval = 0\n", "test.conf:2: poll-interval" },
		{ "[keaha]\npoll-interval = fast\n", "poll-interval" },
		{ "[keaha]\nkeaReplicateConfig = maybe\n", "keaReplicateConfig" },
		{ "[keaha]\nkeaControlAgentPort = 70000\n", "keaControlAgentPort" },
		{ "[keaha]\nnosuch = 1\n", "unknown preference" },
		{ "[server a]\nurl = ftp://x/\n", "url" },
		{ "[server a]\nurl = http://x/\ncolour = red\n", "unknown server key" },
		{ "[server a]\nurl = http://x/\ntransport = carrier-pigeon\n", "transport" },
		{ "[server a]\n", "server a has no url" },
		{ "[server a]\nurl = http://x/\n[server a]\nurl = http://y/\n", "twice" },
		{ "url = http://x/\n", "outside any section" },
		{ "[servers a]\n", "unknown section" },
		{ "[keaha\n", "bad section" },
		{ "[keaha]\njust words\n", "key = value" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct keaha_config c;
		char err[CONFIG_ERR_LEN] = "";
		bool ok = parse(&c, bad[i].text, err);
		if (ok || !strstr(err, bad[i].needle))
			fail_msg("case %zu: ok=%d err='%s', wanted '%s'", i, ok, err, bad[i].needle);
		config_free(&c);
	}
}

static void test_normalize(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "10.0.0.1", "http://10.0.0.1:8000/" },
		{ "10.0.0.1:8001", "http://10.0.0.1:8001/" },
		{ "http://10.0.0.1:8001", "http://10.0.0.1:8001/" },
		{ "https://kea.example:8443/x", "https://kea.example:8443/x" },
		{ "[::1]:8000", "http://[::1]:8000/" },
		{ "[::1]", "http://[::1]:8000/" },
	};
	struct keaha_config c;
	char out[KEA_URL_LEN];

	(void)state;
	config_defaults(&c);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_true(config_normalize_url(&c, cases[i].in, out, sizeof(out)));
		assert_string_equal(out, cases[i].out);
	}
	assert_false(config_normalize_url(&c, "gopher://x/", out, sizeof(out)));
	assert_false(config_normalize_url(&c, "", out, sizeof(out)));
	assert_false(config_normalize_url(&c, "http://", out, sizeof(out)));
}

static void test_urls_from_command_line(void **state)
{
	struct keaha_config c;
	char err[CONFIG_ERR_LEN];

	(void)state;
	config_defaults(&c);
	assert_true(config_add_url(&c, "127.0.0.11:8001", err, sizeof(err)));
	assert_true(config_add_url(&c, "http://127.0.0.11:8001/", err, sizeof(err))); /* same: once */
	assert_int_equal(c.nservers, 1);
	assert_true(c.servers[0].auto_name);
	assert_string_equal(c.servers[0].name, "127.0.0.11:8001");
	assert_false(config_add_url(&c, "ftp://x", err, sizeof(err)));
	assert_non_null(strstr(err, "ftp://x"));
	config_free(&c);
}

/* A password file others can read is refused: it holds a secret. */
static void test_password_file(void **state)
{
	char dir[] = "/tmp/keaha-test-XXXXXX", path[128], text[256], err[CONFIG_ERR_LEN] = "";
	struct keaha_config c;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/pw", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("s3cret\n", f);
	fclose(f);
	snprintf(text, sizeof(text), "[server a]\nurl = http://x/\nuser = u\npassword-file = %s\n", path);
	chmod(path, 0644);
	assert_false(parse(&c, text, err));
	assert_non_null(strstr(err, "readable by others"));
	config_free(&c);
	chmod(path, 0600);
	assert_true(parse(&c, text, err));
	assert_string_equal(c.servers[0].password, "s3cret");
	config_free(&c);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_full_file),
		cmocka_unit_test(test_endpoint_opts),
		cmocka_unit_test(test_port_after_servers),
		cmocka_unit_test(test_agent_host_default),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_urls_from_command_line),
		cmocka_unit_test(test_password_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
