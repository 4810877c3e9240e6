package dev.hyperbundle.virtio.core;

/** Transport- and device-independent feature bits (VIRTIO 1.2, 6 "Reserved Feature Bits"). */
public final class VirtioFeatures {
    public static final int INDIRECT_DESC = 28;
    public static final int EVENT_IDX = 29;
    public static final int VERSION_1 = 32;
    public static final int ACCESS_PLATFORM = 33;

    /** What every device built on the core offers. */
    public static final long COMMON = bit(INDIRECT_DESC) | bit(EVENT_IDX) | bit(VERSION_1);

    private VirtioFeatures() {
    }

    public static long bit(int n) {
        return 1L << n;
    }

    public static boolean has(long features, int n) {
        return (features & bit(n)) != 0;
    }
}
