package dev.hyperbundle.legacy.pit;

/**
 * The 8254's CLK input, 1.193182 MHz, as a function of guest nanoseconds. Tick k begins at the first
 * nanosecond t with {@code ticks(t) >= k}, so converting in both directions never drifts.
 */
final class PitClock {
    static final long HZ = 1_193_182;
    private static final long NS_PER_S = 1_000_000_000L;

    private PitClock() {
    }

    /** Input clock edges from guest time 0 up to nanos: floor(nanos * HZ / 1e9). */
    static long ticks(long nanos) {
        return Math.floorDiv(nanos, NS_PER_S) * HZ + Math.floorMod(nanos, NS_PER_S) * HZ / NS_PER_S;
    }

    /** The first guest nanosecond at which {@link #ticks} reaches tick: ceil(tick * 1e9 / HZ). */
    static long nanosAt(long tick) {
        long whole = Math.floorDiv(tick, HZ);
        long rest = Math.floorMod(tick, HZ);
        return whole * NS_PER_S + (rest * NS_PER_S + HZ - 1) / HZ;
    }
}
