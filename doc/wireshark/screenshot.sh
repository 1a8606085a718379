#!/bin/bash
# Regenerate doc/wireshark-nftrace.png: samples/dns-drop.pcapng opened in
# Wireshark (Qt) with the nftrace profile, under Xvfb, with a throw-away
# HOME.  Needs: wireshark-qt xvfb imagemagick (Debian packages).
# Usage: bash doc/wireshark/screenshot.sh [OUTPUT.png]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$top/doc/wireshark-nftrace.png}
for t in Xvfb wireshark import convert; do
	command -v "$t" >/dev/null || { echo "needs $t" >&2; exit 1; }
done
h=$(mktemp -d /tmp/nftrace-shot.XXXXXX)
xpid=""; wpid=""
cleanup() {
	[ -n "$wpid" ] && kill "$wpid" 2>/dev/null
	[ -n "$xpid" ] && kill "$xpid" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$h"
}
trap cleanup EXIT
mkdir -p "$h/.config/wireshark/profiles"
cp -r "$top/doc/wireshark/nftrace" "$h/.config/wireshark/profiles/"
# Window where the screen is; the profile's recent file has the column widths.
cat >"$h/.config/wireshark/recent_common" <<'EOT'
gui.geometry_main_x: 0
gui.geometry_main_y: 0
gui.geometry_main_width: 1740
gui.geometry_main_height: 520
gui.geometry_main_maximized: FALSE
EOT
printf 'gui.byte_view_show: FALSE\ngui.geometry_main_upper_pane: 200\n' \
	>>"$h/.config/wireshark/profiles/nftrace/recent"
d=:$((90 + RANDOM % 100))
Xvfb "$d" -screen 0 1740x540x24 -nolisten tcp >"$h/xvfb.log" 2>&1 & xpid=$!
sleep 2
(cd "$h" && DISPLAY=$d HOME=$h XDG_CONFIG_HOME=$h/.config XDG_RUNTIME_DIR=$h \
	exec wireshark -C nftrace -r "$top/samples/dns-drop.pcapng") >"$h/ws.log" 2>&1 & wpid=$!
sleep 10
DISPLAY=$d import -window root "$h/shot.png"
convert "$h/shot.png" -crop 1740x522+0+0 +repage -strip "PNG8:$out"
echo "wrote $out"
