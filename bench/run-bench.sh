#!/usr/bin/env bash
# Boots the bench guest (guest.mode=bench) on each given backend and on qemu-system-i386 -accel tcg
# (when installed) and prints, per run: seconds to INIT-OK (host wall time), each BENCH line (guest
# seconds), the BENCH-CHECKs, instructions retired and MIPS (hyperbundle only), and total wall seconds.
#
#   bench/run-bench.sh [BACKEND...]        default: interp
#   GUESTS=DIR  guest images (default ../shared/guests beside the repository)
#   EXTRA="--device kvmclock"  extra hyperbundle run options (e.g. to compare with the PV clock)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
GUESTS=${GUESTS:-$ROOT/../shared/guests}
KERNEL=$GUESTS/tiny/bzImage
INITRD=$GUESTS/initramfs.cpio.gz
APPEND="console=ttyS0 reboot=k panic=-1 guest.mode=bench"
BIN=$ROOT/distribution/target/hyperbundle/bin/hyperbundle
[ -x "$BIN" ] || { echo "bench: build first: mvn -q -B package -DskipTests" >&2; exit 1; }
[ -f "$KERNEL" ] || { echo "bench: $KERNEL not found (set GUESTS=DIR)" >&2; exit 1; }
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

# Reads a console log with host timestamps (seconds since start, one line each) and prints the summary.
summarize() { # name logfile stderrfile wallseconds
    local name=$1 log=$2 err=$3 wall=$4
    local init
    init=$(awk '/^[0-9.]+ INIT-OK/ {print $1; exit}' "$log")
    echo "== $name"
    echo "  seconds to INIT-OK: ${init:-never}"
    sed -n 's/^[0-9.]* \(BENCH.*\)/  \1/p' "$log" | tr -d '\r'
    if [ -s "$err" ]; then
        sed -n 's/^hyperbundle: .*; \([0-9]* instructions in .*\)/  \1/p' "$err"
    fi
    echo "  wall seconds: $wall"
}

stamp() { # prefix every line with host seconds since $1
    python3 -u -c 'import sys, time
t0 = float(sys.argv[1])
for line in sys.stdin.buffer:
    sys.stdout.write("%.2f %s" % (time.time() - t0, line.decode("latin-1")))
    sys.stdout.flush()' "$1"
}

for backend in "${@:-interp}"; do
    t0=$(date +%s.%N)
    # shellcheck disable=SC2086
    "$BIN" run --cpu "$backend" --memory 64M --kernel "$KERNEL" --initrd "$INITRD" --append "$APPEND" ${EXTRA:-} \
        < /dev/null 2> "$OUT/$backend.err" | stamp "$t0" > "$OUT/$backend.log" || true
    wall=$(python3 -c "import time; print(round(time.time() - $t0, 2))")
    summarize "hyperbundle $backend ${EXTRA:-}" "$OUT/$backend.log" "$OUT/$backend.err" "$wall"
done

if command -v qemu-system-i386 > /dev/null; then
    t0=$(date +%s.%N)
    qemu-system-i386 -accel tcg -m 64 -nographic -no-reboot -kernel "$KERNEL" -initrd "$INITRD" -append "$APPEND" \
        < /dev/null 2> "$OUT/qemu.err" | stamp "$t0" > "$OUT/qemu.log" || true
    wall=$(python3 -c "import time; print(round(time.time() - $t0, 2))")
    summarize "qemu-system-i386 -accel tcg" "$OUT/qemu.log" /dev/null "$wall"
else
    echo "== qemu-system-i386 not installed (apt-get install qemu-system-x86): no reference run"
fi
