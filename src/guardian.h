/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * guardian.h - undo a capture's changes even when it is SIGKILLed.
 *
 * A small child process, forked before anything is changed and joined to
 * the capture by a pipe.  The capture ends it with guardian_done() once it
 * has undone its changes itself.  When the pipe closes without that
 * "done" - the capture was killed with SIGKILL, crashed, or was OOM-killed
 * - the guardian runs the undo function and exits.  It ignores the
 * terminal's signals (a Ctrl-C is for the capture) and lets go of standard
 * input and output (a pipe to Wireshark must see EOF when the capture
 * ends).
 */
#ifndef NFTRACE_GUARDIAN_H
#define NFTRACE_GUARDIAN_H

#include <sys/types.h>

/*
 * Fork the guardian; undo(arg) runs in it, on a copy of the caller's
 * memory as it is at this call.  Returns its pid and the pipe's write end
 * in *wfd, or -1 with errno set.
 */
pid_t guardian_start(void (*undo)(void *arg), void *arg, int *wfd);

/* Tell the guardian all is undone, and reap it.  No-op for pid <= 0. */
void guardian_done(pid_t pid, int wfd);

#endif
