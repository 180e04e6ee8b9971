/*
 * The right-hand details pane of a relationship: verdict and reason, source
 * of truth, next step, skew, timings (with the product's rules), and a block
 * per peer with everything keaha knows of it. Lines are built separately
 * from painting, so they can be tested and reused full-screen.
 */
#ifndef KEAHA_DETAILS_PANE_H
#define KEAHA_DETAILS_PANE_H

#include "model.h"
#include "theme.h"
#include "ui.h"

struct pane_line {
	char label[24];
	char value[240];
	enum theme_role role;
	bool heading;
};

int details_pane_lines(const struct ui *ui, const struct relationship *r, struct pane_line *out,
		       int max);
void details_pane_draw(const struct ui *ui, const struct relationship *r, const struct rect *area,
		       int *scroll);

#endif
