/*
 * Remove a relationship (`d` on it): the product's choice for what becomes
 * of the secondary's scopes, with no default, and its warning for keep;
 * the Summary from `keaha relationship remove --dry-run`, and the change
 * only after the relationship's name is typed (dialog.c runs both).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialog.h"
#include "util.h"

enum {
	F_REL = 1,
	F_PEERS,
	F_SCOPES,
};

struct remove_dialog {
	struct change c;                  /* first: the dialog's flow sees a struct change */
	char secondary[KEA_NAME_LEN];
};

static const char *const scopes[] = { "keep", "disable", "delete" };

static void validate(const struct ui *ui, struct change *c)
{
	struct remove_dialog *d = (struct remove_dialog *)c;
	struct form_field *sc = form_field(&c->setup, F_SCOPES);

	sc->error[0] = sc->warning[0] = '\0';
	(void)change_rel_index(ui, c, F_REL);
	if (sc->choice < 0)
		snprintf(sc->error, sizeof(sc->error), "choose: there is no default, you decide");
	else if (sc->choice == 0)
		snprintf(sc->warning, sizeof(sc->warning), "both servers will then hand out the same pools "
			 "independently: two clients may get the same address");
	else if (sc->choice == 1)
		snprintf(sc->warning, sizeof(sc->warning), "%s keeps its subnets but serves no address from "
			 "them (undone by editing; noted in user-context)", d->secondary);
	else
		snprintf(sc->warning, sizeof(sc->warning), "%s's subnets of this service are deleted",
			 d->secondary);
	snprintf(c->what, sizeof(c->what), "remove relationship %s", c->rel);
}

static void command(const struct ui *ui, const struct change *c, bool dry_run, struct change_args *a)
{
	(void)ui;
	(void)dry_run;
	change_arg(a, "relationship");
	change_arg(a, "remove");
	change_arg(a, c->rel);
	change_arg(a, "--secondary-scopes");
	change_arg(a, form_choice_text(form_field_const(&c->setup, F_SCOPES)));
}

static const struct change_ops remove_ops = {
	.title = "Remove relationship",
	.setup_page = "Scopes",
	.apply_label = "Remove",
	.summary_text = "What will change on each server:",
	.done_text = "Done: both servers changed and written.",
	.failed_text = "NOT applied: see why below.",
	.refused_text = "Refused: nothing was changed. Go back to change the setup.",
	.confirm_note = "the relationship's name, to remove it from both servers",
	.validate = validate,
	.command = command,
};

/* The peers in a line: "a (primary), b (secondary)". */
static void peers_text(const struct relationship *r, char *out, size_t size, char *secondary, size_t ssize)
{
	size_t len = 0;

	out[0] = '\0';
	for (int i = 0; i < r->npeers && len < size; i++) {
		len += (size_t)snprintf(out + len, size - len, "%s%s (%s)", i ? ", " : "", r->peer[i].name,
					ha_role_name(r->peer[i].role));
		if (r->peer[i].role == HA_ROLE_SECONDARY || r->peer[i].role == HA_ROLE_STANDBY)
			strlcpy_(secondary, r->peer[i].name, ssize);
	}
}

static void build(struct remove_dialog *d, const struct relationship *r)
{
	struct form *f = &d->c.setup;
	struct form_field *x;

	x = form_add(f, FORM_STATIC, F_PEERS, "Servers");
	peers_text(r, x->text, sizeof(x->text), d->secondary, sizeof(d->secondary));
	x = form_add(f, FORM_CHOICE, F_SCOPES, "Secondary's scopes");
	for (int i = 0; i < 3; i++)
		strlcpy_(x->choices[i], scopes[i], FORM_TEXT_LEN);
	x->nchoices = 3;
	x->choice = -1; /* no default: the admin decides, as in the product */
	x->radio = true;
	x->required = true;
	x->note = "HA and the hooks keaha added go from both servers; a pool split is undone";
}

static void enter(struct ui *ui, struct view *v)
{
	struct remove_dialog *d = xcalloc(1, sizeof(*d));
	const struct relationship *r = &ui->model->rels[v->rel];

	change_init_rel(&d->c, &remove_ops, r, F_REL);
	strlcpy_(d->secondary, "the secondary", sizeof(d->secondary));
	build(d, r);
	v->state = d;
	change_setup_done(ui, &d->c);
}

const struct view_ops remove_dialog_ops = CHANGE_VIEW_OPS("Remove relationship", enter);
