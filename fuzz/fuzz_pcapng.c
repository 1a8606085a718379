/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_pcapng.c - the pcapng reader through capfile_open()/capfile_next(),
 * plain and gzip (fuzz_capfile.h).  Inputs that do not start like pcapng
 * (an SHB, or gzip) belong to fuzz_pcap and are left out.
 */
#include "fuzz_capfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t shb[4] = { 0x0a, 0x0d, 0x0d, 0x0a };

	if (size >= 4 && memcmp(data, shb, 4) != 0 &&
	    !(data[0] == 0x1f && data[1] == 0x8b))
		return 0;
	fuzz_capfile(data, size);
	return 0;
}
