/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "xtlock.h"

const char *xtlock_path(void)
{
	const char *p = getenv("XTABLES_LOCKFILE");

	return p && *p ? p : XTLOCK_DEFAULT_PATH;
}

static unsigned long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000 + (unsigned long long)ts.tv_nsec / 1000000;
}

int xtlock_acquire(const char *path, unsigned wait_ms)
{
	unsigned long long deadline = now_ms() + wait_ms;
	int fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0)
		return -errno;
	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return fd;
		if (errno != EWOULDBLOCK && errno != EINTR) {
			int e = errno;

			close(fd);
			return -e;
		}
		if (now_ms() >= deadline) {
			close(fd);
			return -EWOULDBLOCK;
		}
		/* iptables -w polls the same way (1 s default interval); 50 ms keeps -W precise. */
		struct timespec ts = { 0, 50 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
}

void xtlock_release(int fd)
{
	if (fd >= 0)
		close(fd);
}
