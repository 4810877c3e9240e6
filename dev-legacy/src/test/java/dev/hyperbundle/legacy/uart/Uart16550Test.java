package dev.hyperbundle.legacy.uart;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperbundle.device.DeviceConfigException;
import dev.hyperbundle.device.DeviceState;
import dev.hyperbundle.device.DeviceStateException;
import dev.hyperbundle.testkit.DeviceTestContext;
import dev.hyperbundle.testkit.MemoryCharBackend;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Register behaviour of the PC16550D as datasheet section 8 describes it, driven through the port bus. */
class Uart16550Test {
    static final int COM1 = 0x3f8;
    static final int RBR = 0, IER = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7;
    /** One 8N1 character at divisor 1 (115200 baud): 10 bits * 16 clocks / 1.8432 MHz. */
    static final long CHAR_NS = 86_805;

    DeviceTestContext ctx;
    MemoryCharBackend host;
    Uart16550 uart;

    @BeforeEach
    void create() throws DeviceConfigException {
        ctx = new DeviceTestContext("com1");
        host = new MemoryCharBackend();
        ctx.charBackends.put("stdio", host);
        uart = (Uart16550) new Uart16550Factory().create(ctx, DeviceTestContext.config("uart16550", "index", "0"));
    }

    int in(int reg) {
        return ctx.in(COM1 + reg);
    }

    void out(int reg, int v) {
        ctx.out(COM1 + reg, v);
    }

    boolean irq4() {
        return ctx.interrupts.level(4);
    }

    /** 115200 8N1, FIFOs on with the given FCR, OUT2 set: what Linux's serial8250 leaves programmed. */
    void linuxSetup(int fcr) {
        out(LCR, 0x80);
        out(RBR, 1);
        out(IER, 0);
        out(LCR, 0x03);
        out(FCR, fcr);
        out(MCR, 0x0b);
    }

    @Test
    void powerOnRegisterValues() {
        assertEquals(0x00, in(IER));
        assertEquals(0x01, in(IIR), "no interrupt pending, FIFOs off");
        assertEquals(0x00, in(LCR));
        assertEquals(0x00, in(MCR));
        assertEquals(0x60, in(LSR), "THRE and TEMT");
        assertEquals(0xb0, in(MSR), "host terminal present: DCD, DSR, CTS; no deltas");
        assertFalse(irq4());
    }

    @Test
    void linuxAutoconfigDetects16550A() {
        // drivers/tty/serial/8250/8250_port.c autoconfig(): IER test
        int saveIer = in(IER);
        out(IER, 0);
        assertEquals(0, in(IER) & 0x0f);
        out(IER, 0x0f);
        assertEquals(0x0f, in(IER) & 0x0f);
        out(IER, saveIer);
        // loopback test (done when UPF_SKIP_TEST is not set)
        out(MCR, 0x10 | 0x0a);
        assertEquals(0x90, in(MSR) & 0xf0);
        out(MCR, 0);
        // FIFO detection through IIR bits 7:6
        int saveLcr = in(LCR);
        out(LCR, 0xbf);
        out(2, 0); // EFR on a 16650; FCR here
        out(LCR, 0);
        out(FCR, 0x01);
        assertEquals(3, in(IIR) >> 6, "FIFOs enabled: a 16550A");
        // autoconfig_16550a: no EFR (IIR reads non-zero at LCR 0xBF), no NS EXCR1, no 64-byte FIFO, no UUE
        out(LCR, 0xbf);
        assertTrue(in(2) != 0);
        out(LCR, 0xe0);
        assertEquals(0, in(2) & 0x10);
        out(LCR, 0);
        out(FCR, 0x01 | 0x20);
        assertEquals(6, in(IIR) >> 5, "no 64-byte FIFO bit");
        out(IER, 0x40);
        assertEquals(0, in(IER) & 0x40);
        out(LCR, saveLcr);
        // scratch register
        out(SCR, 0xa5);
        assertEquals(0xa5, in(SCR));
        out(SCR, 0x5a);
        assertEquals(0x5a, in(SCR));
    }

    @Test
    void linuxAutoconfigIrqSeesTheLineRise() {
        // 8250_port.c autoconfig_irq()
        out(MCR, 0x04 | 0x08);
        out(MCR, 0);
        out(MCR, 0x01 | 0x02 | 0x08);
        out(IER, 0x0f);
        in(LSR);
        in(RBR);
        in(IIR);
        in(MSR);
        out(RBR, 0xff);
        assertTrue(irq4(), "THRE interrupt after the THR write");
        assertEquals("\u00ff", host.output());
        out(IER, 0);
        assertFalse(irq4());
    }

    @Test
    void out2GatesTheIrqLine() {
        out(IER, 0x02);
        assertFalse(irq4(), "INTR pending but OUT2 low");
        assertEquals(0x02, in(IIR) & 0x0f);
        out(IER, 0);
        out(IER, 0x02);
        out(MCR, 0x08);
        assertTrue(irq4());
        out(MCR, 0x00);
        assertFalse(irq4());
    }

    @Test
    void thrEmptyInterruptRules() {
        linuxSetup(0x07);
        // serial8250_do_startup's THRE re-assert test
        out(IER, 0x02);
        assertTrue(irq4());
        assertEquals(0xc2, in(IIR), "THRE is the source");
        assertEquals(0xc1, in(IIR), "reading IIR cleared it");
        assertFalse(irq4());
        out(IER, 0);
        out(IER, 0x02);
        assertEquals(0xc2, in(IIR), "re-enabling ETBEI with THR empty raises THRE again");
        // writing THR clears it, the instant transmission sets it again
        out(RBR, 'x');
        assertEquals(0x60, in(LSR) & 0x60);
        assertTrue(irq4());
        assertEquals(0xc2, in(IIR));
        // writing IER with ETBEI already set is not a rising edge
        out(IER, 0x03);
        assertEquals(0xc1, in(IIR));
    }

    @Test
    void transmitGoesToTheHostAtOnce() {
        for (char c : "hello\n".toCharArray()) {
            assertEquals(0x60, in(LSR) & 0x60);
            out(RBR, c);
        }
        assertEquals("hello\n", host.output());
        assertEquals(0x60, in(LSR));
        assertTrue(host.flushes() >= 6);
    }

    @Test
    void divisorLatchIsBehindDlab() {
        out(LCR, 0x83);
        out(0, 0x0c);
        out(1, 0x01);
        assertEquals(0x0c, in(0));
        assertEquals(0x01, in(1));
        out(LCR, 0x03);
        assertEquals(0x00, in(IER), "IER untouched by DLM writes");
        assertEquals("", host.output(), "DLL writes are not transmitted");
        out(LCR, 0x83);
        assertEquals(0x010c, in(0) | in(1) << 8);
    }

    @Test
    void rxFifoTriggerLevels() {
        int[][] levels = {{0x01, 1}, {0x41, 4}, {0x81, 8}, {0xc1, 14}};
        for (int[] level : levels) {
            linuxSetup(level[0] | 0x06);
            out(IER, 0x01);
            for (int i = 1; i < level[1]; i++) {
                host.type("a");
                assertEquals(0xc1, in(IIR), "below trigger " + level[1] + " with " + i + " bytes");
                assertFalse(irq4());
            }
            host.type("a");
            assertEquals(0xc4, in(IIR), "trigger " + level[1] + " reached");
            assertTrue(irq4());
            out(FCR, level[0] | 0x02); // clear the RX FIFO
            assertEquals(0x60, in(LSR));
            assertEquals(0xc1, in(IIR));
        }
    }

    @Test
    void characterTimeoutIndication() {
        linuxSetup(0x87); // trigger 8
        out(IER, 0x01);
        host.type("abc");
        assertEquals(0xc1, in(IIR));
        ctx.run(4 * CHAR_NS - 1000);
        assertEquals(0xc1, in(IIR), "not yet four character times");
        ctx.run(2000);
        assertEquals(0xcc, in(IIR), "character timeout");
        assertTrue(irq4());
        assertEquals('a', in(RBR));
        assertEquals(0xc1, in(IIR), "reading a character clears the timeout and restarts the timer");
        ctx.run(4 * CHAR_NS + 1000);
        assertEquals(0xcc, in(IIR));
        assertEquals('b', in(RBR));
        assertEquals('c', in(RBR));
        assertEquals(0x60, in(LSR));
        ctx.run(10 * CHAR_NS);
        assertEquals(0xc1, in(IIR), "no timeout with an empty FIFO");
        assertFalse(irq4());
    }

    @Test
    void characterTimeFollowsDivisorAndLineControl() {
        out(LCR, 0x80);
        out(0, 12);
        out(1, 0);
        out(LCR, 0x1b); // 8 data, even parity, 1 stop: 11 bits
        assertEquals(11L * 12 * 16 * 1_000_000_000L / 1_843_200, uart.characterNanos());
        out(LCR, 0x04); // 5 data, 1.5 stop: 7.5 bits
        assertEquals(15L * 12 * 16 * 1_000_000_000L / (2 * 1_843_200), uart.characterNanos());
    }

    @Test
    void inputWaitsInTheBackendWhileTheFifoIsFull() {
        linuxSetup(0xc7);
        StringBuilder sent = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            sent.append((char) ('A' + i % 26));
        }
        host.type(sent.toString());
        assertEquals(24, host.pendingInput(), "16 in the FIFO, the rest wait on the host side");
        assertEquals(0, in(LSR) & 0x02, "no overrun");
        StringBuilder got = new StringBuilder();
        while ((in(LSR) & 0x01) != 0) {
            got.append((char) in(RBR));
        }
        assertEquals(sent.toString(), got.toString());
        assertEquals(0, host.pendingInput());
    }

    @Test
    void withoutFifosTheHoldingRegisterTakesOneByte() {
        out(IER, 0x01);
        out(MCR, 0x08);
        host.type("xy");
        assertEquals(1, host.pendingInput());
        assertEquals(0x04, in(IIR), "received data available, FIFO bits clear");
        assertTrue(irq4());
        assertEquals('x', in(RBR));
        assertEquals(0x04, in(IIR), "the next byte moved in");
        assertEquals('y', in(RBR));
        assertEquals(0x01, in(IIR));
        assertEquals(0x60, in(LSR));
    }

    @Test
    void loopbackFeedsTransmitterToReceiverAndModemOutputsToInputs() {
        linuxSetup(0x07);
        out(MCR, 0x10);
        in(MSR);
        out(RBR, 'Q');
        assertEquals("", host.output(), "serial output held marking");
        assertEquals(0x61, in(LSR));
        assertEquals('Q', in(RBR));
        host.type("h");
        assertEquals(0x60, in(LSR), "serial input disconnected in loopback");
        out(MCR, 0x10 | 0x01);
        assertEquals(0x20 | 0x02, in(MSR), "DTR -> DSR with DDSR");
        out(MCR, 0x10 | 0x02);
        assertEquals(0x10 | 0x01 | 0x02, in(MSR), "RTS -> CTS: DCTS, and DSR fell: DDSR");
        out(MCR, 0x10 | 0x04);
        assertEquals(0x40 | 0x01, in(MSR), "OUT1 -> RI");
        out(MCR, 0x10 | 0x08);
        assertEquals(0x80 | 0x04 | 0x08, in(MSR), "RI fell: TERI; OUT2 -> DCD: DDCD");
        out(MCR, 0x08);
        assertEquals('h', in(RBR), "leaving loopback reconnects the host input");
    }

    @Test
    void loopbackOverrunSetsLineStatusInterrupt() {
        linuxSetup(0x07);
        out(MCR, 0x10);
        out(IER, 0x05);
        for (int i = 0; i < 17; i++) {
            out(RBR, i);
        }
        assertEquals(0xc6, in(IIR), "receiver line status outranks received data");
        assertEquals(0x63, in(LSR), "DR, OE, THRE, TEMT");
        assertEquals(0x61, in(LSR), "reading LSR cleared OE");
        assertEquals(0xc4, in(IIR));
        for (int i = 0; i < 16; i++) {
            assertEquals(i, in(RBR), "the FIFO kept the first 16 bytes");
        }
        assertFalse(irq4(), "OUT2 pin forced inactive in loopback");
    }

    @Test
    void interruptPriority() {
        linuxSetup(0x07); // trigger 1
        out(MCR, 0x10 | 0x08);
        out(IER, 0x0f);
        out(MCR, 0x10 | 0x09); // DDSR: modem status
        for (int i = 0; i < 17; i++) {
            out(RBR, i); // data plus an overrun; THRE pending after the writes
        }
        assertEquals(0xc6, in(IIR));
        in(LSR);
        assertEquals(0xc4, in(IIR));
        out(FCR, 0x03);
        assertEquals(0xc2, in(IIR));
        assertEquals(0xc0, in(IIR), "modem status last");
        in(MSR);
        assertEquals(0xc1, in(IIR));
    }

    @Test
    void modemStatusInterruptFromLoopbackLines() {
        out(IER, 0x08);
        assertEquals(0x01, in(IIR));
        out(MCR, 0x10 | 0x02);
        assertEquals(0x00, in(IIR));
        assertEquals(0x10 | 0x02 | 0x08, in(MSR), "CTS stays up; DSR and DCD fell: DDSR, DDCD");
        assertEquals(0x01, in(IIR), "MSR read clears the deltas");
    }

    @Test
    void fcrBitsNeedFifoEnable() {
        out(FCR, 0xc0); // FCR0 = 0: trigger not programmed
        out(FCR, 0x01);
        out(IER, 0x01);
        host.type("a");
        assertEquals(0xc4, in(IIR), "trigger still 1");
        out(FCR, 0x00);
        assertEquals(0x60, in(LSR), "disabling FIFOs cleared them");
        assertEquals(0x01, in(IIR));
    }

    @Test
    void ierUpperBitsReadZero() {
        out(IER, 0xff);
        assertEquals(0x0f, in(IER));
    }

    @Test
    void wideAccessesAreByteCycles() {
        out(LCR, 0x83);
        ctx.out(COM1, 2, 0x0201);
        assertEquals(0x0201, ctx.in(COM1, 2));
        ctx.out(COM1 + LCR, 1, 0x03);
    }

    @Test
    void guestWritesNeverThrow() {
        Random r = new Random(16550);
        for (int i = 0; i < 20000; i++) {
            int reg = r.nextInt(8);
            int size = 1 << r.nextInt(3);
            if (r.nextBoolean()) {
                uart.write(reg, size, r.nextLong() & ((1L << (size * 8)) - 1));
            } else {
                uart.read(reg, size);
            }
            if (r.nextInt(50) == 0) {
                host.type("z");
            }
            if (r.nextInt(100) == 0) {
                ctx.run(r.nextInt(1_000_000));
            }
        }
    }

    @Test
    void comPortsAndChardevDefaults() throws DeviceConfigException {
        DeviceTestContext c = new DeviceTestContext("com2");
        MemoryCharBackend nul = new MemoryCharBackend();
        c.charBackends.put("null", nul);
        new Uart16550Factory().create(c, DeviceTestContext.config("uart16550", "index", "1"));
        assertTrue(c.ports.isClaimed(0x2f8) && c.ports.isClaimed(0x2ff) && !c.ports.isClaimed(0x300));
        c.out(0x2f8 + IER, 0x02);
        c.out(0x2f8 + MCR, 0x08);
        assertTrue(c.interrupts.level(3));

        DeviceTestContext d = new DeviceTestContext("custom");
        d.charBackends.put("file:/tmp/x", new MemoryCharBackend());
        new Uart16550Factory().create(d, DeviceTestContext.config("uart16550", "port", "0x3e8", "irq", "5", "chardev", "file:/tmp/x"));
        d.out(0x3e8 + IER, 0x02);
        d.out(0x3e8 + MCR, 0x08);
        assertTrue(d.interrupts.level(5));

        assertThrows(DeviceConfigException.class, () -> new Uart16550Factory().create(new DeviceTestContext(),
                DeviceTestContext.config("uart16550", "index", "4")));
        assertThrows(DeviceConfigException.class, () -> new Uart16550Factory().create(new DeviceTestContext(),
                DeviceTestContext.config("uart16550", "baud", "9600")));
    }

    @Test
    void resetReturnsToPowerOn() {
        linuxSetup(0xc7);
        out(IER, 0x0f);
        host.type("abc");
        uart.reset();
        assertEquals(0x00, in(IER));
        assertEquals(0x01, in(IIR));
        assertEquals(0x00, in(MCR));
        assertFalse(irq4());
    }

    // --- state ---

    /** A fresh device on a fresh bus, sharing the host stream (kept by the machine across hot-swaps). */
    Uart16550 swapIn(DeviceTestContext[] newCtx) throws Exception {
        uart.close();
        DeviceTestContext c = new DeviceTestContext("com1");
        c.clock.setNanos(ctx.clock.nanos());
        c.charBackends.put("stdio", host);
        Uart16550 fresh = (Uart16550) new Uart16550Factory().create(c, DeviceTestContext.config("uart16550"));
        newCtx[0] = c;
        return fresh;
    }

    @Test
    void stateRoundTripKeepsFifoAndPendingInterrupts() throws Exception {
        linuxSetup(0x87);
        out(IER, 0x07);
        out(SCR, 0x42);
        host.type("0123456789abcdefXYZ"); // 16 in the FIFO, 3 waiting on the host
        in(IIR); // RDA
        DeviceState saved = uart.saveState();

        DeviceTestContext[] holder = new DeviceTestContext[1];
        Uart16550 fresh = swapIn(holder);
        DeviceTestContext c = holder[0];
        host.type(""); // input news before the restore: nothing may move into the fresh FIFO yet
        assertEquals(3, host.pendingInput());
        fresh.restoreState(saved);
        assertArrayEquals(saved.data(), fresh.saveState().data());
        assertEquals(saved.version(), fresh.saveState().version());
        assertTrue(c.interrupts.level(4), "pending interrupt re-asserted on the new line");

        StringBuilder got = new StringBuilder();
        assertEquals(0xc4, c.in(COM1 + IIR));
        while ((c.in(COM1 + LSR) & 1) != 0) {
            got.append((char) c.in(COM1 + RBR));
        }
        assertEquals("0123456789abcdefXYZ", got.toString(), "no byte lost across the swap");
        assertEquals(0xc2, c.in(COM1 + IIR), "THRE still pending");
        assertEquals(0x42, c.in(COM1 + SCR));
    }

    @Test
    void stateRoundTripKeepsTimeoutDeadlineAndLoopback() throws Exception {
        linuxSetup(0xc7);
        out(IER, 0x01);
        out(MCR, 0x1b);
        out(RBR, 'L');
        ctx.run(CHAR_NS);
        out(LCR, 0x83);
        DeviceState saved = uart.saveState();

        DeviceTestContext[] holder = new DeviceTestContext[1];
        Uart16550 fresh = swapIn(holder);
        DeviceTestContext c = holder[0];
        fresh.restoreState(saved);
        assertArrayEquals(saved.data(), fresh.saveState().data());
        c.out(COM1 + LCR, 0x03);
        c.run(3 * CHAR_NS - 1000);
        assertEquals(0xc1, c.in(COM1 + IIR));
        c.run(2000);
        assertEquals(0xcc, c.in(COM1 + IIR), "the timeout fires at the saved deadline");
        assertEquals('L', c.in(COM1 + RBR));
    }

    @Test
    void restoreRejectsForeignState() {
        assertThrows(DeviceStateException.class, () -> uart.restoreState(new DeviceState("i8042", 1, new byte[0])));
        assertThrows(DeviceStateException.class, () -> uart.restoreState(new DeviceState(Uart16550.TYPE, 99, new byte[0])));
        assertThrows(DeviceStateException.class, () -> uart.restoreState(new DeviceState(Uart16550.TYPE, 1, new byte[3])));
    }
}
