/*
 * `keaha sync RELATIONSHIP`: every peer gets the source of truth's
 * replicated configuration, keeping its own server-local parts. The
 * difference is shown per peer first; a peer already in line is left
 * alone (its HA state machine is not restarted for nothing).
 */
#include "sync_cmd.h"

#include <stdio.h>
#include <string.h>

#include "replica.h"
#include "util.h"

/* The configuration peer i should have, or NULL when it is in line; false when refused. */
static bool plan_peer(const struct repl_set *rs, int i, cJSON **desired)
{
	const struct repl_peer *src = &rs->p[rs->source], *p = &rs->p[i];
	char why[REPLICA_WHY_LEN];
	cJSON *ps, *pp;
	struct sbuf lines;
	int n;

	*desired = NULL;
	ps = replica_part(src->config, rs->svc, why, sizeof(why));
	pp = replica_part(p->config, rs->svc, why, sizeof(why));
	sbuf_init(&lines);
	n = ps && pp ? replica_drift(ps, pp, rs->svc, src->name, p->name, &lines) : -1;
	cJSON_Delete(ps);
	cJSON_Delete(pp);
	if (n == 0) {
		printf("%s: in line with %s\n", p->name, src->name);
		sbuf_free(&lines);
		return true;
	}
	*desired = replica_desired(p->config, src->config, rs->svc, why, sizeof(why));
	if (!*desired) {
		fprintf(stderr, "keaha: refused: %s: %s\n", p->name, why);
		sbuf_free(&lines);
		return false;
	}
	printf("%s differs from %s (it gets %s's replicated configuration, keeps its own local parts):\n",
	       p->name, src->name, src->name);
	for (char *l = lines.s, *nl; l && (nl = strchr(l, '\n')); l = nl + 1)
		printf("  %.*s\n", (int)(nl - l), l);
	sbuf_free(&lines);
	return true;
}

static void free_all(cJSON *d[], int n)
{
	for (int i = 0; i < n; i++)
		cJSON_Delete(d[i]);
}

/* Plans every peer; counts those to change and those not read; false when refused. */
static bool plan_all(const struct repl_set *rs, cJSON *desired[], int *changes, int *unread)
{
	*changes = *unread = 0;
	for (int i = 0; i < rs->n; i++) {
		desired[i] = NULL;
		if (i == rs->source)
			continue;
		if (!rs->p[i].read) {
			printf("%s: not read (%s): brought in line when it answers\n", rs->p[i].name, rs->p[i].why);
			(*unread)++;
			continue;
		}
		if (!plan_peer(rs, i, &desired[i])) {
			free_all(desired, i);
			return false;
		}
		*changes += desired[i] != NULL;
	}
	return true;
}

int sync_cmd_run(const struct keaha_config *cfg, const struct replicate_opts *o, const char *rel)
{
	struct repl_set rs;
	cJSON *desired[HA_MAX_PEERS] = { NULL };
	char what[300], question[300];
	int code, changes, unread;

	if (o->replication_off) {
		fprintf(stderr, "keaha: refused: keaReplicateConfig = 0: replication is off (drift is "
			"still shown by 'keaha status')\n");
		return REPLICATE_EXIT_REFUSED;
	}
	code = replicate_open(cfg, o, rel, false, &rs);
	if (code != 0) {
		replicate_close(&rs);
		return code;
	}
	printf("Source of truth: %s%s\n", rs.p[rs.source].name, rs.st.pinned[0] ?
	       " (it holds edits made while the primary was away)" : "");
	if (!plan_all(&rs, desired, &changes, &unread)) {
		replicate_close(&rs);
		return REPLICATE_EXIT_REFUSED;
	}
	if (changes == 0 || o->dry_run) {
		if (changes == 0)
			printf("Nothing to change%s.\n", unread ? " on the peers that answer" : "");
		if (changes == 0 && unread == 0 && !o->dry_run)
			replicate_record_agreement(o, &rs);
		code = changes == 0 && unread == 0 ? REPLICATE_EXIT_OK : REPLICATE_EXIT_FAILED;
	} else {
		snprintf(what, sizeof(what), "sync %s from %s", rs.rel, rs.p[rs.source].name);
		snprintf(question, sizeof(question), "Replicate %s's configuration to %d peer%s?",
			 rs.p[rs.source].name, changes, changes == 1 ? "" : "s");
		code = replicate_confirm(o, question) ? replicate_apply(o, &rs, desired, what, false)
						      : REPLICATE_EXIT_REFUSED;
		if (code == REPLICATE_EXIT_OK && unread)
			code = REPLICATE_EXIT_FAILED;
	}
	free_all(desired, rs.n);
	replicate_close(&rs);
	return code;
}
