/*
 * The Add Relationship wizard, the product's dialog (Initial setup, then
 * Summary) in a terminal. Every field is checked as it is typed against
 * what the dashboard knows (src/candidate.c, the timing rule of plan.c);
 * the partner list holds only servers that can take the relationship. The
 * Summary and the change itself are `keaha relationship add` run as a job
 * (dialog.c), which checks everything again on the servers' current
 * configurations before anything is sent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "candidate.h"
#include "dialog.h"
#include "plan.h"
#include "util.h"

enum {
	F_NAME = 1,
	F_MODE,
	F_PRIMARY,
	F_PARTNER,
	F_SERVICE,
	F_ADVANCED,
	F_HEARTBEAT,
	F_MAX_RESPONSE,
	F_MAX_ACK,
	F_MAX_UNACKED,
	F_AUTO_FAILOVER,
};

struct wizard {
	struct change c;        /* first: the dialog's flow sees a struct change */
	int primary;            /* the server the wizard was opened for, -1: chosen here */
};

static const char *const modes[] = { "load-balancing", "hot-standby" };
static const char *const services[] = { "DHCPv4", "DHCPv6" };

static enum kea_service service_of(const struct change *c)
{
	return form_field_const(&c->setup, F_SERVICE)->choice == 1 ? KEA_DHCP6 : KEA_DHCP4;
}

/* The primary's model index, -1 when none is chosen. */
static int primary_of(const struct ui *ui, const struct wizard *w)
{
	const struct form_field *x = form_field_const(&w->c.setup, F_PRIMARY);

	return w->primary >= 0 ? w->primary : model_find_server(ui->model, form_choice_text(x));
}

/* Refills a choice with the servers that pass a rule, keeping the chosen one when it still does;
 * the first reason why not goes to *why. */
static void fill_servers(const struct ui *ui, struct form_field *x, int primary, enum kea_service svc,
			 char *why, size_t size)
{
	char keep[FORM_TEXT_LEN], reason[FORM_MSG_LEN];

	strlcpy_(keep, form_choice_text(x), sizeof(keep));
	x->nchoices = 0;
	x->choice = -1;
	why[0] = '\0';
	for (int s = 0; s < ui->model->nservers && x->nchoices < FORM_MAX_CHOICES; s++) {
		bool ok = x->id == F_PRIMARY ? candidate_primary(ui->model, s, svc, reason, sizeof(reason)) :
			  candidate_partner(ui->model, primary, s, svc, reason, sizeof(reason));
		if (!ok) {
			if (!why[0] && s != primary)
				strlcpy_(why, reason, size);
			continue;
		}
		strlcpy_(x->choices[x->nchoices], ui->model->servers[s].name, FORM_TEXT_LEN);
		if (util_streq(keep, ui->model->servers[s].name) || (x->choice < 0 && x->id == F_PARTNER))
			x->choice = x->nchoices; /* the partner: the first that can take it, as a start */
		x->nchoices++;
	}
}

/* A whole number within bounds, or an error on the field. */
static long number(struct form_field *x, long min)
{
	char *end;
	long v = strtol(x->text, &end, 10);

	if (!x->text[0] || *end || v < min || v > 3600000) {
		snprintf(x->error, sizeof(x->error), "a whole number from %ld to 3600000%s", min,
			 x->id == F_MAX_UNACKED ? "" : " (milliseconds)");
		return -1;
	}
	return v;
}

static void validate_servers(const struct ui *ui, struct wizard *w)
{
	struct form_field *p = form_field(&w->c.setup, F_PRIMARY), *q = form_field(&w->c.setup, F_PARTNER);
	enum kea_service svc = service_of(&w->c);
	char why[FORM_MSG_LEN];
	int primary;

	p->error[0] = q->error[0] = '\0';
	if (w->primary >= 0) {
		strlcpy_(p->text, ui->model->servers[w->primary].name, sizeof(p->text));
		(void)candidate_primary(ui->model, w->primary, svc, p->error, sizeof(p->error));
	} else {
		fill_servers(ui, p, -1, svc, why, sizeof(why));
		if (p->choice < 0)
			snprintf(p->error, sizeof(p->error), p->nchoices ? "required" :
				 "no known server can be primary (%s)", why);
	}
	primary = primary_of(ui, w);
	fill_servers(ui, q, primary, svc, why, sizeof(why));
	if (!q->nchoices)
		snprintf(q->error, sizeof(q->error), "no known server can be the partner%s%s%s",
			 why[0] ? " (" : "", why, why[0] ? ")" : "");
	else if (q->choice < 0)
		snprintf(q->error, sizeof(q->error), "required");
}

static void validate(const struct ui *ui, struct change *c)
{
	struct wizard *w = (struct wizard *)c;
	struct form *f = &c->setup;
	struct form_field *name = form_field(f, F_NAME), *mrd = form_field(f, F_MAX_RESPONSE);
	long hb, rd;

	for (int i = 0; i < f->n; i++)
		f->f[i].error[0] = f->f[i].warning[0] = '\0';
	candidate_name(ui->model, name->text, name->error, sizeof(name->error));
	validate_servers(ui, w);
	hb = number(form_field(f, F_HEARTBEAT), 1);
	rd = number(mrd, 1);
	number(form_field(f, F_MAX_ACK), 1);
	number(form_field(f, F_MAX_UNACKED), 0);
	if (hb > 0 && rd > 0)
		plan_check_timings(hb, rd, mrd->error, sizeof(mrd->error));
	if (hb > 0 && hb < 1000)
		snprintf(form_field(f, F_HEARTBEAT)->warning, FORM_MSG_LEN,
			 "below a second: a busy server may be taken for down");
	snprintf(c->what, sizeof(c->what), "add %s relationship %s", services[service_of(c) == KEA_DHCP6],
		 name->text);
}

static void command(const struct ui *ui, const struct change *c, bool dry_run, struct change_args *a)
{
	const struct form *f = &c->setup;
	static const struct { int id; const char *opt; } timings[] = {
		{ F_HEARTBEAT, "--heartbeat-delay" }, { F_MAX_RESPONSE, "--max-response-delay" },
		{ F_MAX_ACK, "--max-ack-delay" }, { F_MAX_UNACKED, "--max-unacked-clients" },
	};
	const struct wizard *w = (const struct wizard *)c;

	(void)dry_run;
	change_arg(a, "relationship");
	change_arg(a, "add");
	change_arg(a, form_field_const(f, F_NAME)->text);
	change_arg(a, "--mode");
	change_arg(a, form_choice_text(form_field_const(f, F_MODE)));
	change_arg(a, "--primary");
	change_arg(a, ui->model->servers[primary_of(ui, w)].name);
	change_arg(a, "--partner");
	change_arg(a, form_choice_text(form_field_const(f, F_PARTNER)));
	change_arg(a, service_of(c) == KEA_DHCP6 ? "--dhcp6" : "--dhcp4");
	for (size_t i = 0; i < ARRAY_LEN(timings); i++) {
		change_arg(a, timings[i].opt);
		change_arg(a, form_field_const(f, timings[i].id)->text);
	}
	change_arg(a, form_field_const(f, F_AUTO_FAILOVER)->on ? "--auto-failover" : "--no-auto-failover");
}

static const struct change_ops add_ops = {
	.title = "Add relationship",
	.setup_page = "Initial setup",
	.apply_label = "Add",
	.summary_text = "What will change on each server:",
	.done_text = "Done: both servers changed and written.",
	.failed_text = "NOT applied: see why below.",
	.refused_text = "Refused: nothing was changed. Go back to change the setup.",
	.validate = validate,
	.command = command,
};

static void choice(struct form *f, int id, const char *label, const char *const *opts, int n, bool radio)
{
	struct form_field *x = form_add(f, FORM_CHOICE, id, label);

	for (int i = 0; i < n; i++)
		strlcpy_(x->choices[i], opts[i], FORM_TEXT_LEN);
	x->nchoices = n;
	x->choice = 0;
	x->radio = radio;
}

static void timing(struct form *f, int id, const char *label, const char *value, const char *note)
{
	struct form_field *x = form_add(f, FORM_TEXT, id, label);

	strlcpy_(x->text, value, sizeof(x->text));
	x->note = note;
	x->in_section = true;
}

/* The product's Initial setup, then its Advanced section (folded), with Kea's defaults. */
static void build(struct form *f, int primary)
{
	struct form_field *x;

	form_add(f, FORM_TEXT, F_NAME, "Failover name")->required = true;
	choice(f, F_MODE, "Failover mode", modes, 2, true);
	x = form_add(f, primary >= 0 ? FORM_STATIC : FORM_CHOICE, F_PRIMARY, "Primary server");
	x->note = primary >= 0 ? NULL : "open the wizard from a server's Failover Management to fix it";
	x = form_add(f, FORM_CHOICE, F_PARTNER, "Partner server");
	x->required = true;
	x->note = "known servers that can take it: same service, answering, in no relationship of it";
	choice(f, F_SERVICE, "Created on", services, 2, true);
	x = form_add(f, FORM_SECTION, F_ADVANCED, "Advanced");
	x->note = "Kea's own defaults; change them knowingly";
	timing(f, F_HEARTBEAT, "heartbeat-delay", "10000", "ms between heartbeats to the partner");
	timing(f, F_MAX_RESPONSE, "max-response-delay", "60000",
	       "ms without an answer before the partner counts as down; must be above heartbeat-delay");
	timing(f, F_MAX_ACK, "max-ack-delay", "10000",
	       "ms a client may wait for an answer before it counts as unacked");
	timing(f, F_MAX_UNACKED, "max-unacked-clients", "10",
	       "unacked clients that confirm the partner is down (0: at once)");
	x = form_add(f, FORM_CHECK, F_AUTO_FAILOVER, "auto-failover");
	x->on = true;
	x->in_section = true;
	x->note = "serve the partner's clients by itself once it is down (off: an admin decides)";
}

static void enter(struct ui *ui, struct view *v)
{
	struct wizard *w = xcalloc(1, sizeof(*w));

	change_init(&w->c, &add_ops);
	w->primary = v->server;
	build(&w->c.setup, w->primary);
	v->state = w;
	change_setup_done(ui, &w->c);
}

const struct view_ops wizard_ops = CHANGE_VIEW_OPS("Add relationship", enter);
