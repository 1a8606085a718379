/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/netfilter/nfnetlink.h>
#include <libnetfilter_log/libnetfilter_log.h>

#include "nflog_record.h"
#include "source_nflog.h"

#define NFLOG_DEFAULT_RCVBUF (64u << 20)
/* One batch of datagrams per recvmmsg(): the kernel sends one message per
 * TRACE event (its queue threshold for TRACE is 1), so batching the
 * receive side is what saves system calls. */
#define NFLOG_BATCH 64
#define NFLOG_DGRAM (64u << 10)	/* a full 64 KiB packet plus attributes fits */
#define NFLOG_ROUNDS 16		/* batches per read() call */

struct source_nflog {
	struct source base;
	struct nflog_handle *h;
	struct nflog_g_handle *gh;
	int fd;
	bool have_seq;
	uint32_t next_seq;
	uint64_t pending_gap;	/* lost before a message that was not an event */
	struct source_stats st;
	struct mmsghdr msgs[NFLOG_BATCH];
	struct iovec iov[NFLOG_BATCH];
	uint8_t *buf;		/* NFLOG_BATCH * NFLOG_DGRAM */
};

static int nflog_src_fd(const struct source *s)
{
	return ((const struct source_nflog *)s)->fd;
}

static uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* One netlink message: an NFLOG packet, or something to skip. */
static int handle_msg(struct source_nflog *sn, const struct nlmsghdr *nlh, uint64_t now,
		      source_event_fn fn, void *arg)
{
	struct trace_event ev;
	char err[128];
	const uint8_t *rec = NLMSG_DATA(nlh);
	size_t len = nlh->nlmsg_len - NLMSG_HDRLEN;

	if (nlh->nlmsg_type != ((NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET)) {
		sn->st.skipped++;
		return 0;
	}
	memset(&ev, 0, sizeof(ev));
	ev.verdict = TRACE_VERDICT_NONE;
	if (nflog_record_parse(rec, len, false, &ev, err, sizeof(err)) < 0) {
		sn->st.skipped++;
		return 0;
	}
	/* Sequence numbers count every message the instance sent or tried
	 * to send, so a gap is exactly what the kernel dropped. */
	if (ev.have & TE_HAVE_SEQ) {
		if (sn->have_seq && ev.seq != sn->next_seq) {
			uint32_t gap = ev.seq - sn->next_seq;

			sn->pending_gap += gap;
			sn->st.lost += gap;
		}
		sn->have_seq = true;
		sn->next_seq = ev.seq + 1;
	}
	if (ev.kind == TRACE_KIND_UNKNOWN) {
		/* group 0 also carries other logs (nf_conntrack_log_invalid...);
		 * a gap before one goes to the next event */
		sn->st.skipped++;
		return 0;
	}
	ev.dropcount = sn->pending_gap;
	sn->pending_gap = 0;
	if (!(ev.have & TE_HAVE_TIMESTAMP))
		ev.ts_ns = now;
	sn->st.events++;
	return fn(&ev, arg);
}

static int parse_dgram(struct source_nflog *sn, const void *buf, size_t len, uint64_t now,
		       source_event_fn fn, void *arg, int *count)
{
	const struct nlmsghdr *nlh = buf;
	size_t rem = len;

	for (; NLMSG_OK(nlh, rem); nlh = NLMSG_NEXT(nlh, rem)) {
		int r;

		if (nlh->nlmsg_type == NLMSG_ERROR || nlh->nlmsg_type == NLMSG_DONE ||
		    nlh->nlmsg_type == NLMSG_NOOP) {
			sn->st.skipped++;
			continue;
		}
		r = handle_msg(sn, nlh, now, fn, arg);
		if (r < 0)
			return r;
		if (count)
			(*count)++;
	}
	return 0;
}

int source_nflog_parse(struct source *s, const void *buf, size_t len,
		       source_event_fn fn, void *arg)
{
	int n = 0, r = parse_dgram((struct source_nflog *)s, buf, len, realtime_ns(), fn, arg, &n);

	return r < 0 ? r : n;
}

static int nflog_src_read(struct source *s, source_event_fn fn, void *arg)
{
	struct source_nflog *sn = (struct source_nflog *)s;
	int total = 0;

	/* Bounded: under a flood the socket never runs dry, and the caller
	 * must get back to its signals and timers. */
	for (int round = 0; round < NFLOG_ROUNDS; round++) {
		int n = recvmmsg(sn->fd, sn->msgs, NFLOG_BATCH, MSG_DONTWAIT, NULL);
		uint64_t now;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return total;
			if (errno == ENOBUFS) {
				/* The kernel dropped messages; the next sequence number
				 * tells how many. Not an error. */
				sn->st.overruns++;
				continue;
			}
			return -errno;
		}
		if (n == 0)
			return total;
		now = realtime_ns();
		sn->st.batches++;
		for (int i = 0; i < n; i++) {
			int r = parse_dgram(sn, sn->iov[i].iov_base, sn->msgs[i].msg_len, now,
					    fn, arg, &total);
			if (r < 0)
				return r;
			sn->msgs[i].msg_len = 0;
		}
		if (n < NFLOG_BATCH)
			return total;
	}
	return total;
}

static void nflog_src_stats(const struct source *s, struct source_stats *st)
{
	const struct source_nflog *sn = (const struct source_nflog *)s;
	uint32_t mi[SK_MEMINFO_VARS];
	socklen_t l = sizeof(mi);

	*st = sn->st;
	st->sock_drops = UINT64_MAX;
	if (getsockopt(sn->fd, SOL_SOCKET, SO_MEMINFO, mi, &l) == 0 &&
	    l > SK_MEMINFO_DROPS * sizeof(uint32_t))
		st->sock_drops = mi[SK_MEMINFO_DROPS];
}

static void nflog_src_close(struct source *s)
{
	struct source_nflog *sn = (struct source_nflog *)s;

	if (!sn)
		return;
	if (sn->gh)
		nflog_unbind_group(sn->gh);
	if (sn->h)
		nflog_close(sn->h);
	free(sn->buf);
	free(sn);
}

static const struct source_ops nflog_ops = {
	.name = "legacy",
	.fd = nflog_src_fd,
	.read = nflog_src_read,
	.stats = nflog_src_stats,
	.close = nflog_src_close,
};

int source_nflog_open(struct source **sp, const struct source_nflog_config *cfg,
		      char *err, size_t errlen)
{
	struct source_nflog *sn = calloc(1, sizeof(*sn));
	int rcvbuf = (int)(cfg->rcvbuf ? cfg->rcvbuf : NFLOG_DEFAULT_RCVBUF);
	int ret, one = 1;

	if (!sn)
		return -ENOMEM;
	sn->base.ops = &nflog_ops;
	sn->buf = malloc((size_t)NFLOG_BATCH * NFLOG_DGRAM);
	if (!sn->buf) {
		ret = -ENOMEM;
		goto fail;
	}
	for (int i = 0; i < NFLOG_BATCH; i++) {
		sn->iov[i].iov_base = sn->buf + (size_t)i * NFLOG_DGRAM;
		sn->iov[i].iov_len = NFLOG_DGRAM;
		sn->msgs[i].msg_hdr.msg_iov = &sn->iov[i];
		sn->msgs[i].msg_hdr.msg_iovlen = 1;
	}
	sn->h = nflog_open();
	if (!sn->h) {
		ret = errno ? -errno : -EIO;
		snprintf(err, errlen, "cannot open nfnetlink_log: %s", strerror(-ret));
		goto fail;
	}
	sn->fd = nflog_fd(sn->h);
	/* No nflog_bind_pf(): binding a family makes nfnetlink_log that
	 * family's logger in the namespace (nf_log.N), also for a family not
	 * traced, and nothing restores it.  The logger is checked, and set
	 * only with --set-logger, by the caller. */
	sn->gh = nflog_bind_group(sn->h, cfg->group);
	if (!sn->gh) {
		ret = errno ? -errno : -EIO;
		if (ret == -EBUSY || ret == -EPERM)
			snprintf(err, errlen, "nflog group %u is already bound by another "
				 "process (tcpdump -i nflog:%u, ulogd?)", cfg->group, cfg->group);
		else
			snprintf(err, errlen, "cannot bind nflog group %u: %s", cfg->group,
				 strerror(-ret));
		goto fail;
	}
	if (nflog_set_mode(sn->gh, NFULNL_COPY_PACKET, 0xffff) < 0 ||
	    nflog_set_flags(sn->gh, NFULNL_CFG_F_SEQ) < 0) {
		ret = errno ? -errno : -EIO;
		snprintf(err, errlen, "cannot configure nflog group %u: %s", cfg->group,
			 strerror(-ret));
		goto fail;
	}
	/* Ride out bursts: a forced buffer when we may (CAP_NET_ADMIN), else
	 * as much as rmem_max allows. */
	if (setsockopt(sn->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		setsockopt(sn->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	/* We count losses from sequence gaps, but want ENOBUFS reported too. */
	setsockopt(sn->fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &(int){ 0 }, sizeof(int));
	(void)one;
	if (fcntl(sn->fd, F_SETFL, fcntl(sn->fd, F_GETFL) | O_NONBLOCK) < 0) {
		ret = -errno;
		goto fail;
	}
	*sp = &sn->base;
	return 0;
fail:
	nflog_src_close(&sn->base);
	return ret;
}

static int logger_path(uint8_t family, char *path, size_t len)
{
	if (family != 2 && family != 10)
		return -EAFNOSUPPORT;
	snprintf(path, len, "/proc/sys/net/netfilter/nf_log/%u", family);
	return 0;
}

int source_nflog_logger_get(uint8_t family, char *name, size_t len)
{
	char path[64];
	ssize_t n;
	int fd, r = logger_path(family, path, sizeof(path));

	if (r < 0)
		return r;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, name, len - 1);
	r = n < 0 ? -errno : 0;
	close(fd);
	if (r < 0)
		return r;
	while (n > 0 && (name[n - 1] == '\n' || name[n - 1] == ' '))
		n--;
	name[n] = '\0';
	return 0;
}

int source_nflog_logger_set(uint8_t family, const char *name)
{
	char path[64];
	size_t n = strlen(name);
	int fd, r = logger_path(family, path, sizeof(path));

	if (r < 0)
		return r;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = write(fd, name, n) == (ssize_t)n ? 0 : -errno;
	close(fd);
	return r;
}
