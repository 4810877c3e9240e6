package dev.hyperbundle.legacy.uart;

import dev.hyperbundle.bus.BusDevice;
import dev.hyperbundle.chardev.CharBackend;
import dev.hyperbundle.device.Device;
import dev.hyperbundle.device.DeviceState;
import dev.hyperbundle.device.DeviceStateException;
import dev.hyperbundle.device.StateReader;
import dev.hyperbundle.device.StateWriter;
import dev.hyperbundle.irq.IrqLine;
import dev.hyperbundle.time.Timer;
import dev.hyperbundle.time.VirtualClock;
import java.util.concurrent.Executor;

/**
 * A National/TI PC16550D UART (the "16550A" Linux detects). Register numbers and bits follow the PC16550D
 * datasheet, section 8 ("Registers"). The transmitter is infinitely fast: a byte written to THR goes to
 * the host at once and THRE/TEMT are set again right after. The receiver pulls host bytes only while the
 * FIFO (16 bytes, or the 1-byte holding register with FIFOs off) has room.
 *
 * <p>As on a PC, the UART's INTR pin reaches the IRQ line only while MCR OUT2 is set (IBM PC/AT
 * technical reference, asynchronous communications adapter).
 */
public final class Uart16550 implements Device, BusDevice {
    public static final String TYPE = "uart16550";
    static final int STATE_VERSION = 1;

    // Register offsets (PC16550D Table II).
    static final int RBR_THR_DLL = 0, IER_DLM = 1, IIR_FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7;

    static final int IER_ERBFI = 0x01, IER_ETBEI = 0x02, IER_ELSI = 0x04, IER_EDSSI = 0x08;
    static final int IIR_NONE = 0x01, IIR_MODEM = 0x00, IIR_THRE = 0x02, IIR_RDA = 0x04, IIR_RLS = 0x06,
            IIR_TIMEOUT = 0x0c, IIR_FIFOS_ENABLED = 0xc0;
    static final int FCR_ENABLE = 0x01, FCR_CLEAR_RX = 0x02, FCR_CLEAR_TX = 0x04, FCR_DMA = 0x08;
    static final int LCR_DLAB = 0x80;
    static final int MCR_DTR = 0x01, MCR_RTS = 0x02, MCR_OUT1 = 0x04, MCR_OUT2 = 0x08, MCR_LOOP = 0x10;
    static final int LSR_DR = 0x01, LSR_OE = 0x02, LSR_PE = 0x04, LSR_FE = 0x08, LSR_BI = 0x10, LSR_THRE = 0x20,
            LSR_TEMT = 0x40, LSR_ERRORS = LSR_OE | LSR_PE | LSR_FE | LSR_BI;

    /** RX FIFO trigger levels selected by FCR bits 7:6 (PC16550D Table IV). */
    private static final int[] TRIGGER = {1, 4, 8, 14};
    /** The PC's UART clock: 1.8432 MHz, 16 clocks per bit. */
    private static final long CLOCK_HZ = 1_843_200;

    private final IrqLine irq;
    private final CharBackend backend;
    private final VirtualClock clock;
    private final Timer timeoutTimer;
    private final ByteFifo rx = new ByteFifo();
    private final ModemStatus msr = new ModemStatus();
    private volatile boolean closed;
    /**
     * False until the device is restored, reset or accessed by the guest: before that nothing is pulled
     * from the host, so a hot-swap never moves a byte into a fresh FIFO that restoreState then replaces.
     */
    private boolean live;

    private int ier;
    private int lcr;
    private int mcr;
    private int fcr; // the FIFO control bits as last programmed: enable, DMA mode, trigger
    private int lineErrors; // LSR OE/PE/FE/BI, cleared by reading LSR
    private int scr;
    private int divisor = 12; // 9600 baud, as a PC BIOS leaves it
    private boolean thrInterrupt; // THRE interrupt pending (PC16550D Table III: cleared by IIR read or THR write)
    private boolean timeoutInterrupt; // character timeout indication

    /**
     * @param executor where the backend's input listener posts the pull (the vCPU thread)
     */
    public Uart16550(IrqLine irq, CharBackend backend, VirtualClock clock, Timer timeoutTimer, Executor executor) {
        this.irq = irq;
        this.backend = backend;
        this.clock = clock;
        this.timeoutTimer = timeoutTimer;
        msr.reset(0);
        // The listener runs on a host thread: it only posts to the vCPU thread.
        backend.setInputListener(() -> executor.execute(this::pullInput));
    }

    /** Called by the timeout timer: 4 character times passed with no FIFO activity (PC16550D 8.6.2). */
    void characterTimeout() {
        if (closed || rx.isEmpty() || !fifoEnabled()) {
            return;
        }
        timeoutInterrupt = true;
        updateIrq();
    }

    // --- BusDevice ---

    @Override
    public long read(long offset, int size) {
        live = true;
        long v = 0;
        for (int i = 0; i < size; i++) { // an 8-bit ISA device: wider accesses become byte cycles
            v |= (long) readRegister((int) (offset + i) & 7) << (8 * i);
        }
        return v;
    }

    @Override
    public void write(long offset, int size, long value) {
        live = true;
        for (int i = 0; i < size; i++) {
            writeRegister((int) (offset + i) & 7, (int) (value >>> (8 * i)) & 0xff);
        }
    }

    int readRegister(int reg) {
        boolean dlab = (lcr & LCR_DLAB) != 0;
        switch (reg) {
            case RBR_THR_DLL:
                return dlab ? divisor & 0xff : readRbr();
            case IER_DLM:
                return dlab ? divisor >>> 8 : ier;
            case IIR_FCR:
                return readIir();
            case LCR:
                return lcr;
            case MCR:
                return mcr;
            case LSR:
                return readLsr();
            case MSR: {
                int v = msr.read();
                updateIrq();
                return v;
            }
            default:
                return scr;
        }
    }

    void writeRegister(int reg, int value) {
        boolean dlab = (lcr & LCR_DLAB) != 0;
        switch (reg) {
            case RBR_THR_DLL -> {
                if (dlab) {
                    divisor = (divisor & 0xff00) | value;
                } else {
                    writeThr(value);
                }
            }
            case IER_DLM -> {
                if (dlab) {
                    divisor = (divisor & 0xff) | value << 8;
                } else {
                    writeIer(value);
                }
            }
            case IIR_FCR -> writeFcr(value);
            case LCR -> lcr = value;
            case MCR -> writeMcr(value);
            case LSR, MSR -> {
                // Factory-test writes; a PC guest never relies on them (QEMU drops them too).
            }
            default -> scr = value;
        }
    }

    private int readRbr() {
        int b = rx.pop();
        // Reading a character clears the timeout indication and restarts its timer (PC16550D 8.6.2).
        timeoutInterrupt = false;
        pullInput();
        restartTimeout();
        updateIrq();
        return b < 0 ? 0 : b;
    }

    private int readIir() {
        int id = interruptId();
        if (id == IIR_THRE) {
            thrInterrupt = false; // PC16550D Table III: reading IIR (if source of interrupt) resets THRE
            updateIrq();
        }
        return id | (fifoEnabled() ? IIR_FIFOS_ENABLED : 0);
    }

    private int readLsr() {
        if (rx.isEmpty()) {
            pullInput();
        }
        int v = lineStatus();
        lineErrors = 0;
        updateIrq();
        return v;
    }

    int lineStatus() {
        return lineErrors | (rx.isEmpty() ? 0 : LSR_DR) | LSR_THRE | LSR_TEMT;
    }

    private void writeThr(int b) {
        thrInterrupt = false;
        if ((mcr & MCR_LOOP) != 0) {
            receive(b); // loopback: the transmitter shift register feeds the receiver (PC16550D 8.6.3)
        } else {
            backend.write(b);
            backend.flush();
        }
        // The byte left at once: THR (and the TX FIFO) are empty again, so THRE interrupts anew.
        thrInterrupt = true;
        updateIrq();
    }

    private void writeIer(int value) {
        int old = ier;
        ier = value & 0x0f; // bits 7:4 always read 0 (Linux's autoconfig relies on it)
        // Enabling ETBEI while THR is empty raises THRE (Linux serial8250 startup's THRE test and
        // autoconfig_irq depend on it; QEMU and Bochs do the same on the rising edge).
        if ((ier & IER_ETBEI) != 0 && (old & IER_ETBEI) == 0) {
            thrInterrupt = true;
        }
        updateIrq();
    }

    private void writeFcr(int value) {
        boolean wasEnabled = fifoEnabled();
        boolean enable = (value & FCR_ENABLE) != 0;
        if (enable != wasEnabled) {
            // Changing FCR0 clears both FIFOs (PC16550D 8.6.4).
            clearRx();
        }
        if (!enable) {
            // "FCR0 must be 1 when other FCR bits are written to or they will not be programmed."
            fcr &= ~FCR_ENABLE;
        } else {
            fcr = value & (FCR_ENABLE | FCR_DMA | 0xc0);
            if ((value & FCR_CLEAR_RX) != 0) {
                clearRx();
            }
            // FCR_CLEAR_TX: the transmitter never holds a byte.
        }
        updateIrq();
    }

    private void writeMcr(int value) {
        boolean leftLoopback = (mcr & MCR_LOOP) != 0 && (value & MCR_LOOP) == 0;
        mcr = value & 0x1f;
        msr.setLines(ModemStatus.linesFor(mcr));
        if (leftLoopback) {
            pullInput(); // the receiver is connected to the host again
        }
        updateIrq();
    }

    private void clearRx() {
        rx.clear();
        timeoutInterrupt = false;
        timeoutTimer.cancel();
    }

    // --- receiver ---

    /** One byte arrives at the receiver; with no room it is an overrun (PC16550D 8.6.5, LSR bit 1). */
    private void receive(int b) {
        if (rx.push(b, rxCapacity())) {
            restartTimeout();
        } else {
            lineErrors |= LSR_OE;
        }
        updateIrq();
    }

    /** Moves waiting host bytes into the receiver while there is room; the rest stay in the backend. */
    void pullInput() {
        if (closed || !live || (mcr & MCR_LOOP) != 0) {
            return; // in loopback the serial input is disconnected
        }
        boolean any = false;
        while (rx.size() < rxCapacity()) {
            int b = backend.read();
            if (b < 0) {
                break;
            }
            rx.push(b & 0xff, rxCapacity());
            any = true;
        }
        if (any) {
            restartTimeout();
            updateIrq();
        }
    }

    private int rxCapacity() {
        return fifoEnabled() ? ByteFifo.DEPTH : 1;
    }

    private boolean fifoEnabled() {
        return (fcr & FCR_ENABLE) != 0;
    }

    private void restartTimeout() {
        if (!fifoEnabled() || rx.isEmpty()) {
            timeoutTimer.cancel();
            return;
        }
        timeoutTimer.armAt(clock.nanos() + 4 * characterNanos());
    }

    /** One character time from the divisor and LCR: start bit, 5-8 data bits, parity, 1/1.5/2 stop bits. */
    long characterNanos() {
        int dataBits = 5 + (lcr & 3);
        int halfBits = 2 * (1 + dataBits) + ((lcr & 0x08) != 0 ? 2 : 0)
                + ((lcr & 0x04) == 0 ? 2 : dataBits == 5 ? 3 : 4);
        long div = divisor == 0 ? 0x10000 : divisor;
        return halfBits * div * 16 * 1_000_000_000L / (2 * CLOCK_HZ);
    }

    // --- interrupts ---

    /** The highest-priority pending source (PC16550D Table III), or IIR_NONE. */
    int interruptId() {
        if ((ier & IER_ELSI) != 0 && lineErrors != 0) {
            return IIR_RLS;
        }
        if ((ier & IER_ERBFI) != 0 && !rx.isEmpty()) {
            if (!fifoEnabled() || rx.size() >= TRIGGER[(fcr >>> 6) & 3]) {
                return IIR_RDA;
            }
            if (timeoutInterrupt) {
                return IIR_TIMEOUT;
            }
        }
        if ((ier & IER_ETBEI) != 0 && thrInterrupt) {
            return IIR_THRE;
        }
        if ((ier & IER_EDSSI) != 0 && msr.interruptPending()) {
            return IIR_MODEM;
        }
        return IIR_NONE;
    }

    private void updateIrq() {
        // OUT2 gates INTR onto the bus; in loopback the OUT pins are forced inactive (PC16550D 8.6.3).
        boolean gate = (mcr & (MCR_OUT2 | MCR_LOOP)) == MCR_OUT2;
        irq.set(gate && interruptId() != IIR_NONE);
    }

    // --- Device ---

    @Override
    public DeviceState saveState() {
        return new StateWriter()
                .putInt(ier).putInt(lcr).putInt(mcr).putInt(fcr).putInt(lineErrors).putInt(scr).putInt(divisor)
                .putInt(msr.peek())
                .putBoolean(thrInterrupt).putBoolean(timeoutInterrupt)
                .putBytes(rx.toArray())
                .putLong(timeoutTimer.deadline())
                .toState(TYPE, STATE_VERSION);
    }

    @Override
    public void restoreState(DeviceState state) throws DeviceStateException {
        StateReader r = state.reader(TYPE, STATE_VERSION);
        int newIer = r.getInt();
        int newLcr = r.getInt();
        int newMcr = r.getInt();
        int newFcr = r.getInt();
        int newErrors = r.getInt();
        int newScr = r.getInt();
        int newDivisor = r.getInt();
        int newMsr = r.getInt();
        boolean newThr = r.getBoolean();
        boolean newTimeout = r.getBoolean();
        byte[] fifo = r.getBytes();
        long deadline = r.getLong();
        if (fifo.length > ByteFifo.DEPTH) {
            throw new DeviceStateException(TYPE + " state holds " + fifo.length + " bytes in a 16-byte FIFO");
        }
        ier = newIer & 0x0f;
        lcr = newLcr & 0xff;
        mcr = newMcr & 0x1f;
        fcr = newFcr & (FCR_ENABLE | FCR_DMA | 0xc0);
        lineErrors = newErrors & LSR_ERRORS;
        scr = newScr & 0xff;
        divisor = newDivisor & 0xffff;
        msr.restore(newMsr);
        thrInterrupt = newThr;
        timeoutInterrupt = newTimeout;
        rx.load(fifo);
        if (deadline == Long.MAX_VALUE) {
            timeoutTimer.cancel();
        } else {
            timeoutTimer.armAt(deadline);
        }
        live = true;
        updateIrq();
        pullInput(); // bytes that waited on the host while the device was swapped
    }

    @Override
    public void reset() {
        // PC16550D Table VII (master reset): IER, FCR, LCR, MCR, LSR errors, MSR deltas, interrupts clear.
        ier = 0;
        lcr = 0;
        mcr = 0;
        fcr = 0;
        lineErrors = 0;
        thrInterrupt = false;
        clearRx();
        msr.reset(0);
        live = true;
        updateIrq();
    }

    @Override
    public void close() {
        closed = true;
        timeoutTimer.cancel();
        // The backend belongs to the machine and outlives this device; just stop hearing it.
        backend.setInputListener(() -> { });
    }
}
