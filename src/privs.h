/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * privs.h - least privilege for nftrace-capture.
 *
 * After setup the capture needs only to read its netlink socket (already
 * open) and, at exit, to remove its rules through iptables: CAP_NET_ADMIN,
 * plus CAP_NET_RAW for iptables-legacy, whose libiptc talks to the kernel
 * over a raw socket.  Everything else is dropped from the effective,
 * permitted, inheritable and bounding sets, so the iptables children get
 * no more either.
 */
#ifndef NFTRACE_PRIVS_H
#define NFTRACE_PRIVS_H

#include <stdbool.h>
#include <sys/types.h>

/* Keep CAP_NET_ADMIN (and CAP_NET_RAW when need_raw); drop the rest.
 * Returns 0 or -errno. */
int privs_drop(bool need_raw);

/* Look up USER (a name or a number) for -Z.  Returns 0, or -ENOENT. */
int privs_lookup_user(const char *user, uid_t *uid, gid_t *gid);

/*
 * Create path for writing as uid/gid (the file belongs to that user and
 * that user's permissions apply, as with tcpdump -Z), never following a
 * symlink, mode 0640 before umask.  Returns the fd or -errno.
 */
int privs_create_as(const char *path, uid_t uid, gid_t gid);

#endif
