/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guardian.h"

#define DONE "done"

static void __attribute__((noreturn)) guardian_run(int rfd, void (*undo)(void *), void *arg)
{
	char buf[8];
	ssize_t n;
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);

	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	if (devnull >= 0) {
		dup2(devnull, 0);
		dup2(devnull, 1);
	}
	do
		n = read(rfd, buf, sizeof(buf));
	while (n < 0 && errno == EINTR);
	if (n >= (ssize_t)strlen(DONE) && !memcmp(buf, DONE, strlen(DONE)))
		_exit(0);
	undo(arg);
	_exit(0);
}

pid_t guardian_start(void (*undo)(void *arg), void *arg, int *wfd)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(p[0]);
		close(p[1]);
		errno = e;
		return -1;
	}
	if (pid == 0) {
		close(p[1]);
		guardian_run(p[0], undo, arg);
	}
	close(p[0]);
	*wfd = p[1];
	return pid;
}

void guardian_done(pid_t pid, int wfd)
{
	if (pid <= 0)
		return;
	if (write(wfd, DONE, strlen(DONE)) != (ssize_t)strlen(DONE)) {
		/* It undoes on EOF then: harmless, everything is undone already. */
	}
	close(wfd);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}
