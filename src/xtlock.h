/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xtlock.h - the xtables lock, as iptables takes it (xshared.c): an
 * exclusive flock() on /run/xtables.lock, or on $XTABLES_LOCKFILE when set.
 * While it is held, every iptables -w waits and every iptables without -w
 * fails, so firewall managers (kube-proxy, calico, firewalld) are paused.
 */
#ifndef NFTRACE_XTLOCK_H
#define NFTRACE_XTLOCK_H

#define XTLOCK_DEFAULT_PATH "/run/xtables.lock"

/* The lock file iptables would use here: $XTABLES_LOCKFILE or the default. */
const char *xtlock_path(void);

/*
 * Take the lock on path, waiting at most wait_ms (0 = try once).  Returns
 * the fd that holds it (close it, or xtlock_release(), to let go),
 * -EWOULDBLOCK when somebody else still holds it after the wait, or -errno
 * when the file cannot be opened.
 */
int xtlock_acquire(const char *path, unsigned wait_ms);

void xtlock_release(int fd); /* no-op for fd < 0 */

#endif
