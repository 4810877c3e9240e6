#!/usr/bin/env bash
# The effect of the paravirtual clock (--device kvmclock) on boot: host seconds from launch to INIT-OK and
# the instructions retired up to the reset that follows at once, with and without it, RUNS times each.
# The guest's /init is replaced (a second cpio appended to the shared initramfs, ../shared/guests/README.md)
# by one that prints INIT-OK and resets.
#
#   bench/pv-clock.sh [BACKEND]      default: interp;  RUNS=3  GUESTS=DIR
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
GUESTS=${GUESTS:-$ROOT/../shared/guests}
BIN=$ROOT/distribution/target/hyperbundle/bin/hyperbundle
[ -x "$BIN" ] || { echo "pv-clock: build first: mvn -q -B package -DskipTests" >&2; exit 1; }
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
printf '#!/bin/sh\n/bin/busybox mount -t proc proc /proc\necho INIT-OK\n/bin/busybox reboot -f\n' > "$OUT/init"
echo "file /init $OUT/init 0755 0 0" > "$OUT/list"
python3 "$ROOT/guests/mkcpio.py" -o "$OUT/extra.gz" "$OUT/list"
cat "$GUESTS/initramfs.cpio.gz" "$OUT/extra.gz" > "$OUT/initrd.gz"
for i in $(seq "${RUNS:-3}"); do
    for extra in "" "--device kvmclock"; do
        t0=$(date +%s.%N)
        # shellcheck disable=SC2086
        "$BIN" run --cpu "${1:-interp}" --memory 64M --kernel "$GUESTS/tiny/bzImage" --initrd "$OUT/initrd.gz" \
            --append "console=ttyS0 reboot=k panic=-1" $extra < /dev/null 2> "$OUT/err" | python3 -u -c '
import sys, time
t0 = float(sys.argv[1])
for line in sys.stdin.buffer:
    text = line.decode("latin-1")
    if text.startswith("INIT-OK"):
        print("  INIT-OK at %.2f s" % (time.time() - t0))
    if "clocksource: Switched to" in text or "tsc: Detected" in text:
        print("  guest:", text.strip()[:90])' "$t0"
        echo "run $i [${extra:-no kvmclock}]: $(grep -o '[0-9]* instructions in .*' "$OUT/err")"
    done
done
