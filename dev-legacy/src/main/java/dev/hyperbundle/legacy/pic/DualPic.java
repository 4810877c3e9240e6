package dev.hyperbundle.legacy.pic;

import dev.hyperbundle.bus.BusDevice;
import dev.hyperbundle.device.Device;
import dev.hyperbundle.device.DeviceState;
import dev.hyperbundle.device.DeviceStateException;
import dev.hyperbundle.device.StateReader;
import dev.hyperbundle.device.StateWriter;
import dev.hyperbundle.irq.InterruptController;
import dev.hyperbundle.irq.InterruptPin;

/**
 * The PC's two cascaded 8259A PICs (master 0x20-0x21, slave 0xA0-0xA1 on master IR2) with the ELCR
 * (0x4D0-0x4D1, edge/level per IRQ as on the PIIX). It is the machine's interrupt controller: it hears
 * the line levels, drives the CPU's INTR and answers the INTA cycle.
 *
 * <p>Entry points are synchronized: the kernel calls them on the vCPU thread, but a device that raises
 * its line from another thread must not corrupt the registers (the lock is uncontended otherwise).
 */
final class DualPic implements Device, InterruptController {
    static final String TYPE = "pic";
    static final int STATE_VERSION = 1;
    private static final int CASCADE_IR = 2;
    private static final int SPURIOUS_IR = 7;

    private final Pic8259 master = new Pic8259(true);
    private final Pic8259 slave = new Pic8259(false);
    private final int defaultElcr;
    private InterruptPin intr = asserted -> { };
    private boolean intrLevel;
    /** ISA IRQ2 is wired to the slave's IR1 on a PC (the "IRQ2/9" bus pin); both kernel lines feed it. */
    private boolean line2;
    private boolean line9;
    /** Every input level this instance has heard (the router reports the high lines at install). */
    private int heardLines;

    DualPic(int defaultElcr) {
        this.defaultElcr = defaultElcr;
        master.powerOn(defaultElcr);
        slave.powerOn(defaultElcr >> 8);
    }

    void attach(InterruptPin pin) {
        this.intr = pin;
        update(true);
    }

    BusDevice masterPorts() {
        return chipPorts(master);
    }

    BusDevice slavePorts() {
        return chipPorts(slave);
    }

    private BusDevice chipPorts(Pic8259 chip) {
        return new BytePorts() {
            @Override
            int readByte(int offset) {
                synchronized (DualPic.this) {
                    int v = chip.read(offset);
                    update(false); // a poll read is an acknowledge
                    return v;
                }
            }

            @Override
            void writeByte(int offset, int value) {
                synchronized (DualPic.this) {
                    chip.write(offset, value);
                    update(false);
                }
            }
        };
    }

    BusDevice elcrPorts() {
        return new BytePorts() {
            @Override
            int readByte(int offset) {
                synchronized (DualPic.this) {
                    return (offset == 0 ? master : slave).elcr();
                }
            }

            @Override
            void writeByte(int offset, int value) {
                synchronized (DualPic.this) {
                    (offset == 0 ? master : slave).setElcr(value);
                    update(false);
                }
            }
        };
    }

    // ---- InterruptController ----

    @Override
    public synchronized void setIrq(int irq, boolean high) {
        if (irq < 0 || irq >= 16) {
            return; // lines 16-23 are not wired to the 8259 pair
        }
        heardLines = high ? heardLines | (1 << irq) : heardLines & ~(1 << irq);
        applyLine(irq, high);
        update(false);
    }

    private void applyLine(int irq, boolean high) {
        if (irq == 2 || irq == 9) {
            if (irq == 2) {
                line2 = high;
            } else {
                line9 = high;
            }
            slave.setInput(1, line2 || line9);
        } else if (irq < 8) {
            master.setInput(irq, high);
        } else {
            slave.setInput(irq - 8, high);
        }
    }

    @Override
    public synchronized int acknowledge() {
        int vector;
        int line = -1;
        int ir = master.pendingRequest();
        if (ir == Pic8259.NONE) {
            // 8259A: a request that went away before INTA gives the default IR7, without setting ISR.
            vector = master.vector(SPURIOUS_IR);
        } else {
            master.acknowledge(ir);
            if (master.cascadeOn(ir)) {
                int sir = slave.pendingRequest();
                if (sir == Pic8259.NONE) {
                    vector = slave.vector(SPURIOUS_IR); // spurious IRQ15: master IR2 stays in service
                } else {
                    slave.acknowledge(sir);
                    vector = slave.vector(sir);
                    line = 8 + sir;
                }
            } else {
                vector = master.vector(ir);
                line = ir;
            }
        }
        update(false);
        if (line >= 0) {
            intr.acknowledged(line); // lets the PIT re-inject ticks the guest could not take (KVM: irq ack notifier)
        }
        return vector;
    }

    /**
     * Feeds the slave's INT to master IR2 and drives INTR from the master's INT. IR2 is an edge input
     * like the others: a slave request that vanishes after the master latched it gives spurious IRQ15.
     */
    private void update(boolean force) {
        master.setInput(CASCADE_IR, slave.pendingRequest() != Pic8259.NONE);
        boolean level = master.pendingRequest() != Pic8259.NONE;
        if (force || level != intrLevel) {
            intrLevel = level;
            intr.set(level);
        }
    }

    // ---- Device ----

    @Override
    public synchronized DeviceState saveState() {
        StateWriter w = new StateWriter();
        master.save(w);
        slave.save(w);
        w.putBoolean(line2).putBoolean(line9).putBoolean(intrLevel);
        return w.toState(TYPE, STATE_VERSION);
    }

    @Override
    public synchronized void restoreState(DeviceState state) throws DeviceStateException {
        StateReader r = state.reader(TYPE, STATE_VERSION);
        master.restore(r);
        slave.restore(r);
        line2 = r.getBoolean();
        line9 = r.getBoolean();
        r.getBoolean(); // INTR is recomputed below
        // The lines this instance heard since it was installed are the truth now; replay the differences.
        for (int irq = 0; irq < 16; irq++) {
            boolean heard = (heardLines & (1 << irq)) != 0;
            if (heard != savedLevel(irq)) {
                applyLine(irq, heard);
            }
        }
        update(true);
    }

    private boolean savedLevel(int irq) {
        if (irq == 2 || irq == 9) {
            return irq == 2 ? line2 : line9;
        }
        return irq < 8 ? (master.lines() & (1 << irq)) != 0 : (slave.lines() & (1 << (irq - 8))) != 0;
    }

    @Override
    public synchronized void reset() {
        master.powerOn(defaultElcr);
        slave.powerOn(defaultElcr >> 8);
        update(false);
    }

    /** True while the master drives INTR (for tests and diagnostics). */
    synchronized boolean intrAsserted() {
        return intrLevel;
    }
}
