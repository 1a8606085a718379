/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * merge.h - the trace events of one or more capture files, merged in time
 * order, each with its rule text resolved.
 *
 * Every file streams: one pending record is kept per file and the file
 * whose pending record has the smallest timestamp goes next (ties: the
 * file given first).  Records of one file keep their file order.  With
 * more than one file the pending record is copied into a per-file buffer
 * (capfile's pointers die at that file's next record); a single file is
 * read without copies.
 *
 * Rule text, first that applies: --rules (the user's ruleset), the
 * record's comment (the text in force at capture time), the snapshot of
 * the record's section.  Each section's snapshot is a struct merge_snap,
 * reference-counted, so events stored for later (paths.h) keep the
 * interface names and texts of their own section.
 */
#ifndef NFTRACE_MERGE_H
#define NFTRACE_MERGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ruleset.h"
#include "trace_event.h"

struct merge;

/* A section's ruleset snapshot, and the file it came from. */
struct merge_snap {
	struct ruleset *rs;	/* NULL if the section had none */
	const char *file;	/* the name as given */
	unsigned file_index;
	unsigned refs;		/* internal */
	bool current;		/* internal: still its file's section */
};

void merge_snap_ref(void *snap);
void merge_snap_unref(void *snap);

struct merge_counters {
	uint64_t other_linktype;	/* records that are not LINKTYPE_NFLOG */
	uint64_t non_trace;		/* NFLOG records without a TRACE prefix */
	uint64_t bad_records;		/* NFLOG records that failed to parse */
	uint64_t lost;			/* sum of epb_dropcount */
	uint64_t snapshot_errors;	/* snapshot comments rejected */
};

/* Per file, what its ISBs said, summed over its sections and interfaces
 * (capfile_stats(); nftrace-capture writes ifrecv = events + lost,
 * ifdrop = lost, usrdeliv = events written). */
struct merge_file_stats {
	const char *file;
	bool have_isb;
	uint64_t ifrecv, ifdrop, usrdeliv;
	uint64_t events;		/* TRACE events read from it */
	uint64_t other_linktype;	/* records skipped: not LINKTYPE_NFLOG */
	uint64_t non_trace;		/* NFLOG records without a TRACE prefix */
	uint64_t bad_records;		/* NFLOG records that failed to parse */
	uint64_t marked;		/* the sum of its records' epb_dropcount */
	bool have_marks;		/* its records carry epb_dropcount (ours do) */
};

/* user_rules (may be NULL) must outlive the merge. */
struct merge *merge_new(const struct ruleset *user_rules);
/* NULL-safe; closes the files.  Release every merge_snap_ref() first. */
void merge_free(struct merge *m);

/* Where merge_next() reports what it skips but does not stop for (a
 * rejected ruleset snapshot).  fn prints; the message has no file name. */
void merge_set_warn(struct merge *m, void (*fn)(void *arg, const char *file, const char *msg),
		    void *arg);

/*
 * Open a file ("-" = standard input) and read its first record.  Returns
 * 0, or -1 with the reason in err ("bad magic at offset 0"; without the
 * file name).  A file that failed is not merged; the others are.
 */
int merge_add(struct merge *m, const char *path, char *err, size_t errlen);

/*
 * The next event in time order: 1 with *ev (and *snap, its section's
 * snapshot), 0 at the end of all files, or -1 when a file turned out
 * corrupt, truncated or unreadable: *errfile and err say which and why
 * (naming the offset), that file ends there and the next call goes on
 * with the others.  ev and its strings are valid until the next call;
 * *snap until merge_snap_unref() for each merge_snap_ref(), or until the
 * next call without one.
 */
int merge_next(struct merge *m, struct trace_event *ev, struct merge_snap **snap,
	       const char **errfile, char *err, size_t errlen);

void merge_counters(const struct merge *m, struct merge_counters *c);
size_t merge_nfiles(const struct merge *m);
/* Bytes read and total of all regular files (capfile_progress()). */
void merge_progress(const struct merge *m, uint64_t *done, uint64_t *total);
void merge_file_stats(const struct merge *m, size_t i, struct merge_file_stats *st);

#endif
