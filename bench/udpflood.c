/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * udpflood - the benchmark's traffic: UDP datagrams to DST:PORT at a paced
 * rate (or as fast as the machine goes), smooth or in bursts.
 *
 *   udpflood -d DST [-p PORT] [-r PPS] [-t SECONDS] [-b BURST] [-s BYTES]
 *
 *   -r PPS     packets per second; 0 = unpaced (the sender's ceiling)
 *   -t SECONDS how long to send (default 3)
 *   -b BURST   bursty mode: BURST packets back to back (sendmmsg), then a
 *              pause, so the mean rate is still PPS; without -b the
 *              packets are spread evenly (batches of at most 8, sent every
 *              8/PPS s at most)
 *   -s BYTES   UDP payload size (default 64, at least 16)
 *
 * Pacing is a nanosleep/busy-wait hybrid: sleep while the next send is
 * more than 150 us away, spin for the rest.  Every payload starts with a
 * 64-bit sequence number, so every datagram is a different packet (and
 * gets its own nftrace packet ID).  At the end one line on stdout:
 *   sent N packets in T s = R pkt/s (errors E)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAXBATCH 64

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void wait_until(uint64_t t)
{
	for (;;) {
		uint64_t n = now_ns();

		if (n >= t)
			return;
		if (t - n > 150000) {
			struct timespec ts = { 0, (long)(t - n - 100000) };

			nanosleep(&ts, NULL);
		}
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: udpflood -d DST [-p PORT] [-r PPS] [-t SECONDS] [-b BURST] [-s BYTES]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *dst = NULL;
	unsigned port = 5001, size = 64, burst = 0;
	double rate = 0, secs = 3;
	struct sockaddr_in sin = { .sin_family = AF_INET };
	static uint8_t payload[MAXBATCH][1500];
	struct mmsghdr msgs[MAXBATCH];
	struct iovec iov[MAXBATCH];
	uint64_t seq = 0, sent = 0, errors = 0, start, end, t_next;
	int opt, fd;

	while ((opt = getopt(argc, argv, "d:p:r:t:b:s:")) != -1) {
		switch (opt) {
		case 'd': dst = optarg; break;
		case 'p': port = (unsigned)atoi(optarg); break;
		case 'r': rate = atof(optarg); break;
		case 't': secs = atof(optarg); break;
		case 'b': burst = (unsigned)atoi(optarg); break;
		case 's': size = (unsigned)atoi(optarg); break;
		default: usage();
		}
	}
	if (!dst || inet_pton(AF_INET, dst, &sin.sin_addr) != 1 || size < 16 || size > 1400 ||
	    secs <= 0 || rate < 0)
		usage();
	sin.sin_port = htons((uint16_t)port);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		perror("udpflood: socket");
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &(int){ 4 << 20 }, sizeof(int));
	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < MAXBATCH; i++) {
		memset(payload[i], 'u', size);
		iov[i].iov_base = payload[i];
		iov[i].iov_len = size;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}

	/* Packets per wake-up: evenly spread packets need no batching below
	 * ~100k pkt/s; a burst goes out in sendmmsg() calls of MAXBATCH. */
	unsigned per = burst ? burst : (rate > 0 ? (unsigned)(rate / 100000) + 1 : MAXBATCH);
	if (!burst && per > 8 && rate > 0)
		per = 8;
	double gap_ns = rate > 0 ? 1e9 * per / rate : 0;

	start = now_ns();
	end = start + (uint64_t)(secs * 1e9);
	t_next = start;
	for (uint64_t k = 0;; k++) {
		if (rate > 0) {
			t_next = start + (uint64_t)(gap_ns * (double)k);
			if (t_next >= end)
				break;
			wait_until(t_next);
		} else if (now_ns() >= end) {
			break;
		}
		for (unsigned left = per; left > 0;) {
			unsigned n = left > MAXBATCH ? MAXBATCH : left;
			int r;

			for (unsigned i = 0; i < n; i++) {
				uint64_t s = seq + i;

				memcpy(payload[i], &s, sizeof(s));
			}
			r = sendmmsg(fd, msgs, n, 0);
			if (r < 0) {
				if (errno != EINTR)
					errors++;
				if (errno == ENOBUFS || errno == EAGAIN || errno == ECONNREFUSED)
					continue;
				break;
			}
			seq += (unsigned)r;
			sent += (unsigned)r;
			left -= (unsigned)r;
		}
	}
	double el = (double)(now_ns() - start) / 1e9;

	printf("sent %llu packets in %.3f s = %.0f pkt/s (errors %llu)\n",
	       (unsigned long long)sent, el, (double)sent / el, (unsigned long long)errors);
	close(fd);
	return 0;
}
