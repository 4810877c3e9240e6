#!/usr/bin/env bash
# Build Hyperbundle's default test guest from Debian packages:
#   out/vmlinuz            Debian's i386 "686" kernel, unmodified
#   out/initramfs.cpio.gz  busybox-static (i386) + init.sh as /init + the virtio modules
# Usage: guests/build.sh [--force]     (see guests/README.md)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=$HERE/out
DEBS=$OUT/debs          # downloaded .deb files (kept as a cache)
WORK=$OUT/work          # unpacked parts of the packages, initramfs tree
ARCH=i386
KERNEL_META=${GUEST_KERNEL_META:-linux-image-686}    # Debian metapackage naming the current 686 kernel
MODULES=(virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci
         failover net_failover virtio_net virtio_blk virtio_console virtio-rng)
MTIME=${SOURCE_DATE_EPOCH:-0}  # timestamp of every initramfs entry (reproducible output)

say() { echo "guests: $*"; }
die() { echo "guests: error: $*" >&2; exit 1; }

FORCE=0
for arg in "$@"; do
    case "$arg" in
        --force) FORCE=1 ;;
        -h|--help) sed -n '2,5s/^# \{0,1\}//p' "$0"; exit 0 ;;
        *) die "unknown argument '$arg' (usage: $0 [--force])" ;;
    esac
done

for tool in apt-get apt-cache dpkg dpkg-deb tar gzip python3; do
    command -v "$tool" > /dev/null || die "'$tool' not found; this recipe needs a Debian-based host with apt and python3"
done

VMLINUZ=$OUT/vmlinuz
INITRD=$OUT/initramfs.cpio.gz
mkdir -p "$OUT" "$DEBS" "$WORK"

done_line() {
    say "done: $VMLINUZ ($(stat -c %s "$VMLINUZ") bytes), $INITRD ($(stat -c %s "$INITRD") bytes)"
}

# Up to date: both outputs exist and the initramfs is newer than its inputs.
if [ "$FORCE" = 0 ] && [ -s "$VMLINUZ" ] && [ -s "$INITRD" ] \
   && [ ! "$HERE/init.sh" -nt "$INITRD" ] && [ ! "$HERE/mkcpio.py" -nt "$INITRD" ] \
   && [ ! "$HERE/moddeps.py" -nt "$INITRD" ]; then
    say "up to date (use --force to rebuild)"
    done_line
    exit 0
fi
if [ "$FORCE" = 1 ]; then
    rm -rf "$WORK" "$VMLINUZ" "$INITRD" "$OUT/config" "$OUT/System.map" "$OUT/manifest.txt"
    mkdir -p "$WORK"
fi

IS_ROOT=0
[ "$(id -u)" = 0 ] && IS_ROOT=1
APT_LOG=$OUT/apt.log

# Last apt error line, for one-line messages.
apt_error() { { grep -E '^E:' "$APT_LOG" 2>/dev/null || echo "(no error message)"; } | head -n1 | cut -c1-240; }

# ---- 1. apt must know i386 packages ------------------------------------------------
if ! dpkg --print-foreign-architectures | grep -qx "$ARCH" && [ "$(dpkg --print-architecture)" != "$ARCH" ]; then
    if [ "$IS_ROOT" = 1 ]; then
        say "enabling the $ARCH architecture in dpkg"
        dpkg --add-architecture "$ARCH"
    else
        die "apt does not know $ARCH packages; run as root once: dpkg --add-architecture $ARCH && apt-get update (or run this script as root)"
    fi
fi

apt_update() {
    [ "$IS_ROOT" = 1 ] || die "apt package lists lack $*; run as root: apt-get update (or run this script as root)"
    say "updating apt package lists (apt-get update)"
    if ! apt-get update > "$APT_LOG" 2>&1; then
        # A partial failure (one mirror index) is fine if what we need is now known.
        say "warning: apt-get update reported errors, continuing with the lists it has: $(apt_error)"
    fi
}

known() { apt-cache show "$1:$ARCH" > /dev/null 2>&1; }

# The metapackage depends on the versioned image package, e.g. linux-image-6.1.0-50-686.
kernel_package() {
    apt-cache depends "$KERNEL_META:$ARCH" 2>/dev/null \
        | sed -n 's/^ *Depends: \(linux-image-[^: ]*\).*/\1/p' | head -n1
}

if ! known "$KERNEL_META" || ! known busybox-static; then
    apt_update "$KERNEL_META:$ARCH / busybox-static:$ARCH"
fi
known "$KERNEL_META" || die "no package $KERNEL_META:$ARCH in the apt lists (wrong name, or network or mirror problem: $(apt_error); see $APT_LOG)"
known busybox-static || die "no package busybox-static:$ARCH in the apt lists (network or mirror problem: $(apt_error); see $APT_LOG)"
KPKG=$(kernel_package || true)
[ -n "$KPKG" ] || die "cannot tell which kernel package $KERNEL_META:$ARCH depends on"
# Prefer the -unsigned package: same kernel, without the appended Secure Boot signature.
known "$KPKG-unsigned" && KPKG=$KPKG-unsigned

candidate() { apt-cache policy "$1:$ARCH" | sed -n 's/^ *Candidate: //p'; }
KVER=$(candidate "$KPKG")
BBVER=$(candidate busybox-static)

# ---- 2. download ------------------------------------------------------------------
# apt-get download names files <pkg>_<version with ':' as %3a>_<arch>.deb
deb_path() { echo "$DEBS/${1}_${2//:/%3a}_$ARCH.deb"; }

download() {    # download PACKAGE VERSION
    local f
    f=$(deb_path "$1" "$2")
    if [ -s "$f" ]; then
        return 0
    fi
    say "downloading $1 $2 ($ARCH)"
    # (as root, apt warns in apt.log that it downloads "unsandboxed": harmless)
    if ! (cd "$DEBS" && apt-get download -q "$1:$ARCH=$2") > "$APT_LOG" 2>&1; then
        if [ "$IS_ROOT" = 1 ]; then     # stale lists can point at a version the mirror dropped
            apt_update "$1:$ARCH"
            if (cd "$DEBS" && apt-get download -q "$1:$ARCH") >> "$APT_LOG" 2>&1; then
                f=$(ls -t "$DEBS/${1}"_*_"$ARCH".deb 2>/dev/null | head -n1 || true)
                [ -s "$f" ] && return 0
            fi
        fi
        die "apt-get download $1:$ARCH failed (network or mirror problem?): $(apt_error)"
    fi
    [ -s "$f" ] || die "apt-get download $1:$ARCH did not produce $f"
}

download "$KPKG" "$KVER"
download busybox-static "$BBVER"
KDEB=$(deb_path "$KPKG" "$KVER")
BBDEB=$(deb_path busybox-static "$BBVER")
[ -s "$KDEB" ] || KDEB=$(ls -t "$DEBS/${KPKG}"_*_"$ARCH".deb 2>/dev/null | head -n1 || true)
[ -s "$BBDEB" ] || BBDEB=$(ls -t "$DEBS/busybox-static"_*_"$ARCH".deb 2>/dev/null | head -n1 || true)
[ -s "$KDEB" ] && [ -s "$BBDEB" ] || die "downloaded packages not found in $DEBS"

# ---- 3. extract ---------------------------------------------------------------------
KTREE=$WORK/kernel
BBTREE=$WORK/busybox
STAMP=$WORK/unpacked-from
UNPACKED="$(basename "$KDEB") $(basename "$BBDEB")"

unpack() {      # unpack DEB DIR PATTERN...   (only the members matching the patterns)
    local deb=$1 dir=$2
    shift 2
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir" --wildcards --no-same-owner "$@" \
        || die "cannot unpack $(basename "$deb") (damaged download? delete it and retry)"
}
# tar patterns for module files; '-' and '_' are the same in module names
mod_patterns() { local m; for m in "$@"; do m=${m//-/_}; echo "*/${m//_/[-_]}.ko*"; done; }

if [ "$(cat "$STAMP" 2>/dev/null)" = "$UNPACKED" ]; then
    say "extracting: already done for $UNPACKED"
else
    say "extracting $UNPACKED"
    rm -rf "$KTREE" "$BBTREE" "$STAMP"
    mkdir -p "$KTREE" "$BBTREE"
    mapfile -t PATTERNS < <(mod_patterns "${MODULES[@]}")
    unpack "$KDEB" "$KTREE" './boot/vmlinuz-*' './boot/config-*' './boot/System.map-*' \
        '*/modules.order' '*/modules.builtin' "${PATTERNS[@]}"
    unpack "$BBDEB" "$BBTREE" './bin/busybox'
    echo "$UNPACKED" > "$STAMP"
fi

KIMG=$(ls "$KTREE"/boot/vmlinuz-* 2>/dev/null | head -n1 || true)
[ -n "$KIMG" ] || die "$(basename "$KDEB") has no /boot/vmlinuz-*"
KREL=${KIMG##*/vmlinuz-}
MODDIR=$(ls -d "$KTREE"/lib/modules/"$KREL" "$KTREE"/usr/lib/modules/"$KREL" 2>/dev/null | head -n1 || true)
[ -n "$MODDIR" ] || die "$(basename "$KDEB") has no modules for $KREL"
[ -x "$BBTREE/bin/busybox" ] || die "$(basename "$BBDEB") has no /bin/busybox"

cp "$KIMG" "$VMLINUZ.tmp" && mv "$VMLINUZ.tmp" "$VMLINUZ"
cp "$KTREE/boot/config-$KREL" "$OUT/config" 2>/dev/null || true
cp "$KTREE/boot/System.map-$KREL" "$OUT/System.map" 2>/dev/null || true

# ---- 4. initramfs -------------------------------------------------------------------
say "building initramfs (busybox $BBVER, modules of $KREL)"
ROOTFS=$WORK/rootfs
STAGE=$ROOTFS/lib/modules/$KREL
rm -rf "$ROOTFS"
mkdir -p "$STAGE"
# copy the modules and what they depend on; unpack more if a dependency is not there yet
for attempt in 1 2 3 4; do
    set +e
    python3 "$HERE/moddeps.py" "$MODDIR" "$STAGE" "${MODULES[@]}" > "$WORK/moddeps.out" 2> "$WORK/moddeps.err"
    rc=$?
    set -e
    [ "$rc" = 0 ] && break
    missing=$(sed -n 's/^missing: //p' "$WORK/moddeps.err")
    [ "$rc" = 3 ] && [ -n "$missing" ] && [ "$attempt" -lt 4 ] \
        || die "module selection failed: $(tail -n1 "$WORK/moddeps.err")"
    # shellcheck disable=SC2086
    mapfile -t PATTERNS < <(mod_patterns $missing)
    dpkg-deb --fsys-tarfile "$KDEB" | tar -x -C "$KTREE" --wildcards --no-same-owner "${PATTERNS[@]}" 2> /dev/null || true
done
DEPMOD=$(command -v depmod || ls /sbin/depmod /usr/sbin/depmod 2>/dev/null | head -n1 || true)
DEPINFO="modules.dep written by moddeps.py (no depmod on the build host)"
if [ -n "$DEPMOD" ]; then
    # depmod wants <base>/lib/modules/<release>; keep only modules.dep from what it writes
    if "$DEPMOD" -b "$ROOTFS" "$KREL" 2> "$WORK/depmod.err"; then
        find "$STAGE" -maxdepth 1 -name 'modules.*' ! -name modules.dep ! -name modules.guest-order -delete
        DEPINFO="modules.dep written by $("$DEPMOD" --version 2>/dev/null | head -n1)"
    else
        say "warning: depmod failed, keeping moddeps.py's modules.dep: $(tail -n1 "$WORK/depmod.err")"
    fi
fi

LIST=$WORK/initramfs.list
{
    echo "# generated by guests/build.sh"
    for d in bin sbin usr usr/bin usr/sbin dev proc sys root tmp; do
        case $d in root) m=700 ;; tmp) m=1777 ;; *) m=755 ;; esac
        echo "dir /$d $m 0 0"
    done
    echo "nod /dev/console 600 0 0 c 5 1"
    echo "nod /dev/null 666 0 0 c 1 3"
    echo "file /bin/busybox $BBTREE/bin/busybox 755 0 0"
    echo "slink /bin/sh busybox 777 0 0"
    echo "file /init $HERE/init.sh 755 0 0"
    (cd "$ROOTFS" && find lib -type d | sort | sed 's|^\(.*\)$|dir /\1 755 0 0|')
    (cd "$ROOTFS" && find lib -type f | sort | while read -r f; do echo "file /$f $ROOTFS/$f 644 0 0"; done)
} > "$LIST"
python3 "$HERE/mkcpio.py" --mtime "$MTIME" -o "$INITRD" "$LIST"

{
    echo "kernel     $KPKG $KVER ($ARCH), /boot/vmlinuz-$KREL"
    echo "busybox    busybox-static $BBVER ($ARCH), /bin/busybox"
    echo "modules    $(sed 's|.*/||' "$STAGE/modules.guest-order" | tr '\n' ' ')"
    echo "depmod     $DEPINFO"
    echo "cmdline    console=ttyS0 reboot=k panic=-1 acpi=off nolapic [guest.mode=test|bench|clock]"
    (cd "$OUT" && sha256sum vmlinuz initramfs.cpio.gz)
} > "$OUT/manifest.txt"
done_line
