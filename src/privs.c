/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "privs.h"

int privs_drop(bool need_raw)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	uint32_t keep0 = 1u << CAP_NET_ADMIN | (need_raw ? 1u << CAP_NET_RAW : 0);

	/* The bounding set first: dropping from it needs CAP_SETPCAP, which
	 * goes next. */
	for (int cap = 0; cap <= 63; cap++) {
		if (cap == CAP_NET_ADMIN || (need_raw && cap == CAP_NET_RAW))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return -errno;
	}
	memset(data, 0, sizeof(data));
	data[0].effective = data[0].permitted = keep0;
	if (syscall(SYS_capset, &hdr, data) < 0)
		return -errno;
	/* Root's exec would otherwise grant the full (now bounded) set back
	 * through the ambient/inheritable rules: make the drop stick. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	return 0;
}

int privs_lookup_user(const char *user, uid_t *uid, gid_t *gid)
{
	struct passwd *pw = getpwnam(user);
	char *end;

	if (!pw) {
		unsigned long v;

		errno = 0;
		v = strtoul(user, &end, 10);
		if (errno || *end || end == user || v > INT_MAX)
			return -ENOENT;
		pw = getpwuid((uid_t)v);
		if (!pw) {
			*uid = (uid_t)v;
			*gid = (gid_t)v;
			return 0;
		}
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}

int privs_create_as(const char *path, uid_t uid, gid_t gid)
{
	uid_t ou = (uid_t)setfsuid(uid);
	gid_t og = (gid_t)setfsgid(gid);
	int fd, e;

	/* setfsuid() reports nothing useful on failure: check it took. */
	if ((uid_t)setfsuid(uid) != uid || (gid_t)setfsgid(gid) != gid) {
		setfsuid(ou);
		setfsgid(og);
		return -EPERM;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0640);
	e = errno;
	setfsuid(ou);
	setfsgid(og);
	return fd < 0 ? -e : fd;
}
