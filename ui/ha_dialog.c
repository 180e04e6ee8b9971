/*
 * On-call HA actions from the dashboard (`h`, or `n` for the next step the
 * verdict names): the action and its peer, judged as they are chosen by the
 * same pure decision the command line uses (src/action.c: a refusal with
 * its reason, or what happens to DHCP service); the Summary is `keaha ha
 * ACTION RELATIONSHIP [--peer P] --dry-run` run as a job, the action the
 * same command with --yes once the relationship's name is typed (dialog.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "dialog.h"
#include "util.h"

enum {
	F_REL = 1,
	F_ACTION,
	F_PEER,
};

static enum ha_action chosen_action(const struct change *c)
{
	const struct form_field *x = form_field_const(&c->setup, F_ACTION);

	return x->choice < 0 ? HA_ACTION_NONE : (enum ha_action)(x->choice + 1);
}

/* The chosen peer's name, NULL for "(none)". */
static const char *chosen_peer(const struct change *c)
{
	const struct form_field *x = form_field_const(&c->setup, F_PEER);

	return x->choice <= 0 ? NULL : x->choices[x->choice];
}

/* The decision of action.c on what the dashboard knows now: the reason beside the field it is about. */
static void validate(const struct ui *ui, struct change *c)
{
	struct form_field *act = form_field(&c->setup, F_ACTION), *peer = form_field(&c->setup, F_PEER);
	struct action_plan *plan;
	int ri = change_rel_index(ui, c, F_REL);
	enum ha_action a = chosen_action(c);

	act->error[0] = act->warning[0] = peer->error[0] = '\0';
	act->note = a != HA_ACTION_NONE ? action_help(a) : "what to do; each says what it does";
	snprintf(c->what, sizeof(c->what), "ha %s on %s", a != HA_ACTION_NONE ? action_name(a) : "?", c->rel);
	if (ri < 0)
		return;
	if (a == HA_ACTION_NONE) {
		snprintf(act->error, sizeof(act->error), "choose an action: there is no default");
		return;
	}
	plan = xcalloc(1, sizeof(*plan));
	action_decide(ui->model, &ui->model->rels[ri], a, chosen_peer(c), ui->now, plan);
	if (plan->kind == ACTION_USAGE)
		snprintf(peer->error, sizeof(peer->error), "%s", plan->refusal);
	else if (plan->kind == ACTION_REFUSED)
		snprintf(act->error, sizeof(act->error), "%s", plan->refusal);
	else
		snprintf(act->warning, sizeof(act->warning), "%s%s%s", plan->effect, plan->warning[0] ? " " : "",
			 plan->warning);
	free(plan);
}

static void command(const struct ui *ui, const struct change *c, bool dry_run, struct change_args *a)
{
	(void)ui;
	(void)dry_run;
	change_arg(a, "ha");
	change_arg(a, action_name(chosen_action(c)));
	change_arg(a, c->rel);
	if (chosen_peer(c)) {
		change_arg(a, "--peer");
		change_arg(a, chosen_peer(c));
	}
}

static const struct change_ops ha_ops = {
	.title = "HA action",
	.setup_page = "Action",
	.apply_label = "Send",
	.summary_text = "What will be sent, and what it does:",
	.done_text = "Done: sent, and Kea reached the states expected.",
	.failed_text = "NOT done: see why below.",
	.refused_text = "Refused: nothing was sent. Go back to choose another action.",
	.confirm_note = "the relationship's name, to send the action",
	.validate = validate,
	.command = command,
};

static void enter(struct ui *ui, struct view *v)
{
	struct change *c = xcalloc(1, sizeof(*c));
	const struct relationship *r = &ui->model->rels[v->rel];
	struct form_field *x;

	change_init_rel(c, &ha_ops, r, F_REL);
	x = form_add(&c->setup, FORM_CHOICE, F_ACTION, "Action");
	for (int a = 1; a < HA_ACTION_COUNT && x->nchoices < FORM_MAX_CHOICES; a++)
		strlcpy_(x->choices[x->nchoices++], action_name((enum ha_action)a), FORM_TEXT_LEN);
	x->required = true;
	x = form_add(&c->setup, FORM_CHOICE, F_PEER, "Peer");
	strlcpy_(x->choices[x->nchoices++], "(none)", FORM_TEXT_LEN);
	for (int i = 0; i < r->npeers && x->nchoices < FORM_MAX_CHOICES; i++)
		strlcpy_(x->choices[x->nchoices++], r->peer[i].name, FORM_TEXT_LEN);
	x->choice = 0;
	x->note = "the peer the action is about, when it is about one";
	v->state = c;
	change_setup_done(ui, c);
}

const struct view_ops ha_dialog_ops = CHANGE_VIEW_OPS("HA action", enter);

void ha_dialog_open(struct ui *ui, int rel, enum ha_action a, const char *peer)
{
	struct change *c;
	struct form_field *x;

	ui_push_dialog(ui, &ha_dialog_ops, -1, rel);
	c = ui_top(ui)->state;
	if (a != HA_ACTION_NONE)
		form_field(&c->setup, F_ACTION)->choice = (int)a - 1;
	x = form_field(&c->setup, F_PEER);
	for (int i = 1; peer && i < x->nchoices; i++)
		if (util_streq(x->choices[i], peer))
			x->choice = i;
	c->ops->validate(ui, c);
	/* The next step preset: straight to Next; else the action to choose. */
	c->setup.focus = a != HA_ACTION_NONE ? c->setup.n - 1 : 1;
}
