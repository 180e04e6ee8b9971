/*
 * `keaha edit SERVER|RELATIONSHIP`, like kubectl edit: the source of
 * truth's Dhcp4/Dhcp6 map, secrets masked, in $VISUAL or $EDITOR (a 0600
 * temporary file); after the editor, the change in words, a question, and
 * one transaction: the source first, then every other peer with its own
 * server-local parts kept. Secrets come back from the running
 * configuration wherever the mask was left in place.
 */
#include "edit_cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plan.h"
#include "replica.h"
#include "util.h"

/* The part the user edits: {"Dhcp4": {...}} without Kea 3's "hash". */
static cJSON *editable(const cJSON *args, enum kea_service svc)
{
	const char *key = kea_service_config_key(svc);
	cJSON *o = cJSON_CreateObject();

	cJSON_AddItemToObject(o, key, cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(args, key), true));
	return o;
}

/* Writes text to a new private temporary file; its path into path. */
static bool write_temp(const char *text, char *path, size_t size)
{
	const char *dir = getenv("TMPDIR");
	size_t len = strlen(text);
	int fd;
	bool ok;

	snprintf(path, size, "%s/keaha-edit-XXXXXX.json", dir && *dir ? dir : "/tmp");
	fd = mkstemps(path, 5); /* mode 0600: it holds the configuration */
	if (fd < 0)
		return false;
	ok = write(fd, text, len) == (ssize_t)len && write(fd, "\n", 1) == 1;
	return close(fd) == 0 && ok;
}

/* Runs $VISUAL or $EDITOR (words allowed, as a shell reads them) on path; its exit status. */
static int run_editor(const char *path)
{
	const char *ed = getenv("VISUAL");
	char cmd[1024];
	pid_t pid;
	int status = 0;

	if (!ed || !*ed)
		ed = getenv("EDITOR");
	if (!ed || !*ed)
		ed = "vi";
	snprintf(cmd, sizeof(cmd), "%s \"$1\"", ed);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd, "sh", path, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static bool still_masked(const cJSON *j)
{
	char *s = cJSON_PrintUnformatted(j);
	bool masked = s && strstr(s, "\"" PLAN_MASK "\"") != NULL;

	cJSON_free(s);
	return masked;
}

/* The edited file as a configuration of the service; NULL with why. */
static cJSON *read_edit(const char *path, const cJSON *original, enum kea_service svc, char *why,
			size_t size)
{
	char *text = util_read_file(path, 256u << 20);
	cJSON *j = text ? cJSON_Parse(text) : NULL;
	const char *key = kea_service_config_key(svc);

	free(text);
	if (!j) {
		snprintf(why, size, "the file is not valid JSON%s", text ? "" : " (cannot read it)");
		return NULL;
	}
	if (!cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(j, key)) || cJSON_GetArraySize(j) != 1) {
		snprintf(why, size, "the file must hold one map, {\"%s\": {...}}", key);
		cJSON_Delete(j);
		return NULL;
	}
	plan_restore_secrets(j, original);
	if (still_masked(j)) {
		snprintf(why, size, "a masked secret (" PLAN_MASK ") is where no secret was: type the "
			 "real value, or put it back where it was");
		cJSON_Delete(j);
		return NULL;
	}
	return j;
}

/* Opens the editor until it gives a usable configuration; NULL with the exit status. */
static cJSON *edit_loop(const cJSON *original, enum kea_service svc, int *code)
{
	cJSON *masked = plan_mask_secrets(original), *edited;
	char *text = cJSON_Print(masked), path[600], why[300];
	int rc;

	cJSON_Delete(masked);
	*code = REPLICATE_EXIT_REFUSED;
	if (!write_temp(text, path, sizeof(path))) {
		cJSON_free(text);
		fprintf(stderr, "keaha: cannot write a temporary file: nothing changed\n");
		return NULL;
	}
	cJSON_free(text);
	rc = run_editor(path);
	if (rc != 0) {
		fprintf(stderr, "keaha: the editor exited with status %d: nothing changed\n", rc);
		unlink(path);
		return NULL;
	}
	edited = read_edit(path, original, svc, why, sizeof(why));
	if (!edited) {
		fprintf(stderr, "keaha: %s: nothing changed; your edit is kept in %s\n", why, path);
		return NULL;
	}
	unlink(path);
	return edited;
}

/* Prints the change in words; false when there is none. */
static bool show_change(const cJSON *original, const cJSON *edited, enum kea_service svc,
			const char *source)
{
	char why[REPLICA_WHY_LEN];
	cJSON *pa = replica_part(original, svc, why, sizeof(why));
	cJSON *pb = replica_part(edited, svc, why, sizeof(why));
	bool local_only = pa && pb && replica_hash(pa) == replica_hash(pb);
	struct sbuf lines;

	cJSON_Delete(pa);
	cJSON_Delete(pb);
	if (cJSON_Compare(original, edited, true)) {
		printf("Edit cancelled: no changes made.\n");
		return false;
	}
	sbuf_init(&lines);
	replica_drift(original, edited, svc, "the original", "your edit", &lines);
	printf("Changes on %s:\n", source);
	for (char *l = lines.s, *nl; l && (nl = strchr(l, '\n')); l = nl + 1)
		printf("  %.*s\n", (int)(nl - l), l);
	sbuf_free(&lines);
	if (local_only)
		printf("Only %s's server-local parts changed: nothing to replicate.\n", source);
	return true;
}

static bool same_part(const cJSON *a, const cJSON *b, enum kea_service svc)
{
	char why[REPLICA_WHY_LEN];
	cJSON *pa = replica_part(a, svc, why, sizeof(why)), *pb = replica_part(b, svc, why, sizeof(why));
	bool same = pa && pb && cJSON_Compare(pa, pb, true);

	cJSON_Delete(pa);
	cJSON_Delete(pb);
	return same;
}

/* The new configuration of every peer: the source's edited, the others replicated. */
static bool plan_edit(const struct replicate_opts *o, struct repl_set *rs, const cJSON *edited,
		      cJSON *desired[])
{
	const char *key = kea_service_config_key(rs->svc);
	cJSON *src = cJSON_Duplicate(rs->p[rs->source].config, true);
	char why[REPLICA_WHY_LEN];

	cJSON_DeleteItemFromObjectCaseSensitive(src, "hash");
	cJSON_ReplaceItemInObjectCaseSensitive(src, key,
		cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(edited, key), true));
	desired[rs->source] = src;
	if (o->replication_off && rs->n > 1) {
		printf("keaReplicateConfig = 0: only %s is changed; its peers will differ\n",
		       rs->p[rs->source].name);
		return true;
	}
	for (int i = 0; i < rs->n; i++) {
		if (i == rs->source || !rs->p[i].read)
			continue;
		desired[i] = replica_desired(rs->p[i].config, src, rs->svc, why, sizeof(why));
		if (!desired[i]) {
			fprintf(stderr, "keaha: refused: %s: %s\n", rs->p[i].name, why);
			return false;
		}
		if (same_part(desired[i], rs->p[i].config, rs->svc)) {
			cJSON_Delete(desired[i]); /* already in line: its HA is not restarted for nothing */
			desired[i] = NULL;
		}
	}
	for (int i = 0; i < rs->n; i++)
		if (i != rs->source && !rs->p[i].read)
			printf("%s does not answer (%s): it is brought in line when it answers\n",
			       rs->p[i].name, rs->p[i].why);
	return true;
}

static int apply_edit(const struct replicate_opts *o, struct repl_set *rs, const cJSON *edited)
{
	cJSON *desired[HA_MAX_PEERS] = { NULL };
	char what[300], question[300];
	int code = REPLICATE_EXIT_REFUSED;

	if (plan_edit(o, rs, edited, desired)) {
		snprintf(what, sizeof(what), "edit %s on %s%s", rs->rel[0] ? rs->rel : rs->p[0].name,
			 rs->p[rs->source].name, rs->n > 1 ? ", replicated to its peers" : "");
		snprintf(question, sizeof(question), "Apply to %s%s?", rs->p[rs->source].name,
			 rs->n > 1 ? " (the source of truth), then to every peer that answers" : "");
		code = replicate_confirm(o, question) ? replicate_apply(o, rs, desired, what, true)
						      : REPLICATE_EXIT_REFUSED;
	}
	for (int i = 0; i < rs->n; i++)
		cJSON_Delete(desired[i]);
	return code;
}

int edit_cmd_run(const struct keaha_config *cfg, const struct replicate_opts *o, const char *target)
{
	struct repl_set rs;
	cJSON *original = NULL, *edited = NULL;
	int code = replicate_open(cfg, o, target, true, &rs);

	if (code != 0)
		goto out;
	if (!o->yes && !isatty(STDIN_FILENO)) {
		fprintf(stderr, "keaha: not a terminal: give --yes to apply the edit without a question\n");
		code = REPLICATE_EXIT_REFUSED;
		goto out;
	}
	printf("Editing %s's %s configuration%s%s\n", rs.p[rs.source].name, kea_service_label(rs.svc),
	       rs.rel[0] ? ", the source of truth of " : "", rs.rel);
	original = editable(rs.p[rs.source].config, rs.svc);
	edited = edit_loop(original, rs.svc, &code);
	if (edited)
		code = show_change(original, edited, rs.svc, rs.p[rs.source].name) ?
		       apply_edit(o, &rs, edited) : REPLICATE_EXIT_REFUSED;
out:
	cJSON_Delete(original);
	cJSON_Delete(edited);
	replicate_close(&rs);
	return code;
}
