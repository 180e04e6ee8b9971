/*
 * Scopes: the HA scopes (server names whose clients a server answers) that
 * a peer's state implies, as Kea sets them on each state change, so that a
 * manual ha-scopes left behind can be seen (verdict) and undone (action
 * restore-scopes). Pure.
 */
#ifndef KEAHA_SCOPES_H
#define KEAHA_SCOPES_H

#include <stdbool.h>
#include <stddef.h>

#include "decode.h"

struct relationship;

/* The scopes Kea gives peer i of r in state st; false where none are ours to check or set. */
bool scopes_implied(const struct relationship *r, int i, enum ha_state st, struct ha_scopes *out);

/* The same names, in any order. */
bool scopes_same(const struct ha_scopes *a, const struct ha_scopes *b);

/* "lb-primary, lb-secondary", or "none". */
void scopes_words(const struct ha_scopes *s, char *out, size_t size);

#endif
