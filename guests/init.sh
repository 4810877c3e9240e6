#!/bin/sh
# /init of Hyperbundle's default test guest (busybox initramfs, built by guests/build.sh).
# Written for the Hyperbundle project.
#
# Kernel command line:
#   guest.mode=test     self-test battery, then reset
#   guest.mode=bench    benchmarks, then reset
#   guest.mode=clock    CLOCK-A, sleep 10 s, CLOCK-B, then reset
#   (no guest.mode)     interactive shell on the console; leaving it resets
#   guest.modules=0     do not load the bundled kernel modules
#   guest.ip=A/N guest.ping=A guest.linger=N    virtio-net address, ping test, delay before reset
# The reset is "reboot -f"; boot with reboot=k so that the kernel resets through the
# i8042 (port 0x64), which the VMM treats as "guest finished".
#
# Lines meant for the host start at column 0 with an upper-case marker:
#   INIT-OK  MODULES  MODULE-FAIL  INFO  RUN  TEST  SKIP  ALL-TESTS-DONE
#   BENCH-START  BENCH  BENCH-CHECK  BENCH-DONE  CLOCK-A  CLOCK-B  SHELL-EXIT  REBOOT-FAILED
#
# Not as PID 1 ("/init test" or "/init bench" from the guest shell) it runs one battery
# and returns.

PATH=/sbin:/bin:/usr/sbin:/usr/bin
export PATH
umask 022

# ---- expected results ---------------------------------------------------------
# The awk results depend only on IEEE double arithmetic (x87 or SSE alike), the rest
# on the algorithms; all were computed independently of the guest.
FPU_EXPECT="0.30000000000000004 1.732050807568877 1.644834071848 2.7182818284590 0.33333333333333331 -7 2 inf -inf 2.5"
SHA256_4M_ZERO=bb9f8df61474d25e71fa00722318cd387396ca1736605e1248821cc0de3d3af8
SHA256_16M_ZERO=080acf35a507ac9849cfcba47dc2ad83e01b75663a516279c8b9d243b719643e
TEXT_EXPECT_MD5=5a6caa6e10befcee7fca4240fcda9392
TEXT_EXPECT_SUM=1959431
AWK_LOOP_EXPECT=235197
MARKER_SECTOR=128                   # virtio-blk test writes at byte 65536

passed=0
failed=0

uptime_s() { cut -d' ' -f1 /proc/uptime; }
seconds_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

report() {          # report NAME PASS|FAIL DETAIL...
    name=$1 verdict=$2
    shift 2
    echo "TEST $name $verdict $*"
    case $verdict in
        PASS) passed=$((passed + 1)) ;;
        *)    failed=$((failed + 1)) ;;
    esac
}
verdict() { [ "$1" = "$2" ] && echo PASS || echo FAIL; }

# poll COND TENTHS: evaluate COND every 0.1 s, at most TENTHS times
poll() {
    n=0
    until eval "$1"; do
        [ "$n" -ge "$2" ] && return 1
        n=$((n + 1))
        usleep 100000
    done
}

# virtio_find ID: sysfs directories of the virtio devices with that device ID
virtio_find() {
    id=$(printf '0x%04x' "$1")
    for dev in /sys/bus/virtio/devices/*; do
        [ "$(cat "$dev/device" 2>/dev/null)" = "$id" ] && echo "$dev"
    done
    return 0
}

in_vm() { [ "$IN_VM" = 1 ] || { echo "SKIP $1 not-in-vm"; return 1; }; }

# ---- tests ----------------------------------------------------------------------------
test_cpu() {
    echo "RUN cpu"
    field() { sed -n "s/^$1[[:space:]]*: *//p" /proc/cpuinfo | head -n1; }
    flags=$(field flags)
    v=FAIL
    case " $flags " in *" fpu "*) v=PASS ;; esac
    report cpu $v "vendor=$(field vendor_id) family=$(field 'cpu family') model=\"$(field 'model name')\" flags=\"$flags\""
}

test_fpu() {
    echo "RUN fpu"
    got=$(awk 'BEGIN {
        root3 = 1
        for (i = 0; i < 8; i++) root3 = (root3 + 3 / root3) / 2          # Newton for sqrt(3)
        zeta2 = 0
        for (k = 1; k <= 10000; k++) zeta2 += 1 / (k * k)               # towards pi^2/6
        e = 1; term = 1
        for (k = 1; k <= 18; k++) { term /= k; e += term }              # sum of 1/k!
        big = 1e308 * 10                                                 # overflow
        printf "%.17g %.15f %.12f %.13f %.17g %d %d %s %s %g",
            0.1 + 0.2, root3, zeta2, e, 1 / 3, int(-7.5), int(2.9999), big, -big, 10 % 3.75
    }')
    report fpu "$(verdict "$got" "$FPU_EXPECT")" "$got"
}

test_sha256() {
    echo "RUN sha256"
    sum=$(dd if=/dev/zero bs=4096 count=1024 2>/dev/null | sha256sum)
    sum=${sum%% *}
    report sha256 "$(verdict "$sum" "$SHA256_4M_ZERO")" "4MiB-of-zeros $sum"
}

test_textproc() {
    echo "RUN textproc"
    d=$SCRATCH/text
    mkdir -p "$d"
    awk 'BEGIN {
        w = "qwertyuiopasdfghjklzxcvbnm"; x = 7
        for (i = 0; i < 4000; i++) {
            x = (x * 75 + 74) % 65537
            print x % 997, substr(w, x % 26 + 1, 1 + x % 5)
        }
    }' | sort -k1,1n -k2,2 > "$d/sorted"
    gzip -9 < "$d/sorted" > "$d/sorted.gz"
    gzip -d < "$d/sorted.gz" > "$d/copy"
    m1=$(md5sum < "$d/sorted"); m1=${m1%% *}
    m2=$(md5sum < "$d/copy"); m2=${m2%% *}
    total=$(awk '{ t += $1 } END { print t }' "$d/copy")
    v=FAIL
    [ "$m1" = "$TEXT_EXPECT_MD5" ] && [ "$m2" = "$m1" ] && [ "$total" = "$TEXT_EXPECT_SUM" ] && v=PASS
    report textproc $v "lines=$(wc -l < "$d/copy") gz=$(wc -c < "$d/sorted.gz") md5=$m2 sum=$total"
    rm -rf "$d"
}

test_time() {
    echo "RUN time"
    wall0=$(date +%s) up0=$(uptime_s)
    sleep 1
    wall1=$(date +%s) up1=$(uptime_s)
    slept=$(seconds_between "$up0" "$up1")
    # the RTC must say 2020 or later; one second of sleep must take 0.9 to 10 s of uptime
    v=$(awk -v s="$slept" -v w0="$wall0" -v w1="$wall1" 'BEGIN {
        ok = s >= 0.9 && s <= 10 && w0 >= 1577836800 && w1 >= w0 && w1 - w0 <= 11
        print ok ? "PASS" : "FAIL" }')
    report time "$v" "date=$(date -u +%Y-%m-%dT%H:%M:%SZ) uptime=$up0 sleep1=${slept}s"
}

test_vda() {
    in_vm vda || return 0
    dev=$(virtio_find 2 | head -n1)
    [ -n "$dev" ] || { echo "SKIP vda no-virtio-blk-device"; return 0; }
    echo "RUN vda"
    poll '[ -n "$(ls "$dev/block" 2>/dev/null)" ]' 50
    blk=$(ls "$dev/block" 2>/dev/null | head -n1)
    node=/dev/$blk
    if [ -z "$blk" ] || ! poll '[ -b "$node" ]' 50; then
        report vda FAIL "virtio-blk device without block node"; return 0
    fi
    sectors=$(cat "/sys/block/$blk/size")
    head16=$(dd if="$node" bs=512 count=1 2>/dev/null | od -An -tx1 -N16 | tr -d ' \n')
    s0=$(dd if="$node" bs=512 count=1 2>/dev/null | sha256sum | cut -c1-16)
    if [ "$sectors" -le "$MARKER_SECTOR" ]; then
        report vda FAIL "dev=$node sectors=$sectors too-small-for-marker first16=$head16"; return 0
    fi
    mark="VMM-GUEST-DISK-MARKER uptime=$(uptime_s)"
    printf '%-511s\n' "$mark" | dd of="$node" bs=512 seek=$MARKER_SECTOR count=1 conv=notrunc,fsync 2>/dev/null
    sync
    blockdev --flushbufs "$node" 2>/dev/null
    back=$(dd if="$node" bs=512 skip=$MARKER_SECTOR count=1 2>/dev/null | head -n1 | sed 's/ *$//')
    report vda "$(verdict "$back" "$mark")" "dev=$node sectors=$sectors first16=$head16 sector0-sha256=$s0.. marker@$((MARKER_SECTOR * 512))=\"$back\""
}

test_hvc0() {
    in_vm hvc0 || return 0
    [ -n "$(virtio_find 3)" ] || { echo "SKIP hvc0 no-virtio-console-device"; return 0; }
    echo "RUN hvc0"
    if ! poll '[ -c /dev/hvc0 ]' 50; then
        report hvc0 FAIL "virtio-console device but no /dev/hvc0"; return 0
    fi
    # a new session, so that hvc0 does not become PID 1's controlling terminal
    if setsid sh -c 'echo HVC0-HELLO-FROM-GUEST > /dev/hvc0'; then
        report hvc0 PASS "wrote \"HVC0-HELLO-FROM-GUEST\" to /dev/hvc0"
    else
        report hvc0 FAIL "write to /dev/hvc0 failed"
    fi
}

test_hwrng() {
    in_vm hwrng || return 0
    [ -n "$(virtio_find 4)" ] || { echo "SKIP hwrng no-virtio-rng-device"; return 0; }
    echo "RUN hwrng"
    cur=/sys/class/misc/hw_random/rng_current
    poll '[ -c /dev/hwrng ] && grep -q virtio "$cur" 2>/dev/null' 50
    timeout 20 head -c 64 /dev/hwrng > "$SCRATCH/rng" 2>/dev/null
    n=$(wc -c < "$SCRATCH/rng")
    report hwrng "$(verdict "$n" 64)" "bytes=$n source=$(cat "$cur" 2>/dev/null) first8=$(od -An -tx1 -N8 "$SCRATCH/rng" | tr -d ' \n')"
}

test_eth0() {
    in_vm eth0 || return 0
    dev=$(virtio_find 1 | head -n1)
    [ -n "$dev" ] || { echo "SKIP eth0 no-virtio-net-device"; return 0; }
    echo "RUN eth0"
    poll '[ -n "$(ls "$dev/net" 2>/dev/null)" ]' 50
    ifc=$(ls "$dev/net" 2>/dev/null | head -n1)
    if [ -z "$ifc" ]; then
        report eth0 FAIL "virtio-net device without interface"; return 0
    fi
    up=failed
    ip link set "$ifc" up 2>/dev/null && up=ok
    usleep 200000
    v=FAIL
    [ "$up" = ok ] && v=PASS
    report eth0 $v "if=$ifc mac=$(cat "/sys/class/net/$ifc/address") link-up=$up operstate=$(cat "/sys/class/net/$ifc/operstate" 2>/dev/null)"
    [ -n "$GUEST_IP" ] && ip addr add "$GUEST_IP" dev "$ifc"
    [ -n "$GUEST_PING" ] || return 0
    echo "RUN ping"
    tries=0 v=FAIL
    while [ $tries -lt 15 ]; do
        ping -c 1 -W 2 "$GUEST_PING" > /dev/null 2>&1 && { v=PASS; break; }
        tries=$((tries + 1))
    done
    report ping $v "if=$ifc addr=$GUEST_IP peer=$GUEST_PING tries=$tries $(ping -c 3 -W 2 "$GUEST_PING" 2>/dev/null | tail -n1)"
}

print_info() {
    echo "INFO kernel $(uname -r) $(uname -v) $(uname -m)"
    echo "INFO cmdline $(cat /proc/cmdline)"
    echo "INFO mem $(grep -m1 MemTotal /proc/meminfo | tr -s ' ')"
    line=
    for p in /sys/bus/pci/devices/*; do
        [ -r "$p/vendor" ] || continue
        line="$line ${p##*/}=$(cut -c3- "$p/vendor"):$(cut -c3- "$p/device")@irq$(cat "$p/irq")"
    done
    echo "INFO pci${line:- none}"
    line=
    for v in /sys/bus/virtio/devices/*; do
        [ -r "$v/device" ] || continue
        # the 33rd feature bit is VIRTIO_F_VERSION_1: set = modern interface
        case $(cut -c33 "$v/features" 2>/dev/null) in
            1) kind=v1.0 ;; 0) kind=legacy ;; *) kind=unknown ;;
        esac
        line="$line ${v##*/}=$(cat "$v/device")/$kind"
    done
    echo "INFO virtio${line:- none}"
}

run_tests() {
    [ "$IN_VM" = 1 ] && print_info
    for t in cpu fpu sha256 textproc time vda hvc0 hwrng eth0; do
        "test_$t"
    done
    echo "ALL-TESTS-DONE pass=$passed fail=$failed"
}

# ---- benchmarks -------------------------------------------------------------------------
bench() {           # bench NAME EXPECTED COMMAND...: time COMMAND, compare its output
    name=$1 want=$2
    shift 2
    t0=$(uptime_s)
    got=$("$@")
    t1=$(uptime_s)
    echo "BENCH $name $(seconds_between "$t0" "$t1")"
    if [ "$got" = "$want" ]; then
        echo "BENCH-CHECK $name OK $got"
    else
        echo "BENCH-CHECK $name BAD $got (want $want)"
    fi
}
b_sha256() { s=$(dd if=/dev/zero bs=65536 count=256 2>/dev/null | sha256sum); echo "${s%% *}"; }
b_awk_loop() { awk 'BEGIN { s = 0; for (i = 0; i < 2000000; i++) s = (s * 31 + i) % 1000003; print s }'; }
b_gendata() {  # 8 MiB: 64 KiB of LCG hex text, doubled 7 times (copies beyond deflate's window)
    awk 'BEGIN { x = 12345
        for (i = 0; i < 8192; i++) { x = (x * 69069 + 1) % 4294967296
            printf "%04x%04x", int(x / 65536), x % 65536 } }' > "$SCRATCH/b0"
    for i in 1 2 3 4 5 6 7; do
        cat "$SCRATCH/b$((i - 1))" "$SCRATCH/b$((i - 1))" > "$SCRATCH/b$i"
        rm -f "$SCRATCH/b$((i - 1))"
    done
    s=$(sha256sum < "$SCRATCH/b7"); echo "${s%% *}"
}
b_gzip() { gzip -1 -c "$SCRATCH/b7" | wc -c; }

run_bench() {
    echo "BENCH-START"
    bench sha256-16MiB "$SHA256_16M_ZERO" b_sha256
    bench gendata-8MiB 3a6d916b2c25e61316c2a783f7a2036965964b5f5b470e42d4ed95f7f791eef2 b_gendata
    bench gzip1-8MiB 4777917 b_gzip
    rm -f "$SCRATCH/b7"
    bench awk-loop-2M "$AWK_LOOP_EXPECT" b_awk_loop
    echo "BENCH-DONE"
}

# ---- modules ------------------------------------------------------------------------------
load_modules() {
    dir=/lib/modules/$(uname -r)
    [ -f "$dir/modules.guest-order" ] || return 0
    if [ "$GUEST_MODULES" = 0 ]; then
        echo "MODULES skipped (guest.modules=0)"
        return 0
    fi
    ok=0 bad=0
    while read -r mod; do
        [ -n "$mod" ] || continue
        if insmod "$dir/$mod"; then
            ok=$((ok + 1))
        else
            bad=$((bad + 1))
            echo "MODULE-FAIL $mod"
        fi
    done < "$dir/modules.guest-order"
    echo "MODULES loaded=$ok failed=$bad"
}

# ---- not PID 1: one battery in place ------------------------------------------------------
if [ "$$" != 1 ]; then
    SCRATCH=$(mktemp -d) || exit 1
    [ -n "$IN_VM" ] || IN_VM=0
    case $1 in
        test) run_tests ;;
        bench) run_bench ;;
        *) echo "usage: $0 test|bench" >&2 ;;
    esac
    rm -rf "$SCRATCH"
    exit 0
fi

# ---- PID 1 -----------------------------------------------------------------------------------
/bin/busybox mkdir -p /bin /sbin /usr/bin /usr/sbin /proc /sys /dev /tmp /root
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
echo "INIT-OK"

MODE=shell GUEST_MODULES=1 GUEST_IP= GUEST_PING= GUEST_LINGER=0
set -f                              # no globbing of command-line words
for word in $(cat /proc/cmdline); do
    case $word in
        guest.mode=*)    MODE=${word#*=} ;;
        guest.modules=*) GUEST_MODULES=${word#*=} ;;
        guest.ip=*)      GUEST_IP=${word#*=} ;;
        guest.ping=*)    GUEST_PING=${word#*=} ;;
        guest.linger=*)  GUEST_LINGER=${word#*=} ;;
    esac
done
set +f
load_modules
SCRATCH=/tmp
IN_VM=1

case $MODE in
    test)  run_tests ;;
    bench) run_bench ;;
    clock)
        echo "CLOCK-A $(uptime_s) $(date +%s)"
        sleep 10
        echo "CLOCK-B $(uptime_s) $(date +%s)"
        ;;
    *)
        echo "Hyperbundle test guest, Linux $(uname -r). '/init test' or '/init bench' runs a battery; 'reboot -f' ends the VM."
        export IN_VM HOME=/root PS1='guest# '
        cd /root
        setsid cttyhack sh
        echo "SHELL-EXIT"
        ;;
esac
case $GUEST_LINGER in
    ''|*[!0-9]*) ;;
    *) [ "$GUEST_LINGER" -gt 0 ] && sleep "$GUEST_LINGER" ;;
esac
sync
reboot -f
echo "REBOOT-FAILED"
while :; do sleep 3600; done
