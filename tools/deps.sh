#!/bin/sh
# Install the Debian packages nftrace needs to build, test and run, if any
# is missing.  Used by tools/demo.sh and tools/test.sh; safe to run twice.
# clang with libFuzzer (libclang-rt-14-dev) and valgrind: tools/ci-extra.sh.
PKGS="build-essential autoconf automake pkg-config libpcap-dev
libnetfilter-log-dev libmnl-dev zlib1g-dev libcriterion-dev
iptables nftables iproute2 tcpdump tshark jq graphviz python3 procps
iputils-ping util-linux tzdata
clang libclang-rt-14-dev valgrind"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2 || exit 1
# tshark asks whether non-root users may capture; the answer does not matter here.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2
