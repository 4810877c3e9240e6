package dev.hyperbundle.legacy.i8042;

import dev.hyperbundle.bus.BusDevice;
import dev.hyperbundle.device.Device;
import dev.hyperbundle.device.DeviceState;
import dev.hyperbundle.device.DeviceStateException;
import dev.hyperbundle.device.StateReader;
import dev.hyperbundle.device.StateWriter;
import dev.hyperbundle.irq.IrqLine;
import dev.hyperbundle.machine.MachineControl;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * The 8042 keyboard controller (IBM PS/2 technical reference, "Keyboard/Auxiliary Device Controller";
 * Intel 8042 data sheet for the status register). Commands complete instantly, so the input buffer full
 * bit never reads 1 and Linux's {@code i8042_wait_write} and {@code kb_wait} never spin. Controller
 * answers go to the output buffer ahead of keyboard bytes; the output buffer drives IRQ 1 (keyboard
 * data) or IRQ 12 (auxiliary data) while the command byte enables it.
 *
 * <p>No auxiliary device (mouse) is attached: bytes for it time out as on a PS/2 system with an empty
 * mouse connector.
 */
public final class I8042Controller implements Device {
    public static final String TYPE = "i8042";
    static final int STATE_VERSION = 1;

    // Status register (port 0x64 read).
    static final int STR_OBF = 0x01, STR_IBF = 0x02, STR_SYS = 0x04, STR_CMD = 0x08, STR_UNLOCKED = 0x10,
            STR_AUXDATA = 0x20, STR_TIMEOUT = 0x40;
    // Command byte (controller RAM byte 0).
    static final int CTR_KBDINT = 0x01, CTR_AUXINT = 0x02, CTR_SYS = 0x04, CTR_KBDDIS = 0x10, CTR_AUXDIS = 0x20,
            CTR_XLATE = 0x40;
    // Output port (commands 0xD0/0xD1).
    static final int OUT_RESET = 0x01, OUT_A20 = 0x02, OUT_IRQ1 = 0x10, OUT_IRQ12 = 0x20;
    /** What a BIOS leaves: interrupts on, system flag, translation to set 1. */
    static final int POWER_ON_CTR = CTR_KBDINT | CTR_AUXINT | CTR_SYS | CTR_XLATE;
    static final int POWER_ON_OUTPORT = 0xc0 | OUT_A20 | OUT_RESET; // reset line high, A20 enabled

    // Output queue entry flags (above the data byte).
    private static final int FROM_AUX = 0x100, TIMEOUT = 0x200;
    private static final int PENDING_LIMIT = 16;

    private final IrqLine kbdIrq;
    private final IrqLine auxIrq;
    private final MachineControl machine;
    private final Executor executor;
    private final Ps2Keyboard keyboard = new Ps2Keyboard();
    private final ArrayDeque<Integer> pending = new ArrayDeque<>(); // controller answers, served first

    private final byte[] ram = new byte[32]; // byte 0 is the command byte
    private int outport = POWER_ON_OUTPORT;
    private int port92;
    private int command; // a controller command waiting for its data byte at 0x60, or 0
    private boolean lastWriteWasCommand;
    private boolean outputFull;
    private int output; // the output buffer (byte | FROM_AUX | TIMEOUT)
    private boolean breakPrefix; // translation: a set 2 0xF0 was swallowed

    // Each port is registered one byte long, so the bus splits wider accesses into byte cycles.
    final BusDevice dataPort = new BusDevice() {
        @Override
        public long read(long offset, int size) {
            return readData();
        }

        @Override
        public void write(long offset, int size, long value) {
            writeData((int) value & 0xff);
        }
    };

    final BusDevice commandPort = new BusDevice() {
        @Override
        public long read(long offset, int size) {
            return status();
        }

        @Override
        public void write(long offset, int size, long value) {
            writeCommand((int) value & 0xff);
        }
    };

    /** System Control Port A (IBM PS/2 technical reference, "System Control Port A", port 0x92). */
    final BusDevice controlPortA = new BusDevice() {
        @Override
        public long read(long offset, int size) {
            return port92;
        }

        @Override
        public void write(long offset, int size, long value) {
            writePort92((int) value & 0xff);
        }
    };

    public I8042Controller(IrqLine kbdIrq, IrqLine auxIrq, MachineControl machine, Executor executor) {
        this.kbdIrq = kbdIrq;
        this.auxIrq = auxIrq;
        this.machine = machine;
        this.executor = executor;
        ram[0] = (byte) POWER_ON_CTR;
    }

    // --- public input for the console and tests ---

    /**
     * Key bytes as the keyboard sends them (scan code set 2 unless the guest chose another set; the
     * controller translates to set 1 when the command byte asks it to), e.g. {@code 0x1c} then
     * {@code 0xf0, 0x1c} for pressing and releasing A. Callable from any thread: the bytes are posted
     * to the vCPU thread.
     */
    public void pressKey(int... scancodes) {
        int[] copy = scancodes.clone();
        executor.execute(() -> {
            keyboard.keyBytes(copy);
            refill();
        });
    }

    /** The A20 gate as the chipset ORs it from the output port and port 0x92. */
    public boolean a20Enabled() {
        return (outport & OUT_A20) != 0 || (port92 & 0x02) != 0;
    }

    /** The keyboard LEDs the guest last set (bit 0 scroll, 1 num, 2 caps lock). */
    public int keyboardLeds() {
        return keyboard.leds();
    }

    // --- ports ---

    int status() {
        int s = STR_UNLOCKED;
        if ((ram[0] & CTR_SYS) != 0) {
            s |= STR_SYS;
        }
        if (lastWriteWasCommand) {
            s |= STR_CMD;
        }
        if (outputFull) {
            s |= STR_OBF;
            if ((output & FROM_AUX) != 0) {
                s |= STR_AUXDATA;
            }
            if ((output & TIMEOUT) != 0) {
                s |= STR_TIMEOUT;
            }
        }
        return s; // STR_IBF never set: every command has completed by the time the guest looks
    }

    int readData() {
        int b = output & 0xff;
        outputFull = false;
        refill();
        return b;
    }

    void writeData(int b) {
        lastWriteWasCommand = false;
        int c = command;
        command = 0;
        if (c >= 0x60 && c <= 0x7f) {
            writeRam(c & 0x1f, b);
        } else {
            switch (c) {
                case 0xd1 -> writeOutputPort(b);
                case 0xd2 -> queue(b); // as if the keyboard had sent it
                case 0xd3 -> queue(b | FROM_AUX); // as if the auxiliary device had sent it (Linux's AUX loop test)
                case 0xd4 -> queue(0xfe | FROM_AUX | TIMEOUT); // no auxiliary device answers
                default -> {
                    // Data for the keyboard; sending it re-enables the keyboard interface (as QEMU does).
                    ram[0] &= (byte) ~CTR_KBDDIS;
                    keyboard.write(b);
                }
            }
        }
        refill();
    }

    void writeCommand(int c) {
        lastWriteWasCommand = true;
        command = 0;
        if (c >= 0x20 && c <= 0x3f) {
            queue(ram[c & 0x1f] & 0xff);
        } else if (c >= 0x60 && c <= 0x7f) {
            command = c;
        } else if (c >= 0xf0) {
            // Pulse output port bits 3:0 that are 0 in the command; bit 0 is the CPU reset line.
            if ((c & OUT_RESET) == 0) {
                machine.requestReset("i8042 reset");
            }
        } else {
            switch (c) {
                case 0xa4 -> queue(0xf1); // no password installed
                case 0xa5 -> command = c; // password entry: swallow (not supported)
                case 0xa7 -> ram[0] |= CTR_AUXDIS;
                case 0xa8 -> ram[0] &= (byte) ~CTR_AUXDIS;
                case 0xa9 -> queue(0x00); // auxiliary interface test: no error
                case 0xaa -> { // self-test passes; a BIOS-less machine also gets the system flag
                    ram[0] |= CTR_SYS;
                    queue(0x55);
                }
                case 0xab -> queue(0x00); // keyboard interface test: no error
                case 0xad -> ram[0] |= CTR_KBDDIS;
                case 0xae -> ram[0] &= (byte) ~CTR_KBDDIS;
                case 0xc0 -> queue(0x80); // input port: keyboard not inhibited
                case 0xd0 -> queue(outputPort());
                case 0xd1, 0xd2, 0xd3, 0xd4 -> command = c;
                case 0xdd -> outport &= ~OUT_A20;
                case 0xdf -> outport |= OUT_A20;
                case 0xe0 -> queue(0x00); // test inputs
                default -> {
                    // Unknown commands are ignored, as a real 8042 does.
                }
            }
        }
        refill();
    }

    private void writeRam(int index, int b) {
        ram[index] = (byte) b;
        if (index == 0 && (b & CTR_XLATE) == 0) {
            breakPrefix = false;
        }
    }

    private int outputPort() {
        int v = outport & ~(OUT_IRQ1 | OUT_IRQ12);
        if (outputFull) {
            v |= (output & FROM_AUX) != 0 ? OUT_IRQ12 : OUT_IRQ1;
        }
        return v;
    }

    private void writeOutputPort(int b) {
        outport = b & ~(OUT_IRQ1 | OUT_IRQ12);
        if ((b & OUT_RESET) == 0) {
            machine.requestReset("i8042 reset"); // output port bit 0 low holds the CPU in reset
        }
    }

    private void writePort92(int b) {
        int old = port92;
        port92 = b & ~0x01;
        // Bit 0: a 0 -> 1 transition pulses the fast reset line.
        if ((b & 0x01) != 0 && (old & 0x01) == 0) {
            machine.requestReset("port 0x92 fast reset");
        }
    }

    // --- output buffer ---

    private void queue(int entry) {
        if (pending.size() < PENDING_LIMIT) {
            pending.add(entry);
        }
    }

    /** Loads the output buffer when it is empty: controller answers first, then keyboard bytes. */
    private void refill() {
        while (!outputFull) {
            if (!pending.isEmpty()) {
                output = pending.remove();
                outputFull = true;
            } else if ((ram[0] & CTR_KBDDIS) == 0 && keyboard.hasOutput()) {
                int b = keyboard.next();
                if ((ram[0] & CTR_XLATE) != 0) {
                    if (b == 0xf0) {
                        breakPrefix = true;
                        continue;
                    }
                    b = ScancodeTranslator.translate(b) | (breakPrefix ? 0x80 : 0);
                    breakPrefix = false;
                }
                output = b;
                outputFull = true;
            } else {
                break;
            }
        }
        updateIrqs();
    }

    private void updateIrqs() {
        boolean aux = (output & FROM_AUX) != 0;
        kbdIrq.set(outputFull && !aux && (ram[0] & CTR_KBDINT) != 0);
        auxIrq.set(outputFull && aux && (ram[0] & CTR_AUXINT) != 0);
    }

    // --- Device ---

    @Override
    public DeviceState saveState() {
        int[] queued = pending.stream().mapToInt(Integer::intValue).toArray();
        StateWriter w = new StateWriter()
                .putBytes(ram.clone()).putInt(outport).putInt(port92).putInt(command)
                .putBoolean(lastWriteWasCommand).putBoolean(outputFull).putInt(output).putBoolean(breakPrefix)
                .putInts(queued);
        keyboard.save(w);
        return w.toState(TYPE, STATE_VERSION);
    }

    @Override
    public void restoreState(DeviceState state) throws DeviceStateException {
        StateReader r = state.reader(TYPE, STATE_VERSION);
        byte[] newRam = r.getBytes();
        if (newRam.length != ram.length) {
            throw new DeviceStateException("i8042 state holds " + newRam.length + " bytes of controller RAM, not 32");
        }
        int newOutport = r.getInt();
        int newPort92 = r.getInt();
        int newCommand = r.getInt();
        boolean newLastCmd = r.getBoolean();
        boolean newFull = r.getBoolean();
        int newOutput = r.getInt();
        boolean newPrefix = r.getBoolean();
        int[] queued = r.getInts();
        if (queued.length > PENDING_LIMIT) {
            throw new DeviceStateException("i8042 state holds " + queued.length + " pending controller bytes");
        }
        keyboard.restore(r);
        System.arraycopy(newRam, 0, ram, 0, ram.length);
        outport = newOutport & 0xff;
        port92 = newPort92 & 0xfe;
        command = newCommand & 0xff;
        lastWriteWasCommand = newLastCmd;
        outputFull = newFull;
        output = newOutput & (0xff | FROM_AUX | TIMEOUT);
        breakPrefix = newPrefix;
        pending.clear();
        for (int e : queued) {
            pending.add(e & (0xff | FROM_AUX | TIMEOUT));
        }
        updateIrqs();
    }

    @Override
    public void reset() {
        java.util.Arrays.fill(ram, (byte) 0);
        ram[0] = (byte) POWER_ON_CTR;
        outport = POWER_ON_OUTPORT;
        port92 = 0;
        command = 0;
        lastWriteWasCommand = false;
        outputFull = false;
        output = 0;
        breakPrefix = false;
        pending.clear();
        keyboard.reset();
        updateIrqs();
    }
}
