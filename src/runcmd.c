/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runcmd.h"

extern char **environ;

static void child(char *const argv[], const char *env_extra, int outfd, int errfd,
		  int reportfd)
{
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int e;

	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(outfd, 1) < 0 ||
	    dup2(errfd, 2) < 0)
		goto fail;
	/* A Ctrl-C meant for the capture must not kill an iptables that is
	 * removing its rules: run tools in a process group of their own. */
	setpgid(0, 0);
	/* The capture blocks some signals; a tool must start with defaults. */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if (env_extra && putenv((char *)env_extra) != 0)
		goto fail;
	execvp(argv[0], argv);
fail:
	e = errno;
	if (write(reportfd, &e, sizeof(e)) < 0) {
		/* nothing more we can do */
	}
	_exit(127);
}

/* Append what is readable on fd to a growing buffer; 0 at EOF, 1 more, <0 error. */
static int drain(int fd, char **buf, size_t *len, size_t *cap, size_t max)
{
	char tmp[8192];
	ssize_t n = read(fd, tmp, sizeof(tmp));

	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 1 : -errno;
	if (n == 0)
		return 0;
	if (*len + (size_t)n + 1 > max + 1)
		return -EFBIG;
	if (*len + (size_t)n + 1 > *cap) {
		size_t ncap = *cap ? *cap : 16384;
		char *nb;

		while (ncap < *len + (size_t)n + 1)
			ncap *= 2;
		nb = realloc(*buf, ncap);
		if (!nb)
			return -ENOMEM;
		*buf = nb;
		*cap = ncap;
	}
	memcpy(*buf + *len, tmp, (size_t)n);
	*len += (size_t)n;
	(*buf)[*len] = '\0';
	return 1;
}

int runcmd(char *const argv[], const char *env_extra, size_t max_out,
	   struct runcmd_result *res)
{
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 }, rep[2] = { -1, -1 };
	size_t outcap = 0, errlen = 0, errcap = 0;
	char *errbuf = NULL;
	int ret = 0, st, e = 0, open_fds = 2;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	if (pipe2(outp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0 ||
	    pipe2(rep, O_CLOEXEC) < 0) {
		ret = -errno;
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		goto out;
	}
	if (pid == 0)
		child(argv, env_extra, outp[1], errp[1], rep[1]);
	close(outp[1]);
	close(errp[1]);
	close(rep[1]);
	outp[1] = errp[1] = rep[1] = -1;

	while (open_fds > 0) {
		struct pollfd pfd[2] = { { outp[0], POLLIN, 0 }, { errp[0], POLLIN, 0 } };
		int r;

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			break;
		}
		for (int i = 0; i < 2; i++) {
			if (pfd[i].fd < 0 || !(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (i == 0)
				r = drain(outp[0], &res->out, &res->outlen, &outcap, max_out);
			else
				r = drain(errp[0], &errbuf, &errlen, &errcap, 1u << 20);
			if (r < 0 && !ret)
				ret = r;
			if (r <= 0) {
				close(i == 0 ? outp[0] : errp[0]);
				if (i == 0)
					outp[0] = -1;
				else
					errp[0] = -1;
				open_fds--;
			}
		}
		if (ret)
			break;
	}
	if (ret)
		kill(pid, SIGKILL); /* it may be blocked writing to a pipe we left */
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR) {
			if (!ret)
				ret = -errno;
			goto out;
		}
	}
	if (read(rep[0], &e, sizeof(e)) == (ssize_t)sizeof(e) && !ret)
		ret = -e;
	res->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	if (errbuf) {
		size_t n = errlen < sizeof(res->err) - 1 ? errlen : sizeof(res->err) - 1;

		memcpy(res->err, errbuf, n);
		res->err[n] = '\0';
	}
	if (!res->out && !ret) {
		res->out = calloc(1, 1);
		if (!res->out)
			ret = -ENOMEM;
	}
out:
	free(errbuf);
	for (int i = 0; i < 2; i++) {
		if (outp[i] >= 0)
			close(outp[i]);
		if (errp[i] >= 0)
			close(errp[i]);
		if (rep[i] >= 0)
			close(rep[i]);
	}
	if (ret) {
		free(res->out);
		res->out = NULL;
		res->outlen = 0;
	}
	return ret;
}

void runcmd_result_free(struct runcmd_result *res)
{
	if (!res)
		return;
	free(res->out);
	res->out = NULL;
}
