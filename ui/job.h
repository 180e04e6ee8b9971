/*
 * A job: one child process that changes servers, run on the dashboard's
 * loop so the screen never waits for it. Changes are made by keaha itself
 * (`/proc/self/exe relationship add ... --yes`): the command line and the
 * dashboard then share one engine, one set of checks and one audit log, and
 * a change keeps its own process (its own loop, its own transaction) while
 * the dashboard goes on polling. Its stdout and stderr are read through
 * pipes into one text (as they arrive, for a progress view); its exit
 * status is the outcome. Stopped by its PID (SIGTERM) when the dashboard
 * quits.
 *
 * One job at a time: two concurrent changes could touch the same pair of
 * servers, and the transaction's journal (one file in the state directory)
 * is per run; the product also applies one change at a time.
 */
#ifndef KEAHA_JOB_H
#define KEAHA_JOB_H

#include <stdbool.h>
#include <stddef.h>

#include <uv.h>

#define JOB_MAX_OUTPUT (256 * 1024)

struct job;

/* on_change: output arrived or the job ended (to mark the screen dirty). */
struct job *job_new(uv_loop_t *loop, void (*on_change)(void *ctx), void *ctx);
/* Starts argv[0] with argv (NULL-terminated); owner tags the job. False with why. */
bool job_start(struct job *j, const char *const *argv, const void *owner, char *err, size_t errlen);
/* Started and not yet ended (exited, with all its output read). */
bool job_busy(const struct job *j);
/* Whose job it is (the tag given to job_start), NULL when none was started. */
const void *job_owner(const struct job *j);
/* The output so far: stdout and stderr in the order they arrived. */
const char *job_output(const struct job *j);
/* The exit status once ended: the code, or 128 + the signal. */
int job_status(const struct job *j);
/* SIGTERM to the child, by its PID. */
void job_stop(struct job *j);
/* Forgets a finished job (owner, output). */
void job_clear(struct job *j);
/* Stops the child if any and closes the handles; freed once the loop runs. */
void job_free(struct job *j);

#endif
