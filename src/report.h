/*
 * Report: the model and its verdicts as `keaha status` prints them, a table
 * for people and one JSON object (kebab-case keys, like Kea's) for
 * monitoring systems. A reader of the model only.
 */
#ifndef KEAHA_REPORT_H
#define KEAHA_REPORT_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "model.h"

/* Exit status as a monitoring plugin's (see keaha(1)). */
enum report_exit {
	REPORT_EXIT_OK = 0,
	REPORT_EXIT_IMPAIRED = 1,
	REPORT_EXIT_DOWN = 2,
	REPORT_EXIT_UNREACHABLE = 3,
};

cJSON *report_json(const struct model *m, double now);
void report_table(const struct model *m, double now, FILE *out);
enum report_exit report_exit_code(const struct model *m);
/* `keaha relationship list`: name, service, mode, peers by role, status. */
void report_list(const struct model *m, bool json, FILE *out);

#endif
