/*
 * The steps, in order: read each server's configuration again (it must not
 * have changed since the plan was made), save the originals, config-test
 * every new configuration, write the journal, config-set them in the given
 * order, wait (bounded) for the expected HA states, config-write each, and
 * remove the journal. After the journal is written any failure rolls back:
 * every server whose configuration was sent gets its original again (also a
 * hook-rejected one, which Kea leaves running without hooks while config-get
 * still shows the old configuration), is written again if it was written,
 * and is checked to run its original again. A server that cannot be put back
 * stays in the journal, which names per server whether it was sent and
 * written, so the next run repeats only what is needed.
 *
 * Each command runs the transaction's own loop until its reply: the steps
 * read top to bottom, and nothing else shares this loop.
 */
#include "txn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "decode.h"
#include "util.h"

#define MAX_TARGETS TXN_MAX_TARGETS
#define NO_ANSWER_LIMIT 10.0   /* s without any answer while settling: fail, roll back */
#define TEST_PAUSE_LIMIT 180.0 /* s a test pause waits at most */

struct reply_box {
	bool done;
	enum transport_error error;
	long http_status;
	char message[200];
	cJSON *root;
};

struct txn {
	uv_loop_t loop;
	struct transport *tp;
	struct endpoint *ep[MAX_TARGETS];
	struct txn_target *t;
	int n;
	const struct txn_opts *o;
	txn_progress_fn fn;
	void *ctx;
	struct txn_result *out;
	bool sent[MAX_TARGETS];     /* config-set attempted: must be rolled back */
	bool written[MAX_TARGETS];  /* config-write done: the original must be written back */
	bool unknown[MAX_TARGETS];  /* Kea said result 5, or the hook rejected: verify it */
};

static void say(struct txn *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(struct txn *x, const char *fmt, ...)
{
	char line[700];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (x->fn)
		x->fn(x->ctx, line);
}

static void on_reply(void *ctx, const struct transport_reply *r)
{
	struct reply_box *b = ctx;
	char err[DECODE_ERR_LEN];

	b->done = true;
	b->error = r->error;
	b->http_status = r->http_status;
	strlcpy_(b->message, r->message, sizeof(b->message));
	if (r->error == TRANSPORT_OK && r->http_status == 200)
		b->root = decode_parse(r->body, r->body_len, err, sizeof(err));
	if (!b->root && r->error == TRANSPORT_OK)
		snprintf(b->message, sizeof(b->message), "HTTP %ld, no Kea answer", r->http_status);
}

/* The JSON of one command; "hash" (Kea 3's, in config-get) is not part of a configuration. */
static char *command_json(const struct txn_target *t, const char *command, const cJSON *args)
{
	cJSON *o = cJSON_CreateObject(), *svc;
	char *s;

	cJSON_AddStringToObject(o, "command", command);
	if (t->agent) {
		svc = cJSON_AddArrayToObject(o, "service");
		cJSON_AddItemToArray(svc, cJSON_CreateString(kea_service_name(t->service)));
	}
	if (args) {
		cJSON *copy = cJSON_Duplicate(args, true);
		cJSON_DeleteItemFromObjectCaseSensitive(copy, "hash");
		cJSON_AddItemToObject(o, "arguments", copy);
	}
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

static void on_sleep(uv_timer_t *t)
{
	*(bool *)t->data = true;
}

/* Waits on the loop itself (a timer), so the transport's handles keep being served. */
static void sleep_on_loop(struct txn *x, unsigned ms)
{
	uv_timer_t timer;
	bool fired = false;

	uv_timer_init(&x->loop, &timer);
	timer.data = &fired;
	uv_timer_start(&timer, on_sleep, ms, 0);
	while (!fired)
		uv_run(&x->loop, UV_RUN_ONCE);
	uv_close((uv_handle_t *)&timer, NULL);
	uv_run(&x->loop, UV_RUN_NOWAIT);
}

/*
 * TEST ONLY, for the lab's failure-injection scenarios
 * (tests/lab/scenarios/40-relationship-failures.sh, tests/lab3/run-tests.sh);
 * the one place where tests reach into a transaction:
 *   KEAHA_TEST_PAUSE="COMMAND SERVER FILE": before sending COMMAND (e.g.
 *     config-set) to SERVER, create FILE.paused and wait until FILE exists
 *     (at most TEST_PAUSE_LIMIT s), so a test can stop or freeze a server
 *     exactly between two steps;
 *   KEAHA_TEST_HOOK_REJECT=SERVER: the config-set of SERVER's new
 *     configuration (config-test still gets the good one) names a
 *     this-server-name that is no peer, which Kea's HA hook rejects at load.
 * Returns a changed copy of args to send instead, or NULL.
 */
static cJSON *test_fault(struct txn *x, int i, const char *command, const cJSON *args)
{
	const char *pause = getenv("KEAHA_TEST_PAUSE"), *reject = getenv("KEAHA_TEST_HOOK_REJECT");
	char cmd[32], name[64], file[400], *flag;
	cJSON *copy, *hook;

	if (pause && sscanf(pause, "%31s %63s %399s", cmd, name, file) == 3 &&
	    strcmp(cmd, command) == 0 && strcmp(name, x->t[i].name) == 0) {
		double start = util_monotonic();
		FILE *f;
		flag = xasprintf("%s.paused", file);
		f = fopen(flag, "w");
		if (f)
			fclose(f);
		say(x, "TEST: paused before %s on %s until %s exists", command, name, file);
		while (access(file, F_OK) != 0 && util_monotonic() - start < TEST_PAUSE_LIMIT)
			sleep_on_loop(x, 100);
		unlink(flag);
		free(flag);
	}
	if (!reject || strcmp(reject, x->t[i].name) != 0 || strcmp(command, "config-set") != 0 ||
	    args != x->t[i].desired)
		return NULL;
	copy = cJSON_Duplicate(args, true);
	cJSON_ArrayForEach(hook, cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(copy, kea_service_config_key(x->t[i].service)), "hooks-libraries")) {
		cJSON *e;
		cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(hook, "parameters"), "high-availability"))
			cJSON_ReplaceItemInObjectCaseSensitive(e, "this-server-name",
							       cJSON_CreateString("keaha-test-no-such-peer"));
	}
	say(x, "TEST: %s's config-set names no peer as this-server-name (the hook will reject it)",
	    x->t[i].name);
	return copy;
}

bool txn_hook_rejected(int result, const char *text)
{
	return (result == KEA_RESULT_ERROR || result == KEA_RESULT_PARTIAL) && text &&
	       strstr(text, "hook libraries failed to load") != NULL;
}

/*
 * What Kea's answer means, for the user. Result 5 (Kea 3) and a hook that
 * failed to load (Kea 2.2 says result 1) both leave the server in a state
 * its config-get does not show: said plainly, wherever a result is read.
 */
void txn_answer_text(int result, const char *text, char *out, size_t size)
{
	if (txn_hook_rejected(result, text))
		snprintf(out, size, "%s (result %d): the server now runs without any hooks while "
			 "config-get still shows its old configuration", text, result);
	else if (result == KEA_RESULT_PARTIAL)
		snprintf(out, size, "server state unknown: verify (result 5, the command failed and "
			 "left the configuration partly changed): %s", text);
	else
		snprintf(out, size, "%s", text);
}

/*
 * Sends one command to target i and waits for its answer. Returns Kea's
 * result code, or -1 when no answer came (message says why); *args gets a
 * copy of the answer's arguments when asked.
 */
static int call(struct txn *x, int i, const char *command, const cJSON *args, cJSON **out_args,
		char *message, size_t size)
{
	struct reply_box box = { 0 };
	struct kea_answer a;
	cJSON *faulty = test_fault(x, i, command, args);
	char *body = command_json(&x->t[i], command, faulty ? faulty : args), err[DECODE_ERR_LEN];
	int guard = 0, result = -1;

	cJSON_Delete(faulty);
	if (!transport_send(x->ep[i], body, (long)(x->o->step_timeout * 1000), 64u << 20, on_reply, &box)) {
		free(body);
		snprintf(message, size, "%s: could not send %s", x->t[i].name, command);
		return -1;
	}
	free(body);
	while (!box.done && guard++ < 1000000)
		uv_run(&x->loop, UV_RUN_ONCE);
	if (box.root && decode_answers(box.root, &a, 1, err, sizeof(err)) == 1) {
		/* The whole text: build-report's is long, and says where the hooks are. */
		const char *text = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
			cJSON_GetArrayItem(box.root, 0), "text"));
		result = a.result;
		txn_answer_text(result, text ? text : "", message, size);
		if (out_args && a.args)
			*out_args = cJSON_Duplicate(a.args, true);
	} else {
		snprintf(message, size, "%s: %s", transport_error_text(box.error), box.message);
	}
	cJSON_Delete(box.root);
	return result;
}

static bool fail(struct txn *x, const char *step, int i, const char *msg)
{
	strlcpy_(x->out->step, step, sizeof(x->out->step));
	snprintf(x->out->message, sizeof(x->out->message), "%s failed on %s: %s", step,
		 i >= 0 ? x->t[i].name : "-", msg);
	say(x, "FAILED: %s", x->out->message);
	return false;
}

/* Kea 2.2 has no hash: compare the trees, as config-get returns them. */
static bool same_config(const cJSON *a, const cJSON *b)
{
	const cJSON *ha = cJSON_GetObjectItemCaseSensitive(a, "hash");
	const cJSON *hb = cJSON_GetObjectItemCaseSensitive(b, "hash");

	if (cJSON_IsString(ha) && cJSON_IsString(hb))
		return strcmp(ha->valuestring, hb->valuestring) == 0;
	return cJSON_Compare(a, b, true);
}

static bool step_verify(struct txn *x)
{
	char msg[600];

	for (int i = 0; i < x->n; i++) {
		cJSON *now = NULL;
		int rc = call(x, i, "config-get", NULL, &now, msg, sizeof(msg));
		bool same = rc == 0 && now && same_config(now, x->t[i].original);
		cJSON_Delete(now);
		if (rc != 0)
			return fail(x, "config-get", i, msg);
		if (!same)
			return fail(x, "config-get", i, "the configuration changed since the plan was made: "
				    "nothing was sent; run the command again");
	}
	say(x, "read %s again: unchanged since the plan", x->n == 2 ? "both configurations" :
	    x->n == 1 ? "the configuration" : "every configuration");
	return true;
}

/* Writes a file only the user can read: configurations hold secrets. */
static bool write_private(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	size_t len = strlen(text);
	bool ok = fd >= 0 && write(fd, text, len) == (ssize_t)len;

	if (fd >= 0 && close(fd) != 0)
		ok = false;
	return ok;
}

static bool step_backup(struct txn *x)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	if (!x->o->backup_dir)
		return true;
	if (!util_mkdirs(x->o->backup_dir))
		return fail(x, "backup", -1, "cannot create the backup directory");
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	for (int i = 0; i < x->n; i++) {
		char *text = cJSON_Print(x->t[i].original);
		snprintf(x->out->backups[i], sizeof(x->out->backups[i]), "%s/%s-%s-%s.json", x->o->backup_dir,
			 stamp, x->t[i].name, kea_service_name(x->t[i].service));
		if (!write_private(x->out->backups[i], text)) {
			cJSON_free(text);
			return fail(x, "backup", i, "cannot write the backup file");
		}
		cJSON_free(text);
		say(x, "saved %s's configuration to %s", x->t[i].name, x->out->backups[i]);
	}
	return true;
}

static bool step_test(struct txn *x)
{
	char msg[600];

	for (int i = 0; i < x->n; i++) {
		if (call(x, i, "config-test", x->t[i].desired, NULL, msg, sizeof(msg)) != 0)
			return fail(x, "config-test", i, msg);
		say(x, "config-test on %s: %s", x->t[i].name, msg);
	}
	return true;
}

/*
 * The journal: every server with its original and whether it was sent a new
 * configuration and written; rewritten as that changes, removed when nothing
 * is left to put back. Written before a step, so it never says less than was done.
 */
static bool write_journal(struct txn *x)
{
	cJSON *j = cJSON_CreateObject(), *list = cJSON_AddArrayToObject(j, "servers");
	char *text;
	bool ok;

	if (!x->o->journal_path)
		return true;
	cJSON_AddStringToObject(j, "what", x->o->what ? x->o->what : "");
	for (int i = 0; i < x->n; i++) {
		cJSON *s = cJSON_CreateObject();
		cJSON_AddStringToObject(s, "name", x->t[i].name);
		cJSON_AddStringToObject(s, "url", x->t[i].ep.url);
		cJSON_AddStringToObject(s, "service", kea_service_name(x->t[i].service));
		cJSON_AddBoolToObject(s, "agent", x->t[i].agent);
		cJSON_AddBoolToObject(s, "sent", x->sent[i]);
		cJSON_AddBoolToObject(s, "written", x->written[i]);
		cJSON_AddItemToObject(s, "original", cJSON_Duplicate(x->t[i].original, true));
		cJSON_AddItemToArray(list, s);
	}
	text = cJSON_Print(j);
	cJSON_Delete(j);
	ok = write_private(x->o->journal_path, text);
	cJSON_free(text);
	return ok || fail(x, "journal", -1, "cannot write the journal");
}

static bool any_pending(const struct txn *x)
{
	for (int i = 0; i < x->n; i++)
		if (x->sent[i])
			return true;
	return false;
}

static bool step_set(struct txn *x)
{
	char msg[600];

	for (int i = 0; i < x->n; i++) {
		int rc;
		x->sent[i] = true;
		if (!write_journal(x))
			return false;
		rc = call(x, i, "config-set", x->t[i].desired, NULL, msg, sizeof(msg));
		if (rc != 0) {
			x->unknown[i] = rc == KEA_RESULT_PARTIAL || txn_hook_rejected(rc, msg);
			return fail(x, "config-set", i, msg);
		}
		say(x, "config-set on %s: %s", x->t[i].name, msg);
	}
	return true;
}

/*
 * Whether target i shows what it should in status-get now; state says what
 * it shows; *answered whether it answered at all; *fatal when the state
 * cannot turn good by waiting (terminated: clocks too far apart).
 */
static bool settled(struct txn *x, int i, char *state, size_t size, bool *answered, bool *fatal)
{
	struct kea_status st;
	cJSON *args = NULL;
	char msg[300], err[DECODE_ERR_LEN];
	bool ok = false;
	int rc = call(x, i, "status-get", NULL, &args, msg, sizeof(msg));

	*answered = rc >= 0;
	*fatal = false;
	snprintf(state, size, "%s", rc < 0 ? msg : "no usable status-get answer");
	if (rc != 0 || !args || !decode_status(args, &st, err, sizeof(err))) {
		cJSON_Delete(args);
		return false;
	}
	cJSON_Delete(args);
	if (x->t[i].expect == TXN_EXPECT_NO_HA) {
		snprintf(state, size, "%s", st.has_ha ? "HA still loaded" : "no HA");
		return !st.has_ha;
	}
	snprintf(state, size, "%s", st.has_ha ? "HA without state" : "no HA (hook not loaded?)");
	for (int k = 0; k < st.nrels; k++) {
		const char *local = st.rel[k].local.server_name;
		if (*local && strcmp(local, x->t[i].ha_name) != 0 && st.nrels > 1)
			continue;
		snprintf(state, size, "%s", ha_state_name(st.rel[k].local.state));
		ok = st.rel[k].local.state == x->t[i].want_state;
		*fatal = st.rel[k].local.state == HA_STATE_TERMINATED;
	}
	return ok;
}

/* One look at every target; false with the failure when waiting cannot help. */
static bool settle_round(struct txn *x, double start, double *last_answer, bool *all)
{
	char state[128], msg[300];

	*all = true;
	for (int i = 0; i < x->n; i++) {
		bool answered, fatal;
		if (x->t[i].expect == TXN_EXPECT_NOTHING ||
		    settled(x, i, state, sizeof(state), &answered, &fatal))
			continue;
		*all = false;
		if (answered)
			last_answer[i] = util_monotonic();
		if (fatal) {
			snprintf(msg, sizeof(msg), "HA is terminated (clocks more than 60 s apart?) after "
				 "%.0f s", util_monotonic() - start);
			return fail(x, "wait for HA states", i, msg);
		}
		if (util_monotonic() - last_answer[i] >= NO_ANSWER_LIMIT) {
			snprintf(msg, sizeof(msg), "no answer for %.0f s (%s)", NO_ANSWER_LIMIT, state);
			return fail(x, "wait for HA states", i, msg);
		}
		if (util_monotonic() - start >= x->o->settle_timeout) {
			snprintf(msg, sizeof(msg), "not in %s after %.0f s (it is: %s)",
				 x->t[i].expect == TXN_EXPECT_NO_HA ? "a state without HA" :
				 ha_state_name(x->t[i].want_state), x->o->settle_timeout, state);
			return fail(x, "wait for HA states", i, msg);
		}
	}
	return true;
}

/*
 * Bounded wait for every target's expected state: the bound scales with the
 * relationship's timings (the caller's settle_timeout, plan_settle_seconds);
 * a server that stops answering, or HA terminated, ends it at once.
 */
static bool step_settle(struct txn *x)
{
	double start = util_monotonic(), last_answer[MAX_TARGETS];
	bool all = false;

	for (int i = 0; i < x->n; i++)
		last_answer[i] = start;
	for (int round = 0; round < 100000; round++) {
		if (!settle_round(x, start, last_answer, &all))
			return false;
		if (all)
			break;
		sleep_on_loop(x, 500);
	}
	say(x, "every server reached its expected state in %.0f s", util_monotonic() - start);
	return true;
}

static bool step_write(struct txn *x)
{
	char msg[600];

	for (int i = 0; i < x->n; i++) {
		if (call(x, i, "config-write", NULL, NULL, msg, sizeof(msg)) != 0)
			return fail(x, "config-write", i, msg);
		x->written[i] = true;
		if (!write_journal(x))
			return false;
		say(x, "config-write on %s: %s", x->t[i].name, msg);
	}
	return true;
}

static bool has_ha_hook(const cJSON *dhcp)
{
	const cJSON *h;

	cJSON_ArrayForEach(h, cJSON_GetObjectItemCaseSensitive(dhcp, "hooks-libraries")) {
		const char *lib = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(h, "library"));
		if (lib && strstr(lib, "libdhcp_ha"))
			return true;
	}
	return false;
}

/*
 * A hook-rejected config-set leaves config-get showing the configuration
 * while Kea runs without any hooks: no HA in status-get although the
 * configuration has the HA hook, and (Kea 3) multi-threading off although
 * the configuration enables it.
 */
bool txn_runs_config(const cJSON *config, enum kea_service svc, const struct kea_status *st,
		     char *why, size_t size)
{
	const cJSON *dhcp = cJSON_GetObjectItemCaseSensitive(config, kea_service_config_key(svc));
	const cJSON *mt = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(dhcp, "multi-threading"), "enable-multi-threading");
	bool want_ha = has_ha_hook(dhcp);

	if (st->has_ha != want_ha) {
		snprintf(why, size, "status-get shows %s but the configuration has %s", want_ha ? "no HA" :
			 "HA", want_ha ? "the HA hook (hooks not loaded?)" : "no HA hook");
		return false;
	}
	if (cJSON_IsTrue(mt) && !st->multi_threading) {
		snprintf(why, size, "status-get shows multi-threading off but the configuration enables it "
			 "(Kea dropped its hooks after a rejected configuration?)");
		return false;
	}
	return true;
}

/*
 * After a rollback: the server runs its original again. config-get must
 * show it (Kea 3 by hash) and status-get must agree with it (txn_runs_config).
 */
static bool restored(struct txn *x, int i, char *msg, size_t size)
{
	struct kea_status st;
	cJSON *now = NULL;
	char err[DECODE_ERR_LEN];
	bool same;

	if (call(x, i, "config-get", NULL, &now, msg, size) != 0)
		return false;
	same = now && same_config(now, x->t[i].original);
	cJSON_Delete(now);
	if (!same) {
		snprintf(msg, size, "config-get does not show the original configuration");
		return false;
	}
	now = NULL;
	if (call(x, i, "status-get", NULL, &now, msg, size) != 0) {
		cJSON_Delete(now);
		return false;
	}
	same = now && decode_status(now, &st, err, sizeof(err)) &&
	       txn_runs_config(x->t[i].original, x->t[i].service, &st, msg, size);
	cJSON_Delete(now);
	return same;
}

/* Puts one server back: original config-set, config-write if it was written, verified. */
static bool put_back(struct txn *x, int i, char *msg, size_t size)
{
	for (int attempt = 0; attempt < 3; attempt++) {
		if (attempt)
			sleep_on_loop(x, 1000);
		if (call(x, i, "config-set", x->t[i].original, NULL, msg, size) != 0)
			continue;
		if (x->written[i] && call(x, i, "config-write", NULL, NULL, msg, size) != 0)
			continue;
		if (restored(x, i, msg, size))
			return true;
	}
	return false;
}

/* Puts back every server that was sent a configuration; false if one could not be. */
static bool rollback(struct txn *x)
{
	bool all = true;
	char msg[600];

	for (int i = x->n - 1; i >= 0; i--) {
		bool ok;
		if (!x->sent[i])
			continue;
		ok = put_back(x, i, msg, sizeof(msg));
		say(x, "%s %s%s: %s", ok ? "rolled back" : "COULD NOT roll back", x->t[i].name,
		    x->unknown[i] ? " (its running state was unknown)" : "",
		    ok ? "original configuration running again, verified" : msg);
		if (ok)
			x->sent[i] = x->written[i] = false;
		all = all && ok;
	}
	if (!all)
		write_journal(x);
	return all;
}

static void setup(struct txn *x)
{
	uv_loop_init(&x->loop);
	x->tp = transport_new(&x->loop);
	for (int i = 0; i < x->n; i++)
		x->ep[i] = transport_endpoint_new(x->tp, &x->t[i].ep);
}

static void teardown(struct txn *x)
{
	for (int i = 0; i < x->n; i++)
		transport_endpoint_free(x->ep[i]);
	transport_free(x->tp);
	uv_run(&x->loop, UV_RUN_DEFAULT);
	uv_loop_close(&x->loop);
}

/*
 * One change at a time per state directory: a transaction holds an flock on
 * JOURNAL.lock for its whole life. Another keaha (the dashboard's automatic
 * replication child, a command in a second terminal) then neither starts a
 * second change nor "completes" a journal a live transaction is still
 * writing. The kernel drops the lock when its process dies, so a crash
 * leaves a journal that the next run completes. Returns the held fd, or -1
 * with the holder's pid (0 when unknown) when another process holds it.
 */
static int lock_take(const char *journal_path, long *holder)
{
	char path[700], text[32];
	int fd;

	*holder = 0;
	snprintf(path, sizeof(path), "%s.lock", journal_path);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -2;
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		ssize_t n = pread(fd, text, sizeof(text) - 1, 0);
		text[n > 0 ? n : 0] = '\0';
		*holder = strtol(text, NULL, 10);
		close(fd);
		return -1;
	}
	if (ftruncate(fd, 0) == 0) {
		int len = snprintf(text, sizeof(text), "%ld\n", (long)getpid());
		if (pwrite(fd, text, (size_t)len, 0) != len)
			text[0] = '\0'; /* the pid is only for the message */
	}
	return fd;
}

bool txn_journal_pending(const char *journal_path)
{
	char path[700];
	bool held;
	int fd;

	if (!journal_path || access(journal_path, F_OK) != 0)
		return false;
	snprintf(path, sizeof(path), "%s.lock", journal_path);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return true;
	/* A shared probe, released at once; txn_run retries over such a moment. */
	held = flock(fd, LOCK_SH | LOCK_NB) != 0;
	close(fd);
	return !held;
}

/* lock_take, retried for up to a second: a probe (txn_journal_pending) holds it a moment. */
static int lock_take_patiently(const char *journal_path, long *holder)
{
	int fd = lock_take(journal_path, holder);

	for (int i = 0; fd == -1 && i < 20; i++) {
		usleep(50 * 1000);
		fd = lock_take(journal_path, holder);
	}
	return fd;
}

void txn_run(struct txn_target *targets, int n, const struct txn_opts *o, txn_progress_fn fn,
	     void *ctx, struct txn_result *out)
{
	struct txn x = { .t = targets, .n = n < MAX_TARGETS ? n : MAX_TARGETS, .o = o, .fn = fn,
			 .ctx = ctx, .out = out };

	long holder;
	int lock = o->journal_path ? lock_take_patiently(o->journal_path, &holder) : -2;

	memset(out, 0, sizeof(*out));
	if (lock == -1) {
		strlcpy_(out->step, "start", sizeof(out->step));
		snprintf(out->message, sizeof(out->message), "another keaha (pid %ld) is changing "
			 "servers from this state directory: nothing was sent; try again when it has "
			 "finished", holder);
		out->rolled_back = true;
		return;
	}
	setup(&x);
	out->ok = step_verify(&x) && step_backup(&x) && step_test(&x) && step_set(&x) &&
		  step_settle(&x) && step_write(&x);
	if (!out->ok) {
		out->rolled_back = !any_pending(&x) || rollback(&x);
		out->journal_pending = !out->rolled_back && o->journal_path;
	}
	if (!out->journal_pending && o->journal_path)
		unlink(o->journal_path);
	teardown(&x);
	if (lock >= 0)
		close(lock);
}

/* A journal entry as a target: credentials from the configuration, by URL. */
static bool journal_target(const cJSON *s, const struct keaha_config *cfg, struct txn_target *t,
			   bool *sent, bool *written)
{
	const cJSON *url = cJSON_GetObjectItemCaseSensitive(s, "url");
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(s, "name");
	const cJSON *svc = cJSON_GetObjectItemCaseSensitive(s, "service");

	memset(t, 0, sizeof(*t));
	if (!cJSON_IsString(url) || !cJSON_IsString(name) || !cJSON_IsString(svc) ||
	    !kea_service_parse(svc->valuestring, &t->service))
		return false;
	strlcpy_(t->name, name->valuestring, sizeof(t->name));
	config_endpoint_opts(cfg, url->valuestring, &t->ep);
	t->agent = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(s, "agent"));
	t->original = cJSON_GetObjectItemCaseSensitive(s, "original");
	/* A journal without the flags (older keaha) says nothing: assume the worst. */
	*sent = !cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(s, "sent"));
	*written = !cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(s, "written"));
	return t->original != NULL;
}

bool txn_recover(const char *journal_path, const struct keaha_config *cfg, double step_timeout,
		 char *message, size_t size)
{
	struct txn_target t[MAX_TARGETS];
	struct txn_opts o = { .step_timeout = step_timeout, .journal_path = journal_path };
	struct txn_result res;
	struct txn x = { .t = t, .o = &o, .out = &res };
	char *text = journal_path ? util_read_file(journal_path, 64u << 20) : NULL;
	cJSON *j = text ? cJSON_Parse(text) : NULL, *s;
	const char *what;
	long holder;
	int lock;
	bool ok;

	free(text);
	snprintf(message, size, "no half-applied change pending");
	if (!j)
		return true;
	lock = lock_take_patiently(journal_path, &holder);
	if (lock == -1) {
		snprintf(message, size, "a change is in progress in another keaha (pid %ld): its "
			 "journal is left to it", holder);
		cJSON_Delete(j);
		return false;
	}
	what = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "what"));
	o.what = what ? what : "";
	cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(j, "servers"))
		if (x.n < MAX_TARGETS && journal_target(s, cfg, &t[x.n], &x.sent[x.n], &x.written[x.n]))
			x.n++;
	setup(&x);
	ok = rollback(&x);
	teardown(&x);
	snprintf(message, size, ok ? "half-applied change completed: every server has its original "
		 "configuration again (%s)" : "half-applied change still pending (%s): a server does not "
		 "answer yet; keaha tries again at its next run", o.what);
	if (ok)
		unlink(journal_path);
	cJSON_Delete(j);
	if (lock >= 0)
		close(lock);
	return ok;
}

int txn_call(const struct endpoint_opts *ep, bool agent, enum kea_service service,
	     const char *command, const cJSON *args, cJSON **out_args, char *message, size_t size,
	     double timeout)
{
	struct txn_target t = { .ep = *ep, .agent = agent, .service = service };
	struct txn_opts o = { .step_timeout = timeout };
	struct txn_result res;
	struct txn x = { .t = &t, .n = 1, .o = &o, .out = &res };
	int rc;

	strlcpy_(t.name, ep->url, sizeof(t.name));
	setup(&x);
	rc = call(&x, 0, command, args, out_args, message, size);
	teardown(&x);
	return rc;
}
