/*
 * Verdict: each relationship's status in the product's four words (OK,
 * Impaired, Service down, Unreachable), a plain-words reason, the single
 * source of truth, clock skew and the next step. A pure function of the
 * model and the clock; the rules are all here, tested as a table.
 */
#ifndef KEAHA_VERDICT_H
#define KEAHA_VERDICT_H

#include "model.h"

#define SKEW_WARN_S 30.0
#define SKEW_CRIT_S 60.0
#define VERDICT_REFRESH_S 1.0 /* a verdict older than this is judged again (ages) */

void verdict_judge(const struct model *m, const struct relationship *r, double now,
		   struct verdict *out);

/* Called for each relationship whose status changed (old, new). */
typedef void (*verdict_change_fn)(void *ctx, const struct relationship *r,
				  enum rel_status old, double now);

/* Judges every relationship, stamping verdict_since where the status moved. */
void verdict_update_all(struct model *m, double now, verdict_change_fn fn, void *ctx);
/*
 * The same for the relationships whose verdict may have moved: a peer's
 * server changed since it was judged (model_touch), or it was judged
 * VERDICT_REFRESH_S ago or more. What a loop calls after every reply: the
 * cost follows what changed, not how many relationships there are.
 */
void verdict_update_changed(struct model *m, double now, verdict_change_fn fn, void *ctx);

/* Failover progress as Stork shows it, from the partner's remote view; -1 if none. */
int verdict_failover_progress(const struct ha_remote *remote);

#endif
