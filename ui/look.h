/*
 * How model values look: the colour role and the text marker of a verdict
 * or a peer. Markers keep status readable without colour (monochrome,
 * NO_COLOR, a screen reader): "!!" service down, "--" unreachable,
 * "! " impaired, "  " OK.
 */
#ifndef KEAHA_LOOK_H
#define KEAHA_LOOK_H

#include "model.h"
#include "theme.h"

enum theme_role look_status_role(enum rel_status s);
const char *look_status_marker(enum rel_status s);
enum theme_role look_reach_role(enum reach r);
/* A peer: its HA state when it answers, else "down" / "unknown" / "no HA". */
const char *look_peer_state(const struct peer_view *v);
enum theme_role look_peer_role(const struct relationship *r, const struct peer_view *v);
/* Worst first: Service down, Unreachable, Impaired, OK (split brain first). */
int look_severity(const struct relationship *r);

#endif
