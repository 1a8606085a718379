/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pcapng.h - the block types and option codes of the pcapng format that the
 * reader and the writer both use (pcapng draft, sections 4 and 5;
 * formats.md section 1).
 */
#ifndef NFTRACE_PCAPNG_H
#define NFTRACE_PCAPNG_H

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 1u
#define BT_PB 2u		/* obsolete Packet Block */
#define BT_SPB 3u
#define BT_ISB 5u
#define BT_EPB 6u
#define BYTE_ORDER_MAGIC 0x1A2B3C4Du

#define OPT_ENDOFOPT 0
#define OPT_COMMENT 1
#define OPT_SHB_HARDWARE 2
#define OPT_SHB_OS 3
#define OPT_SHB_USERAPPL 4
#define OPT_IF_NAME 2
#define OPT_IF_DESCRIPTION 3
#define OPT_IF_TSRESOL 9
#define OPT_IF_TSOFFSET 14
#define OPT_EPB_FLAGS 2
#define OPT_EPB_DROPCOUNT 4
#define OPT_EPB_PACKETID 5
#define OPT_ISB_STARTTIME 2
#define OPT_ISB_ENDTIME 3
#define OPT_ISB_IFRECV 4
#define OPT_ISB_IFDROP 5
#define OPT_ISB_USRDELIV 8

#endif
