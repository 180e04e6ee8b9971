/*
 * bench/fakeagent as a child process for unit tests (header only).
 *
 * A test starts one fake Kea Control Agent on loopback, on a free port (or
 * on --addr-base A, consecutive addresses on one port), in whatever mode its
 * arguments ask for, and waits for its "ready" line. The fake's stdout is
 * only that line; its stderr goes to a temporary file, read into f->report
 * when the fake is stopped (its exit line carries figures such as
 * "requests=3 connections=1"). The fake is stopped by its PID, never by
 * name; it also dies with the test process (PR_SET_PDEATHSIG) and stops by
 * itself after 30 s (--max-seconds).
 *
 *   $KEAHA_FAKEAGENT  the fake's binary, default build/fakeagent
 *   $KEAHA_FIXTURES   the captured bodies it serves (fixture.h)
 *
 *   struct fake f;
 *   const char *args[] = { "--mode", "garbage" };
 *   fake_start(&f, args, 2);         (f.port is the port; fails the test when it cannot)
 *   ... talk to http://127.0.0.1:f.port/ ...
 *   fake_stop(&f);                   (also in the teardown: a second call does nothing)
 *   fake_figure(&f, "requests"), f.exit_status
 *
 * Ports are 30000-45999, picked from the PID in blocks of eight, with up to
 * 12 tries on "address already in use". A test program that may run next to
 * another one using this file can define FAKEAGENT_PORT_OFFSET (in blocks,
 * 0-1999) before including it to start from another block for the same PID.
 */
#ifndef KEAHA_TEST_FAKEAGENT_H
#define KEAHA_TEST_FAKEAGENT_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <uv.h>

#include "fixture.h"
#include "util.h"

#ifndef FAKEAGENT_PORT_OFFSET
#define FAKEAGENT_PORT_OFFSET 0u
#endif

/* Closes any handle still open (a test's leak), for loop_close_checked. */
static inline void loop_close_any_(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

/* Runs the loop until nothing is left to do, at most 2 s. */
static inline void loop_drain(uv_loop_t *loop)
{
	for (int i = 0; i < 2000 && uv_run(loop, UV_RUN_NOWAIT); i++)
		usleep(1000);
}

/*
 * Drains and closes a test's loop. A handle still open is a leak of the
 * code under test: it is closed (so the next test starts clean) and the
 * teardown fails (-1).
 */
static inline int loop_close_checked(uv_loop_t *loop)
{
	loop_drain(loop);
	if (uv_loop_close(loop) == 0)
		return 0;
	fprintf(stderr, "teardown: handles left open on the loop\n");
	uv_walk(loop, loop_close_any_, NULL);
	loop_drain(loop);
	uv_loop_close(loop);
	return -1;
}

struct fake {
	pid_t pid;
	int port;
	char err_path[64];      /* its stderr */
	char report[4096];      /* its stderr after it stopped */
	int exit_status;        /* -1 until stopped */
};

static inline const char *fake_binary(void)
{
	const char *p = getenv("KEAHA_FAKEAGENT");

	return p && *p ? p : "build/fakeagent";
}

/* The path of a captured raw body, raw/NAME.body in the 2.2 fixtures. */
static inline void raw_path(char *out, size_t size, const char *name)
{
	snprintf(out, size, "%s/raw/%s.body", fixture_dir(), name);
}

/* A captured raw body (NUL added; the caller frees it); fails the test when missing. */
static inline char *read_raw(const char *name, size_t *len)
{
	char path[FIXTURE_PATH_LEN];
	char *body;

	raw_path(path, sizeof(path), name);
	body = fixture_read_file(path, len);
	if (!body)
		fail_msg("cannot read %s: %s", path, strerror(errno));
	return body;
}

static inline void fake_read_text_(const char *path, char *out, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, out, size - 1) : -1;

	out[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
}

/* Waits up to ms for the child; true when it was reaped. */
static inline bool fake_reap_(struct fake *f, int ms)
{
	for (int i = 0; i <= ms / 10; i++) {
		int st;
		pid_t r = waitpid(f->pid, &st, WNOHANG);
		if (r == f->pid) {
			f->exit_status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
			f->pid = 0;
			return true;
		}
		if (r < 0 && errno != EINTR) {
			f->pid = 0;
			return true;
		}
		usleep(10000);
	}
	return false;
}

/* Stops the fake by its PID: SIGTERM, a bounded wait, then SIGKILL. Keeps its stderr. */
static inline void fake_stop(struct fake *f)
{
	if (f->pid > 0) {
		kill(f->pid, SIGTERM);
		if (!fake_reap_(f, 3000)) {
			kill(f->pid, SIGKILL);
			while (waitpid(f->pid, NULL, 0) < 0 && errno == EINTR)
				;
			f->pid = 0;
			f->exit_status = 128 + SIGKILL;
		}
	}
	if (f->err_path[0]) {
		fake_read_text_(f->err_path, f->report, sizeof(f->report));
		unlink(f->err_path);
		f->err_path[0] = '\0';
	}
}

/* A figure of the fake's exit line ("connections=1"), -1 when absent. */
static inline long fake_figure(const struct fake *f, const char *name)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), " %s=", name);
	p = strstr(f->report, key);
	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

/* One try on one port: 1 ready, 0 address in use, -1 other failure. */
static inline int fake_try_(struct fake *f, const char *const *args, int nargs, const char *addr_base)
{
	const char *argv[40];
	char port[16], line[256];
	int n = 0, out[2], errfd;
	size_t got = 0;

	/* Nothing left over from an earlier try on another port. */
	f->report[0] = '\0';
	f->exit_status = -1;
	snprintf(port, sizeof(port), "%d", f->port);
	argv[n++] = fake_binary();
	if (addr_base) {
		argv[n++] = "--addr-base";
		argv[n++] = addr_base;
	} else {
		argv[n++] = "--addr";
		argv[n++] = "127.0.0.1";
	}
	argv[n++] = "--port";
	argv[n++] = port;
	argv[n++] = "--max-seconds";
	argv[n++] = "30";
	for (int i = 0; i < nargs && n < 38; i++)
		argv[n++] = args[i];
	argv[n] = NULL;

	strlcpy_(f->err_path, "/tmp/keaha-fake-err.XXXXXX", sizeof(f->err_path));
	if ((errfd = mkstemp(f->err_path)) < 0) {
		f->err_path[0] = '\0';
		return -1;
	}
	if (pipe(out) != 0) {
		close(errfd);
		return -1;
	}
	f->pid = fork();
	if (f->pid == 0) {
		/* Dies with us if the test process dies first. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		dup2(out[1], 1);
		dup2(errfd, 2);
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(out[1]);
	close(errfd);
	if (f->pid < 0) {
		close(out[0]);
		return -1;
	}
	/* Its "ready" line, or its exit, within 5 s. */
	while (got < sizeof(line) - 1) {
		struct pollfd pfd = { .fd = out[0], .events = POLLIN };
		ssize_t r;
		if (poll(&pfd, 1, 5000) <= 0)
			break;
		r = read(out[0], line + got, sizeof(line) - 1 - got);
		if (r <= 0)
			break;
		got += (size_t)r;
		line[got] = '\0';
		if (strstr(line, "ready\n"))
			break;
	}
	line[got] = '\0';
	close(out[0]);
	if (strstr(line, "ready\n"))
		return 1;
	fake_stop(f);
	return strstr(f->report, "address already in use") ? 0 : -1;
}

/*
 * Starts the fake with args after its address, port and --max-seconds: on
 * 127.0.0.1, or with addr_base on --addr-base addr_base (all its endpoints on
 * one port). Fails the test when it cannot start or finds no free port.
 */
static inline void fake_start_at(struct fake *f, const char *addr_base, const char *const *args,
				 int nargs)
{
	static unsigned seq;

	memset(f, 0, sizeof(*f));
	f->exit_status = -1;
	for (int attempt = 0; attempt < 12; attempt++) {
		int rc;
		f->port = 30000 +
			  (int)(((unsigned)getpid() + (unsigned)FAKEAGENT_PORT_OFFSET + (unsigned)attempt * 131u) %
				2000u) * 8 +
			  (int)(seq++ % 8u);
		rc = fake_try_(f, args, nargs, addr_base);
		if (rc == 1)
			return;
		if (rc < 0)
			fail_msg("%s did not start (exit status %d): %s", fake_binary(), f->exit_status,
				 f->report);
	}
	fail_msg("no free port for %s", fake_binary());
}

/* Starts the fake on 127.0.0.1 (fake_start_at). */
static inline void fake_start(struct fake *f, const char *const *args, int nargs)
{
	fake_start_at(f, NULL, args, nargs);
}

/*
 * A loopback port nobody listens on, for "connection refused": bound by us
 * (so no fake takes it), never listened on. The caller closes *fd after the
 * test; -1 when it cannot.
 */
static inline int closed_port(int *fd)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	*fd = socket(AF_INET, SOCK_STREAM, 0);
	if (*fd < 0 || bind(*fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    getsockname(*fd, (struct sockaddr *)&sa, &len) != 0)
		return -1;
	return ntohs(sa.sin_port);
}

#endif
