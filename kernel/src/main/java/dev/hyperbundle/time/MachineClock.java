package dev.hyperbundle.time;

import java.util.PriorityQueue;
import java.util.function.LongSupplier;

/**
 * The {@link VirtualClock} of one machine. Guest time is the host's monotonic time minus the time spent
 * paused. Timers are kept in a deadline queue that the machine's vCPU thread services
 * ({@link #runDue()}) between guest instructions; {@link #setWakeup} installs the hook that kicks the
 * vCPU when a timer is armed earlier than the vCPU's current wait.
 *
 * <p>A manual clock ({@link #manual()}) only moves when {@link #advance} is called, for deterministic tests.
 */
public final class MachineClock implements VirtualClock {
    private final LongSupplier host;
    private final boolean manual;
    private long manualNow;
    private long offset;
    private long pausedAt = -1;
    private final PriorityQueue<TimerImpl> queue = new PriorityQueue<>((a, b) -> Long.compare(a.deadline, b.deadline));
    private long sequence;
    private volatile Runnable wakeup = () -> { };

    private MachineClock(LongSupplier host, boolean manual) {
        this.host = host;
        this.manual = manual;
        this.offset = manual ? 0 : host.getAsLong();
    }

    /** A clock that follows the host's monotonic time from 0 now. */
    public static MachineClock realtime() {
        return new MachineClock(System::nanoTime, false);
    }

    /** A clock that follows the given host nanosecond source (tests drive it by hand). */
    public static MachineClock following(LongSupplier hostNanos) {
        return new MachineClock(hostNanos, false);
    }

    /** A clock that stands still until {@link #advance} is called. */
    public static MachineClock manual() {
        return new MachineClock(null, true);
    }

    @Override
    public synchronized long nanos() {
        if (manual) {
            return manualNow;
        }
        long now = pausedAt >= 0 ? pausedAt : host.getAsLong();
        return now - offset;
    }

    /** Freezes guest time (machine paused). */
    public synchronized void pause() {
        if (!manual && pausedAt < 0) {
            pausedAt = host.getAsLong();
        }
    }

    /** Lets guest time run on from where it stopped. */
    public synchronized void resume() {
        if (!manual && pausedAt >= 0) {
            offset += host.getAsLong() - pausedAt;
            pausedAt = -1;
        }
    }

    /** Moves a manual clock forward (does not run timers: call {@link #runDue()}). */
    public synchronized void advance(long nanos) {
        if (!manual) {
            throw new IllegalStateException("advance() is for manual clocks");
        }
        manualNow += nanos;
    }

    /** Sets guest time (restoring a snapshot). */
    public synchronized void setNanos(long nanos) {
        if (manual) {
            manualNow = nanos;
        } else {
            long now = pausedAt >= 0 ? pausedAt : host.getAsLong();
            offset = now - nanos;
        }
    }

    public void setWakeup(Runnable wakeup) {
        this.wakeup = wakeup;
    }

    /** The earliest armed deadline, or Long.MAX_VALUE. */
    public synchronized long nextDeadline() {
        TimerImpl t = queue.peek();
        return t == null ? Long.MAX_VALUE : t.deadline;
    }

    /** Runs the callbacks of every timer whose deadline has passed, in deadline order. */
    public void runDue() {
        while (true) {
            TimerImpl t;
            synchronized (this) {
                t = queue.peek();
                if (t == null || t.deadline > nanos()) {
                    return;
                }
                queue.poll();
                t.armed = false;
            }
            t.callback.run();
        }
    }

    @Override
    public Timer createTimer(Runnable callback) {
        return new TimerImpl(callback);
    }

    private final class TimerImpl implements Timer {
        final Runnable callback;
        long deadline = Long.MAX_VALUE;
        long order;
        boolean armed;

        TimerImpl(Runnable callback) {
            this.callback = callback;
        }

        @Override
        public void armAt(long deadlineNanos) {
            boolean earliest;
            synchronized (MachineClock.this) {
                if (armed) {
                    queue.remove(this);
                }
                deadline = deadlineNanos;
                order = sequence++;
                armed = true;
                queue.add(this);
                earliest = queue.peek() == this;
            }
            if (earliest) {
                wakeup.run();
            }
        }

        @Override
        public void cancel() {
            synchronized (MachineClock.this) {
                if (armed) {
                    queue.remove(this);
                    armed = false;
                }
                deadline = Long.MAX_VALUE;
            }
        }

        @Override
        public boolean isArmed() {
            synchronized (MachineClock.this) {
                return armed;
            }
        }

        @Override
        public long deadline() {
            synchronized (MachineClock.this) {
                return armed ? deadline : Long.MAX_VALUE;
            }
        }
    }
}
