package dev.hyperbundle.cpu;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * The CPU model every backend presents, as the table CPUID answers from (the hardware-assist backend
 * hands the same table to KVM_SET_CPUID2, so a guest cannot tell which backend runs it).
 *
 * <p>The default model is an i686 without MMX or SSE: GenuineIntel family 6, model 6, stepping 3 (the
 * signature QEMU's {@code qemu32} model uses), with exactly the features the emulating backends
 * implement. Devices may add leaves (the paravirtual interface adds 0x40000000-0x40000001) and set
 * feature bits before the machine starts.
 */
public final class CpuidTable {
    /** CPUID.1:EDX feature bits (Intel SDM Vol. 2A, CPUID, table "Feature Information Returned in EDX"). */
    public static final int EDX_FPU = 1, EDX_DE = 1 << 2, EDX_PSE = 1 << 3, EDX_TSC = 1 << 4, EDX_MSR = 1 << 5,
            EDX_CX8 = 1 << 8, EDX_APIC = 1 << 9, EDX_SEP = 1 << 11, EDX_PGE = 1 << 13, EDX_CMOV = 1 << 15,
            EDX_FXSR = 1 << 24;
    /** CPUID.1:ECX bit 31: a hypervisor is present (reserved for this use by Intel and AMD). */
    public static final int ECX_HYPERVISOR = 1 << 31;

    public static final int SIGNATURE_FAMILY6_MODEL6_STEPPING3 = 0x663;

    private final TreeMap<Long, int[]> leaves = new TreeMap<>(Long::compareUnsigned);

    /** Highest basic leaf: the TSC and processor frequency leaves 0x15 and 0x16 are the last ones. */
    public static final int MAX_BASIC_LEAF = 0x16;

    /**
     * The default i686 model.
     *
     * <p>It reports its TSC frequency (1 GHz, {@code VirtualClock.TSC_HZ}) in leaves 0x15 (TSC/crystal ratio
     * and crystal frequency) and 0x16 (base frequency in MHz), so Linux takes it as known
     * (X86_FEATURE_TSC_KNOWN_FREQ, arch/x86/kernel/tsc.c native_calibrate_tsc) instead of measuring it
     * against the PIT. Measuring works on hardware, whose TSC read costs nanoseconds; a VMM's guest TSC
     * comes from the host clock, which costs 0.7-3 microseconds per read on virtualized hosts (measured on
     * these machines) and stalls when the host schedules the vCPU thread out, and Linux rejects such
     * noisy samples (pit_calibrate_tsc: "tscmax > 10 * tscmin"). Leaves 2-0x14 read as zero: no cache
     * descriptors, no extended features (SDM Vol. 2A, CPUID: reserved leaves return 0).
     */
    public static CpuidTable i686() {
        CpuidTable t = new CpuidTable();
        t.set(0, 0, MAX_BASIC_LEAF, ascii("Genu"), ascii("ntel"), ascii("ineI"));
        int features = EDX_FPU | EDX_DE | EDX_PSE | EDX_TSC | EDX_MSR | EDX_CX8 | EDX_SEP | EDX_PGE | EDX_CMOV | EDX_FXSR;
        t.set(1, 0, SIGNATURE_FAMILY6_MODEL6_STEPPING3, 0, 0, features);
        // Leaf 0x15: TSC = crystal * EBX / EAX with the crystal in ECX (Hz): 1 GHz * 1 / 1.
        t.set(0x15, 0, 1, 1, (int) dev.hyperbundle.time.VirtualClock.TSC_HZ, 0);
        // Leaf 0x16: base and maximum frequency in MHz.
        int mhz = (int) (dev.hyperbundle.time.VirtualClock.TSC_HZ / 1_000_000);
        t.set(0x16, 0, mhz, mhz, 0, 0);
        t.set(0x80000000, 0, 0x80000004, 0, 0, 0);
        t.set(0x80000001, 0, 0, 0, 0, 0);
        byte[] brand = "Hyperbundle Virtual CPU i686".getBytes(StandardCharsets.US_ASCII);
        byte[] padded = new byte[48];
        System.arraycopy(brand, 0, padded, 0, brand.length);
        for (int leaf = 0; leaf < 3; leaf++) {
            int[] r = new int[4];
            for (int i = 0; i < 4; i++) {
                r[i] = le32(padded, leaf * 16 + i * 4);
            }
            t.set(0x80000002 + leaf, 0, r[0], r[1], r[2], r[3]);
        }
        return t;
    }

    private static int ascii(String four) {
        return le32(four.getBytes(StandardCharsets.US_ASCII), 0);
    }

    private static int le32(byte[] b, int o) {
        return (b[o] & 0xff) | (b[o + 1] & 0xff) << 8 | (b[o + 2] & 0xff) << 16 | (b[o + 3] & 0xff) << 24;
    }

    private static long key(int leaf, int subleaf) {
        return (Integer.toUnsignedLong(leaf) << 32) | Integer.toUnsignedLong(subleaf);
    }

    /** Sets the answer for (leaf, subleaf). Leaves without subleaves use subleaf 0. */
    public synchronized void set(int leaf, int subleaf, int eax, int ebx, int ecx, int edx) {
        leaves.put(key(leaf, subleaf), new int[] {eax, ebx, ecx, edx});
    }

    /** ORs bits into one register (0 = EAX ... 3 = EDX) of an existing leaf. */
    public synchronized void setBits(int leaf, int register, int bits) {
        int[] r = leaves.get(key(leaf, 0));
        if (r == null) {
            throw new IllegalArgumentException(String.format("CPUID leaf 0x%x is not defined", leaf));
        }
        r[register] |= bits;
    }

    /** Clears bits in one register of an existing leaf. */
    public synchronized void clearBits(int leaf, int register, int bits) {
        int[] r = leaves.get(key(leaf, 0));
        if (r != null) {
            r[register] &= ~bits;
        }
    }

    /**
     * What CPUID returns for EAX = leaf, ECX = subleaf: {eax, ebx, ecx, edx}. A leaf above the highest
     * basic or extended leaf returns the highest basic leaf's data, as Intel processors do (SDM Vol. 2A,
     * CPUID: "If a value entered for CPUID.EAX is higher than the maximum input value ..."); an undefined
     * leaf below the maximum of its range, or an undefined subleaf of a defined leaf, returns zeros.
     */
    public synchronized int[] query(int leaf, int subleaf) {
        int[] r = leaves.get(key(leaf, subleaf));
        if (r == null) {
            r = leaves.get(key(leaf, 0));
            if (r != null && hasSubleaves(leaf)) {
                return new int[4];
            }
        }
        if (r == null && withinRange(leaf)) {
            return new int[4];
        }
        if (r == null) {
            int maxBasic = leaves.get(key(0, 0))[0];
            r = leaves.get(key(maxBasic, 0));
        }
        return r.clone();
    }

    /** True when leaf is at most the maximum leaf its range (basic, 0x4..., 0x8...) reports. */
    private boolean withinRange(int leaf) {
        int base = leaf & 0xf0000000;
        int[] first = leaves.get(key(base == 0x40000000 || base == 0x80000000 ? base : 0, 0));
        return first != null && Integer.compareUnsigned(leaf, first[0]) <= 0
                && (base == 0 ? Integer.compareUnsigned(leaf, 0x40000000) < 0 : true);
    }

    private boolean hasSubleaves(int leaf) {
        Map.Entry<Long, int[]> next = leaves.higherEntry(key(leaf, 0));
        return next != null && (next.getKey() >>> 32) == Integer.toUnsignedLong(leaf);
    }

    /** Every defined (leaf, subleaf) with its answer, in order: {leaf, subleaf, eax, ebx, ecx, edx}. */
    public synchronized java.util.List<int[]> entries() {
        java.util.List<int[]> out = new java.util.ArrayList<>();
        leaves.forEach((k, r) -> out.add(new int[] {(int) (k >>> 32), (int) (long) k, r[0], r[1], r[2], r[3]}));
        return out;
    }

    /** The family/model/stepping signature (CPUID.1:EAX), which EDX holds after RESET. */
    public int signature() {
        return query(1, 0)[0];
    }

    public boolean hasFeature(int edxBit) {
        return (query(1, 0)[3] & edxBit) != 0;
    }
}
