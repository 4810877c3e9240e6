package dev.hyperbundle.time;

/**
 * Guest time: nanoseconds since the machine was created, advancing with the host's monotonic clock
 * while the machine runs (whatever the backend, and also while the vCPU is halted) and standing still
 * while it is paused, so a pause, a hot-swap or a backend switch is invisible to the guest.
 *
 * <p>Timer callbacks run on the machine's vCPU thread between guest instructions, never concurrently
 * with a device access, so device models need no locks of their own.
 */
public interface VirtualClock {
    /** The guest time-stamp counter frequency every backend presents: 1 GHz, so TSC ticks = nanoseconds. */
    long TSC_HZ = 1_000_000_000L;

    long nanos();

    /** A timer that calls callback when the clock reaches its deadline. */
    Timer createTimer(Runnable callback);
}
