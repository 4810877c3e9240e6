package dev.hyperbundle.kernel.machine;

import dev.hyperbundle.backend.Vcpu;
import dev.hyperbundle.backend.VcpuException;
import dev.hyperbundle.backend.VcpuExit;
import dev.hyperbundle.time.MachineClock;
import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;

/**
 * The thread that runs one vCPU (QEMU's vCPU thread; accel-ops "kick" and "synchronize state"). Between
 * {@link Vcpu#run()} calls it runs due timers and posted device tasks, waits while the guest is halted,
 * and parks at pause requests, so devices are only ever called from this thread or while it is parked.
 *
 * <p>Timer deadlines reach a running vCPU through an alarm thread that kicks it at the earliest deadline.
 */
public final class VcpuLoop implements Executor {
    /** What ended the loop, or a request the owner handles (reset, power-off). */
    public interface Owner {
        /**
         * A guest reset (i8042, triple fault) or power-off was requested. Called on this thread; returns
         * true to go on running (the owner rebooted the machine), false to end the loop.
         */
        boolean onGuestEnd(boolean powerOff, String reason);

        /** The loop ended because of an error (the vCPU is closed by the owner). */
        void onError(String message, Throwable cause);

        /** The loop has ended (after onGuestEnd returned false, onError, or stop); the vCPU is still open. */
        void onLoopEnd();

        /** The vCPU halted; return true to end the loop (test harnesses end on HLT with IF=0). */
        default boolean onHalted(Vcpu vcpu) {
            return false;
        }
    }

    private static final System.Logger LOG = System.getLogger(VcpuLoop.class.getName());

    private final MachineClock clock;
    private final Owner owner;
    private final Object monitor = new Object();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<FutureTask<?>> control = new ArrayDeque<>();
    private final Set<String> pauseHolders = new LinkedHashSet<>();
    private final Alarm alarm;

    private volatile Vcpu vcpu;
    private volatile Thread thread;
    private long wakeSequence;
    private boolean parked;
    private boolean stopRequested;
    private boolean ended;
    private volatile String resetReason;
    private volatile String powerOffReason;
    private long retiredByClosedVcpus;

    public VcpuLoop(String name, MachineClock clock, Owner owner) {
        this.clock = clock;
        this.owner = owner;
        this.alarm = new Alarm(name + "-alarm", clock, this::kickForTimer);
        clock.setWakeup(this::rescheduleAlarm);
    }

    public void setVcpu(Vcpu v) {
        vcpu = v;
    }

    public Vcpu vcpu() {
        return vcpu;
    }

    public void start(String threadName) {
        Thread t = Thread.ofPlatform().name(threadName).unstarted(this::loop);
        thread = t;
        t.start();
    }

    public boolean onLoopThread() {
        return Thread.currentThread() == thread;
    }

    /** Posts a task to run on the vCPU thread between instructions (wakes a halted vCPU). */
    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        wake();
    }

    /** Makes the vCPU return from run() and the loop re-check its state. Any thread. */
    public void wake() {
        synchronized (monitor) {
            wakeSequence++;
            monitor.notifyAll();
        }
        Vcpu v = vcpu;
        if (v != null) {
            v.kick();
        }
    }

    /**
     * INTR rose or a timer became due earlier: wake a halted loop. On the loop thread itself no kick is
     * needed: either run() is not executing, or a device called from inside run() raised an interrupt the
     * backend checks at the next instruction boundary anyway (a kick would only cost an extra exit, which
     * the guest sees as jitter, e.g. in Linux's PIT calibration of the TSC).
     */
    public void interruptRaised() {
        synchronized (monitor) {
            wakeSequence++;
            monitor.notifyAll();
        }
        Vcpu v = vcpu;
        if (v != null && !onLoopThread()) {
            v.kick();
        }
    }

    public void requestReset(String reason) {
        resetReason = reason;
        wake();
    }

    public void requestPowerOff(String reason) {
        powerOffReason = reason;
        wake();
    }

    /** Adds a pause holder; returns when the vCPU is parked (or the loop is not running). */
    public void pause(String holder) {
        synchronized (monitor) {
            pauseHolders.add(holder);
            wakeSequence++;
            monitor.notifyAll();
        }
        Vcpu v = vcpu;
        if (v != null) {
            v.kick();
        }
        if (onLoopThread()) {
            return; // parks at the next control point
        }
        synchronized (monitor) {
            while (thread != null && !parked && !ended) {
                waitOn(0);
            }
        }
    }

    /** Removes a pause holder; the vCPU runs again when none is left. */
    public void resume(String holder) {
        synchronized (monitor) {
            pauseHolders.remove(holder);
            monitor.notifyAll();
        }
    }

    public boolean paused() {
        synchronized (monitor) {
            return !pauseHolders.isEmpty();
        }
    }

    public Set<String> pauseHolders() {
        synchronized (monitor) {
            return Set.copyOf(pauseHolders);
        }
    }

    /**
     * Runs a task on the vCPU thread while it is parked (pausing it meanwhile), or directly when the loop
     * is not running. Used for hot-swap, backend switch and state reads.
     */
    public <T> T callParked(String holder, Callable<T> task) throws Exception {
        if (onLoopThread()) {
            return task.call();
        }
        boolean direct;
        synchronized (monitor) {
            direct = thread == null || ended;
        }
        if (direct) {
            synchronized (this) {
                return task.call();
            }
        }
        pause(holder);
        FutureTask<T> future = new FutureTask<>(task);
        synchronized (monitor) {
            control.add(future);
            monitor.notifyAll();
        }
        try {
            while (true) {
                synchronized (monitor) {
                    if (future.isDone()) {
                        break;
                    }
                    if (ended) {
                        control.remove(future);
                        synchronized (this) {
                            future.run();
                        }
                        break;
                    }
                    waitOn(50);
                }
            }
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        } finally {
            resume(holder);
        }
    }

    public void stop() {
        synchronized (monitor) {
            stopRequested = true;
            monitor.notifyAll();
        }
        wake();
    }

    public void join() throws InterruptedException {
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            t.join();
        }
    }

    public long instructionsRetired() {
        Vcpu v = vcpu;
        return retiredByClosedVcpus + (v == null ? 0 : v.instructionsRetired());
    }

    /** Called (on the loop thread) when the owner closes a vCPU, so its count is kept. */
    public void retire(Vcpu old) {
        retiredByClosedVcpus += old.instructionsRetired();
    }

    private void loop() {
        boolean halted = false;
        try {
            while (true) {
                if (!controlPoint()) {
                    break;
                }
                // Read before timers and tasks run: an interrupt they raise must end a halt, not wait for the next one.
                long sequence;
                synchronized (monitor) {
                    sequence = wakeSequence;
                }
                clock.runDue();
                Runnable task;
                while ((task = tasks.poll()) != null) {
                    task.run();
                }
                if (resetReason != null || powerOffReason != null) {
                    boolean powerOff = powerOffReason != null;
                    String reason = powerOff ? powerOffReason : resetReason;
                    resetReason = null;
                    powerOffReason = null;
                    if (!owner.onGuestEnd(powerOff, reason)) {
                        break;
                    }
                    halted = false;
                    continue;
                }
                if (halted) {
                    waitForEvent(sequence);
                    halted = false;
                    continue;
                }
                rescheduleAlarm();
                VcpuExit exit = vcpu.run();
                if (exit == VcpuExit.HALTED) {
                    if (owner.onHalted(vcpu)) {
                        break;
                    }
                    halted = true;
                } else if (exit == VcpuExit.SHUTDOWN) {
                    resetReason = "triple fault";
                }
            }
        } catch (VcpuException e) {
            owner.onError(e.getMessage(), e);
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "vCPU thread failed", t);
            owner.onError("internal error in the vCPU thread: " + t, t);
        } finally {
            synchronized (monitor) {
                ended = true;
                parked = false;
                monitor.notifyAll();
            }
            alarm.shutdown();
            owner.onLoopEnd();
        }
    }

    /** Parks while paused, running control tasks; returns false when the loop must end. */
    private boolean controlPoint() {
        synchronized (monitor) {
            if (pauseHolders.isEmpty() && control.isEmpty()) {
                return !stopRequested;
            }
            clock.pause();
            parked = true;
            monitor.notifyAll();
            try {
                while ((!pauseHolders.isEmpty() || !control.isEmpty()) && !stopRequested) {
                    FutureTask<?> next = control.poll();
                    if (next != null) {
                        next.run();
                        monitor.notifyAll();
                        continue;
                    }
                    waitOn(0);
                }
            } finally {
                parked = false;
                clock.resume();
            }
            return !stopRequested;
        }
    }

    /** Halted: wait for a wake-up (interrupt, task, control request) or the next timer deadline. */
    private void waitForEvent(long sequence) {
        synchronized (monitor) {
            while (wakeSequence == sequence && pauseHolders.isEmpty() && control.isEmpty() && !stopRequested) {
                long deadline = clock.nextDeadline();
                long now = clock.nanos();
                if (deadline <= now) {
                    return;
                }
                long waitNanos = Math.min(deadline - now, 1_000_000_000L);
                waitOn(waitNanos);
            }
        }
    }

    private void waitOn(long nanos) {
        try {
            if (nanos <= 0) {
                monitor.wait();
            } else {
                monitor.wait(nanos / 1_000_000, (int) (nanos % 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopRequested = true;
        }
    }

    /** Tells the alarm thread the earliest timer deadline. */
    private void rescheduleAlarm() {
        alarm.set(clock.nextDeadline());
    }

    /** The alarm thread found a deadline passed: wake the loop (and kick the running vCPU). */
    private void kickForTimer() {
        synchronized (monitor) {
            wakeSequence++;
            monitor.notifyAll();
        }
        Vcpu v = vcpu;
        if (v != null) {
            v.kick();
        }
    }
}
