package dev.hyperbundle.legacy.fpuerror;

import dev.hyperbundle.bus.BusDevice;
import dev.hyperbundle.device.Device;
import dev.hyperbundle.device.DeviceState;
import dev.hyperbundle.device.DeviceStateException;
import dev.hyperbundle.device.StateReader;
import dev.hyperbundle.device.StateWriter;
import dev.hyperbundle.irq.FpuErrorLogic;
import dev.hyperbundle.irq.IrqLine;

/**
 * FERR# to IRQ 13 and port 0xF0 as PC chipsets wire them for the x87's MS-DOS compatibility mode (SDM Vol. 1,
 * 8.7.2 and D.2.1.3, the "recommended external hardware"): FERR# asserted raises IRQ 13 unless IGNNE# is
 * already asserted; any write to port 0xF0 lowers IRQ 13 and, while FERR# is asserted, asserts IGNNE#, so the
 * x87 instruction the CPU froze at runs once the handler returns; IGNNE# drops when FERR# does (the guest's
 * FNCLEX or FNINIT). As in QEMU, IRQ 13 stays high until the port write, whatever FERR# does meanwhile.
 * Reads of port 0xF0 find nothing (all ones).
 */
public final class FpuErrorLatch implements Device, BusDevice, FpuErrorLogic {
    public static final String TYPE = "fpu-error";
    public static final int PORT = 0xF0, IRQ = 13;
    static final int STATE_VERSION = 1;

    private final IrqLine irq;
    private IgnnePin ignnePin = level -> { };
    private boolean ferr;
    private boolean ignne;
    private boolean irqHigh;

    public FpuErrorLatch(IrqLine irq) {
        this.irq = irq;
    }

    /** Connects the CPU's IGNNE# input (the machine's pin, from {@code installFpuErrorLogic}). */
    public void attach(IgnnePin pin) {
        ignnePin = pin;
        pin.set(ignne);
    }

    @Override
    public void ferr(boolean asserted) {
        ferr = asserted;
        if (asserted) {
            if (!ignne) {
                setIrq(true);
            }
        } else {
            setIgnne(false);
        }
    }

    @Override
    public long read(long offset, int size) {
        return size >= 8 ? -1L : (1L << (size * 8)) - 1;
    }

    @Override
    public void write(long offset, int size, long value) {
        setIrq(false);
        if (ferr) {
            setIgnne(true);
        }
    }

    private void setIrq(boolean high) {
        irqHigh = high;
        irq.set(high);
    }

    private void setIgnne(boolean asserted) {
        ignne = asserted;
        ignnePin.set(asserted);
    }

    @Override
    public DeviceState saveState() {
        return new StateWriter().putBoolean(ferr).putBoolean(ignne).putBoolean(irqHigh).toState(TYPE, STATE_VERSION);
    }

    @Override
    public void restoreState(DeviceState state) throws DeviceStateException {
        StateReader r = state.reader(TYPE, STATE_VERSION);
        ferr = r.getBoolean();
        setIgnne(r.getBoolean());
        setIrq(r.getBoolean());
    }

    /** Power-on: IRQ 13 low, IGNNE# deasserted; FERR# is the CPU's and stays as last heard. */
    @Override
    public void reset() {
        setIrq(false);
        setIgnne(false);
    }
}
