package dev.hyperbundle.kernel.machine;

import dev.hyperbundle.time.MachineClock;
import java.util.concurrent.locks.LockSupport;

/**
 * A thread that calls {@code onDeadline} when guest time reaches the deadline it was given. Setting a
 * deadline is a volatile write, plus an unpark only when the new deadline is earlier than the one the
 * thread sleeps for: the vCPU thread re-arms it on every timer tick, so this must be cheap.
 */
final class Alarm {
    private final MachineClock clock;
    private final Runnable onDeadline;
    private final Thread thread;
    private volatile long deadline = Long.MAX_VALUE;
    private volatile boolean stopped;
    /** The deadline the alarm last fired for: it fires once per deadline, then sleeps until a new one. */
    private volatile long fired = Long.MIN_VALUE;

    Alarm(String name, MachineClock clock, Runnable onDeadline) {
        this.clock = clock;
        this.onDeadline = onDeadline;
        this.thread = Thread.ofPlatform().daemon().name(name).start(this::loop);
    }

    void set(long newDeadline) {
        long old = deadline;
        if (newDeadline == old) {
            return;
        }
        deadline = newDeadline;
        // Wake the thread when it sleeps too long: for a later deadline (it would fire early and re-check,
        // which is fine) no unpark is needed, unless it sleeps without a timeout (no deadline, or fired).
        if (newDeadline < old || old == Long.MAX_VALUE || old == fired) {
            LockSupport.unpark(thread);
        }
    }

    void shutdown() {
        stopped = true;
        LockSupport.unpark(thread);
    }

    private void loop() {
        while (!stopped) {
            long d = deadline;
            if (d == Long.MAX_VALUE || d == fired) {
                LockSupport.park(this);
                continue;
            }
            long wait = d - clock.nanos();
            if (wait <= 0) {
                fired = d;
                onDeadline.run();
            } else {
                // Guest time stands still while paused: sleeping longer than needed is harmless then.
                LockSupport.parkNanos(this, wait);
            }
        }
    }
}
