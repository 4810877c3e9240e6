package dev.hyperbundle.legacy.pit;

import dev.hyperbundle.bus.BusDevice;
import dev.hyperbundle.device.Device;
import dev.hyperbundle.device.DeviceState;
import dev.hyperbundle.device.DeviceStateException;
import dev.hyperbundle.device.StateReader;
import dev.hyperbundle.device.StateWriter;
import dev.hyperbundle.irq.IrqLine;
import dev.hyperbundle.time.Timer;
import dev.hyperbundle.time.VirtualClock;

/**
 * The PC's 8254 PIT (0x40-0x43) and system control port B (0x61). Counter 0's OUT drives IRQ 0 as a
 * line level; counter 1 is the (unused) refresh counter; counter 2's GATE is port B bit 0 and its OUT
 * reads back as port B bit 5. Counts come from the virtual clock; a timer is armed for the next OUT0
 * edge only, so IRQ 0 arrives at exactly 1193182/count per guest second under every CPU backend.
 */
final class Pit8254 implements Device {
    static final String TYPE = "pit";
    /** Version 2 added the re-injection state (lost ticks, awaiting acknowledge); version 1 reads as none. */
    static final int STATE_VERSION = 2;
    /**
     * Periodic IRQ 0 edges closer than this are coalesced into one (the counters stay exact): a guest
     * that programs a tiny count must not starve its own vCPU (KVM's in-kernel PIT has the same guard,
     * min_timer_period_us).
     */
    static final long MIN_IRQ_INTERVAL_NS = 20_000;
    /** DRAM refresh request flip-flop (port B bit 4): toggles every 18 clocks (15.09 us) as on a PC/AT. */
    private static final int REFRESH_TICKS = 18;

    private final VirtualClock clock;
    private final IrqLine irq0;
    private final Timer timer;
    private final PitChannel[] channels = {new PitChannel(), new PitChannel(), new PitChannel()};
    private int portB;
    private boolean irqLevel;
    private long servicedTick;
    /**
     * Tick re-injection (KVM's in-kernel PIT "reinject" policy): periodic IRQ 0 edges that came while the
     * previous one was not yet acknowledged by the CPU, or while the vCPU could not run (a guest that keeps
     * interrupts off for longer than a tick runs far slower here than on hardware). Each acknowledge
     * delivers one of them, so the guest's jiffies keep up with its clock.
     */
    private int lostTicks;
    private boolean awaitingAck;
    /** At most this many ticks are re-injected (about 0.4 s at HZ=250); older ones are dropped. */
    static final int MAX_LOST_TICKS = 100;

    Pit8254(VirtualClock clock, IrqLine irq0, java.util.function.Function<Runnable, Timer> timers) {
        this.clock = clock;
        this.irq0 = irq0;
        this.timer = timers.apply(this::serviceIrq0);
        irq0.setAcknowledgeListener(this::irq0Acknowledged);
        powerOn();
        armTimer(); // create() must not touch the line: a hot-swapped instance inherits its level
    }

    private void powerOn() {
        long now = now();
        lostTicks = 0;
        awaitingAck = false;
        channels[0].powerOn(true, 3, 0, now);
        channels[1].powerOn(true, 2, REFRESH_TICKS, now);
        channels[2].powerOn(false, 3, 0, now);
        portB = 0;
        servicedTick = now;
    }

    private long now() {
        return PitClock.ticks(clock.nanos());
    }

    // ---- IRQ 0 ----

    /** Catches IRQ 0 up with OUT0 (from the last service to now) and arms the timer for its next edge. */
    private void serviceIrq0() {
        long now = now();
        PitChannel c0 = channels[0];
        long edges = c0.risingEdgesBetween(servicedTick, now);
        boolean out = c0.out(now);
        if (edges > 0) {
            // Edges beyond the one delivered now are lost in the PIC's IRR, and so is this one when the
            // previous edge is not acknowledged yet.
            long lost = awaitingAck ? edges : edges - 1;
            lostTicks = (int) Math.min(lostTicks + lost, MAX_LOST_TICKS);
            deliverEdge();
        }
        if (out != irqLevel) {
            irq0.set(out);
            irqLevel = out;
        }
        servicedTick = now;
        armTimer();
    }

    /** A rising edge on IRQ 0, whatever the line's level was (the PIC latches the edge). */
    private void deliverEdge() {
        if (irqLevel) {
            irq0.lower();
        }
        irq0.raise();
        irqLevel = true;
        awaitingAck = true;
    }

    /** The CPU took IRQ 0: deliver one re-injected tick, if any, and follow OUT0 again. */
    private void irq0Acknowledged() {
        awaitingAck = false;
        if (lostTicks > 0 && isPeriodic()) {
            lostTicks--;
            deliverEdge();
            boolean out = channels[0].out(now());
            if (out != irqLevel) {
                irq0.set(out);
                irqLevel = out;
            }
        } else if (!isPeriodic()) {
            lostTicks = 0;
        }
    }

    private boolean isPeriodic() {
        int mode = channels[0].mode();
        return mode == 2 || mode == 3;
    }

    private void armTimer() {
        long next = channels[0].nextEvent(servicedTick);
        if (next == PitChannel.NEVER) {
            timer.cancel();
            return;
        }
        long deadline = PitClock.nanosAt(next);
        int mode = channels[0].mode();
        if (mode == 2 || mode == 3) {
            deadline = Math.max(deadline, PitClock.nanosAt(servicedTick) + MIN_IRQ_INTERVAL_NS);
        }
        timer.armAt(deadline);
    }

    // ---- ports ----

    BusDevice timerPorts() {
        return new BusDevice() {
            @Override
            public long read(long offset, int size) {
                long v = 0;
                for (int i = 0; i < size; i++) {
                    v |= (long) readByte((int) offset + i) << (8 * i);
                }
                return v;
            }

            @Override
            public void write(long offset, int size, long value) {
                for (int i = 0; i < size; i++) {
                    writeByte((int) offset + i, (int) (value >>> (8 * i)) & 0xff);
                }
            }
        };
    }

    BusDevice portBPort() {
        return new BusDevice() {
            @Override
            public long read(long offset, int size) {
                long v = readPortB();
                return size == 1 ? v : v | (-1L << 8) & ((1L << (8 * size)) - 1);
            }

            @Override
            public void write(long offset, int size, long value) {
                writePortB((int) value & 0xff);
            }
        };
    }

    private int readByte(int port) {
        if (port < 0 || port > 2) {
            return 0xff; // the control word register is write-only: the data bus floats
        }
        int v = channels[port].read(now());
        if (port == 0) {
            serviceIrq0();
        }
        return v;
    }

    private void writeByte(int port, int value) {
        long now = now();
        serviceIrq0(); // edges up to now belong to the old programming
        if (port >= 0 && port <= 2) {
            channels[port].write(value, now);
        } else if (port == 3) {
            writeControl(value, now);
        }
        serviceIrq0();
    }

    private void writeControl(int value, long now) {
        int select = value >> 6;
        if (select == 3) {
            // 82C54 "Read-Back Command": bit 5 = 0 latches counts, bit 4 = 0 latches status, bits 3-1 pick counters.
            for (int i = 0; i < 3; i++) {
                if ((value & (2 << i)) != 0) {
                    if ((value & 0x20) == 0) {
                        channels[i].latchCount(now);
                    }
                    if ((value & 0x10) == 0) {
                        channels[i].latchStatus(now);
                    }
                }
            }
        } else if ((value & 0x30) == 0) {
            channels[select].latchCount(now); // "Counter Latch Command"
        } else {
            channels[select].writeControl(value, now);
        }
    }

    /** Port B: bits 0-3 as written (gate 2, speaker data, parity/channel-check enables), 4 refresh, 5 OUT2. */
    int readPortB() {
        long now = now();
        int refresh = (int) ((now / REFRESH_TICKS) & 1);
        int out2 = channels[2].out(now) ? 1 : 0;
        return (portB & 0x0f) | refresh << 4 | out2 << 5;
    }

    void writePortB(int value) {
        portB = value & 0x0f;
        channels[2].setGate((value & 1) != 0, now());
    }

    // ---- Device ----

    @Override
    public DeviceState saveState() {
        StateWriter w = new StateWriter();
        for (PitChannel c : channels) {
            c.save(w);
        }
        w.putInt(portB).putBoolean(irqLevel).putLong(servicedTick).putLong(timer.deadline());
        w.putInt(lostTicks).putBoolean(awaitingAck);
        return w.toState(TYPE, STATE_VERSION);
    }

    @Override
    public void restoreState(DeviceState state) throws DeviceStateException {
        StateReader r = state.reader(TYPE, STATE_VERSION);
        for (PitChannel c : channels) {
            c.restore(r);
        }
        portB = r.getInt() & 0x0f;
        boolean level = r.getBoolean();
        servicedTick = r.getLong();
        r.getLong(); // the deadline follows from the counter state; re-armed below
        if (state.version() >= 2) {
            lostTicks = Math.clamp(r.getInt(), 0, MAX_LOST_TICKS);
            awaitingAck = r.getBoolean();
        }
        irq0.set(level);
        irqLevel = level;
        armTimer(); // a deadline already past fires at once and catches up
    }

    @Override
    public void reset() {
        powerOn();
        serviceIrq0();
    }

    @Override
    public void close() {
        timer.cancel();
    }
}
