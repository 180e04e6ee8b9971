/*
 * Who can take part in a new relationship, judged from what the dashboard
 * already knows (the model), so the wizard offers only servers that can
 * take it and says why the others cannot, before anything is asked of Kea.
 * The product's rules (one DHCPv4 and one DHCPv6 relationship per server,
 * on Kea 3 left to the plan, which allows a hot-standby hub; a secondary
 * never becomes primary elsewhere; both servers must answer)
 * in the same words as the change plan, which checks them again on the
 * servers' current configurations (plan.c) before anything is sent. Pure.
 */
#ifndef KEAHA_CANDIDATE_H
#define KEAHA_CANDIDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

/* Whether server s can be the primary of a new relationship of svc; false with why. */
bool candidate_primary(const struct model *m, int s, enum kea_service svc, char *why, size_t size);
/* Whether server s can be primary p's partner (secondary or standby); false with why. */
bool candidate_partner(const struct model *m, int p, int s, enum kea_service svc, char *why,
		       size_t size);
/* A new relationship's name: given, one word, not used by any relationship keaha knows. */
bool candidate_name(const struct model *m, const char *name, char *why, size_t size);

#endif
