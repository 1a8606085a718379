/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nlcount - the benchmark's reference receiver: counts the kernel's trace
 * messages and does nothing else, so it measures how many netlink messages
 * one traced packet produces and what a receive loop alone costs.
 *
 *   nlcount nflog|nft [-t SECONDS] [-b RCVBUF] [-d USEC]
 *
 *   nflog  binds nfnetlink_log group 0 (copy packet, 0xffff bytes, with
 *          sequence numbers), as tcpdump -i nflog:0 and nftrace-capture do
 *   nft    joins NFNLGRP_NFTRACE (nf_tables trace events), as
 *          nft monitor trace and xtables-monitor --trace do
 *
 * -d USEC: after draining the socket, sleep USEC before polling again, so
 * that one wake-up collects many messages (what that saves per event is
 * what a capturer would save by coalescing its reads).
 *
 * Runs until SIGINT/SIGTERM or SECONDS, then prints one line on stdout:
 *   messages N bytes B drops D seqgaps G
 * drops is SK_MEMINFO_DROPS of the socket (what /proc/net/netlink shows),
 * seqgaps the messages missing from the nflog sequence (nflog only).
 * Prints "ready" on stderr once subscribed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef SO_MEMINFO
#define SO_MEMINFO 55
#endif
#ifndef SO_RCVBUFFORCE
#define SO_RCVBUFFORCE 33
#endif
#define NFNLGRP_NFTRACE_ 9
#ifndef SLOTS
#define SLOTS 16
#endif
#ifndef SLOT
#define SLOT (64u << 10)
#endif

static volatile sig_atomic_t stop;

static void on_sig(int s)
{
	(void)s;
	stop = 1;
}

/* One nfnetlink_log config request, acked. */
static int nflog_cfg(int fd, uint16_t group, uint16_t attr, const void *val, uint16_t len)
{
	struct {
		struct nlmsghdr nh;
		struct nfgenmsg g;
		char attrs[64];
	} req;
	struct nlattr *a = (struct nlattr *)req.attrs;
	char ack[4096];
	ssize_t n;

	memset(&req, 0, sizeof(req));
	a->nla_type = attr;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	memcpy((char *)a + NLA_HDRLEN, val, len);
	req.nh.nlmsg_len = (uint32_t)(NLMSG_LENGTH(sizeof(req.g)) + NLA_ALIGN(a->nla_len));
	req.nh.nlmsg_type = (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_CONFIG;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.nh.nlmsg_seq = attr;
	req.g.nfgen_family = AF_UNSPEC;
	req.g.version = NFNETLINK_V0;
	req.g.res_id = htons(group);
	if (send(fd, &req, req.nh.nlmsg_len, 0) < 0)
		return -errno;
	n = recv(fd, ack, sizeof(ack), 0);
	if (n < 0)
		return -errno;
	struct nlmsghdr *nh = (struct nlmsghdr *)ack;
	if (nh->nlmsg_type == NLMSG_ERROR) {
		struct nlmsgerr *e = NLMSG_DATA(nh);
		return e->error;
	}
	return 0;
}

static uint32_t drops(int fd)
{
	uint32_t mi[SK_MEMINFO_VARS] = { 0 };
	socklen_t l = sizeof(mi);

	if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mi, &l) < 0)
		return 0;
	return mi[SK_MEMINFO_DROPS];
}

int main(int argc, char **argv)
{
	int nflog, fd, opt, rcvbuf = 64 << 20;
	long delay_us = 0;
	double secs = 0;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	static uint8_t buf[SLOTS][SLOT];
	struct mmsghdr msgs[SLOTS];
	struct iovec iov[SLOTS];
	uint64_t messages = 0, bytes = 0, gaps = 0;
	uint32_t next_seq = 0;
	int have_seq = 0;

	if (argc < 2 || (strcmp(argv[1], "nflog") && strcmp(argv[1], "nft"))) {
		fprintf(stderr, "usage: nlcount nflog|nft [-t SECONDS] [-b RCVBUF] [-d USEC]\n");
		return 2;
	}
	nflog = !strcmp(argv[1], "nflog");
	optind = 2;
	while ((opt = getopt(argc, argv, "t:b:d:")) != -1) {
		if (opt == 't')
			secs = atof(optarg);
		else if (opt == 'd')
			delay_us = atol(optarg);
		else if (opt == 'b')
			rcvbuf = atoi(optarg);
		else
			return 2;
	}
	signal(SIGINT, on_sig);
	signal(SIGTERM, on_sig);
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("nlcount: netlink socket");
		return 1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &(int){ 1 }, sizeof(int));
	if (nflog) {
		uint8_t cmd = NFULNL_CFG_CMD_BIND;
		struct nfulnl_msg_config_mode mode = { .copy_range = htonl(0xffff),
						       .copy_mode = NFULNL_COPY_PACKET };
		uint16_t flags = htons(NFULNL_CFG_F_SEQ);
		int r;

		if ((r = nflog_cfg(fd, 0, NFULA_CFG_CMD, &cmd, 1)) < 0 ||
		    (r = nflog_cfg(fd, 0, NFULA_CFG_MODE, &mode, sizeof(mode))) < 0 ||
		    (r = nflog_cfg(fd, 0, NFULA_CFG_FLAGS, &flags, sizeof(flags))) < 0) {
			fprintf(stderr, "nlcount: nflog group 0: %s\n", strerror(-r));
			return 1;
		}
	} else {
		int g = NFNLGRP_NFTRACE_;

		if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &g, sizeof(g)) < 0) {
			perror("nlcount: NFNLGRP_NFTRACE");
			return 1;
		}
	}
	for (int i = 0; i < SLOTS; i++) {
		iov[i].iov_base = buf[i];
		iov[i].iov_len = SLOT;
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	fprintf(stderr, "ready\n");
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!stop) {
		struct pollfd p = { fd, POLLIN, 0 };
		int n;

		if (secs > 0) {
			struct timespec t;
			clock_gettime(CLOCK_MONOTONIC, &t);
			if ((double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9 >= secs)
				break;
		}
		if (poll(&p, 1, 100) <= 0)
			continue;
		n = recvmmsg(fd, msgs, SLOTS, MSG_DONTWAIT, NULL);
		if (n <= 0)
			continue;
		for (int i = 0; i < n; i++) {
			size_t rem = msgs[i].msg_len;
			struct nlmsghdr *nh = (struct nlmsghdr *)buf[i];

			for (; NLMSG_OK(nh, rem); nh = NLMSG_NEXT(nh, rem)) {
				if (nh->nlmsg_type == NLMSG_ERROR || nh->nlmsg_type == NLMSG_DONE)
					continue;
				messages++;
				bytes += nh->nlmsg_len;
				if (!nflog)
					continue;
				/* NFULA_SEQ: the instance's sequence number */
				struct nlattr *a = (struct nlattr *)((char *)NLMSG_DATA(nh) +
								     NLMSG_ALIGN(sizeof(struct nfgenmsg)));
				char *end = (char *)nh + nh->nlmsg_len;
				while ((char *)a + NLA_HDRLEN <= end && a->nla_len >= NLA_HDRLEN &&
				       (char *)a + a->nla_len <= end) {
					if ((a->nla_type & NLA_TYPE_MASK) == NFULA_SEQ && a->nla_len >= 8) {
						uint32_t s;
						memcpy(&s, (char *)a + NLA_HDRLEN, 4);
						s = ntohl(s);
						if (have_seq && s != next_seq)
							gaps += s - next_seq;
						have_seq = 1;
						next_seq = s + 1;
						break;
					}
					a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
				}
			}
			msgs[i].msg_len = 0;
		}
		if (n < SLOTS && delay_us > 0) {
			/* drained: let messages gather before the next wake-up */
			struct timespec d = { delay_us / 1000000, (delay_us % 1000000) * 1000 };

			nanosleep(&d, NULL);
		}
	}
	printf("messages %llu bytes %llu drops %u seqgaps %llu\n", (unsigned long long)messages,
	       (unsigned long long)bytes, drops(fd), (unsigned long long)gaps);
	return 0;
}
