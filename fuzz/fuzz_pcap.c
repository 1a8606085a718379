/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_pcap.c - the classic pcap reader through capfile_open() and
 * capfile_next(), plain and gzip (fuzz_capfile.h).  Only inputs with a
 * pcap magic (us or ns, either byte order) or gzip are taken.
 */
#include "fuzz_capfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t m;

	if (size >= 4) {
		m = (uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 |
		    (uint32_t)data[2] << 8 | data[3];
		if (m != 0xa1b2c3d4u && m != 0xd4c3b2a1u && m != 0xa1b23c4du &&
		    m != 0x4d3cb2a1u && !(data[0] == 0x1f && data[1] == 0x8b))
			return 0;
	}
	fuzz_capfile(data, size);
	return 0;
}
