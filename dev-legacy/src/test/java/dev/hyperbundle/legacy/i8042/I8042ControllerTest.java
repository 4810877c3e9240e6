package dev.hyperbundle.legacy.i8042;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperbundle.device.DeviceConfigException;
import dev.hyperbundle.device.DeviceState;
import dev.hyperbundle.device.DeviceStateException;
import dev.hyperbundle.testkit.DeviceTestContext;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The 8042 and PS/2 keyboard as the IBM PS/2 technical reference and Linux's i8042/atkbd drivers use them. */
class I8042ControllerTest {
    static final int DATA = 0x60, STATUS = 0x64;

    DeviceTestContext ctx;
    I8042Controller kbc;

    @BeforeEach
    void create() throws DeviceConfigException {
        ctx = new DeviceTestContext("i8042");
        kbc = (I8042Controller) new I8042Factory().create(ctx, DeviceTestContext.config("i8042"));
    }

    int status() {
        return ctx.in(STATUS);
    }

    /** Linux's __i8042_command: wait for IBF clear, write, then read each answer once OBF is set. */
    int[] command(int cmd, int[] params, int answers) {
        assertEquals(0, status() & 0x02, "IBF never set");
        ctx.out(STATUS, cmd);
        for (int p : params) {
            assertEquals(0, status() & 0x02);
            ctx.out(DATA, p);
        }
        int[] out = new int[answers];
        for (int i = 0; i < answers; i++) {
            assertEquals(1, status() & 0x01, "answer " + i + " of command 0x" + Integer.toHexString(cmd));
            out[i] = ctx.in(DATA);
        }
        return out;
    }

    int[] keyboard(int... bytes) {
        for (int b : bytes) {
            ctx.out(DATA, b);
        }
        return drain();
    }

    int[] drain() {
        int[] out = new int[64];
        int n = 0;
        while ((status() & 0x01) != 0) {
            out[n++] = ctx.in(DATA);
        }
        return java.util.Arrays.copyOf(out, n);
    }

    boolean irq1() {
        return ctx.interrupts.level(1);
    }

    boolean irq12() {
        return ctx.interrupts.level(12);
    }

    @Test
    void powerOnStatusAndCommandByte() {
        assertEquals(0x14, status(), "keyboard not inhibited, system flag; no OBF, no IBF");
        assertArrayEquals(new int[] {0x47}, command(0x20, new int[0], 1));
        assertEquals(0x1c, status() & 0x1c, "last write was a command");
    }

    @Test
    void rebootPathRequestsReset() {
        // arch/x86/kernel/reboot.c, reboot=k: kb_wait() then outb(0xfe, 0x64)
        for (int i = 0; i < 10; i++) {
            assertEquals(0, status() & 0x02);
            ctx.out(STATUS, 0xfe);
        }
        assertEquals(10, ctx.resetRequests.size());
        assertEquals("i8042 reset", ctx.resetRequests.get(0));
    }

    @Test
    void pulseCommandsResetOnlyWithBit0Low() {
        ctx.out(STATUS, 0xff);
        ctx.out(STATUS, 0xf1);
        ctx.out(STATUS, 0xfd);
        assertEquals(0, ctx.resetRequests.size(), "0xFF, 0xF1 and 0xFD leave the reset line alone");
        ctx.out(STATUS, 0xf0);
        ctx.out(STATUS, 0xfc);
        assertEquals(2, ctx.resetRequests.size());
    }

    @Test
    void linuxControllerProbe() {
        // drivers/input/serio/i8042.c: i8042_controller_check (flush), selftest, init
        assertArrayEquals(new int[0], drain());
        assertArrayEquals(new int[] {0x55}, command(0xaa, new int[0], 1));
        int ctr1 = command(0x20, new int[0], 1)[0];
        int ctr2 = command(0x20, new int[0], 1)[0];
        assertEquals(ctr1, ctr2, "a stable CTR read");
        int ctr = (ctr1 | 0x10) & ~0x01; // disable keyboard, keyboard interrupt off
        command(0x60, new int[] {ctr}, 0);
        assertEquals(ctr, command(0x20, new int[0], 1)[0]);
        assertArrayEquals(new int[] {0x00}, command(0xab, new int[0], 1));
        assertFalse(irq1());
    }

    @Test
    void linuxAuxProbeLoopAndToggle() {
        command(0x60, new int[] {0x44 | 0x30}, 0); // both ports disabled, interrupts off
        // i8042_check_aux: internal loopback through the aux output buffer
        int[] r = command(0xd3, new int[] {0x5a}, 0);
        assertEquals(0x21, status() & 0x21, "OBF with the aux data flag");
        assertEquals(0x5a, ctx.in(DATA));
        // i8042_toggle_aux: 0xA7/0xA8 visible in CTR bit 5
        command(0xa7, new int[0], 0);
        assertEquals(0x20, command(0x20, new int[0], 1)[0] & 0x20);
        command(0xa8, new int[0], 0);
        assertEquals(0, command(0x20, new int[0], 1)[0] & 0x20);
        // AUX IRQ delivery test: AUXINT on, 0xD3 raises IRQ 12
        command(0x60, new int[] {0x46}, 0);
        ctx.out(STATUS, 0xd3);
        ctx.out(DATA, 0xa5);
        assertTrue(irq12());
        assertFalse(irq1());
        assertEquals(0xa5, ctx.in(DATA));
        assertFalse(irq12());
        assertEquals(0, r.length);
    }

    @Test
    void linuxMuxProbeFindsNoMultiplexer() {
        // i8042_set_mux_mode: 0xF0, 0x56, 0xA4 through AUX_LOOP; a plain controller echoes 0xA4
        assertArrayEquals(new int[] {0xf0}, command(0xd3, new int[] {0xf0}, 1));
        assertArrayEquals(new int[] {0x56}, command(0xd3, new int[] {0x56}, 1));
        assertArrayEquals(new int[] {0xa4}, command(0xd3, new int[] {0xa4}, 1));
    }

    @Test
    void keyboardResetAndIdentifyThroughTranslation() {
        assertArrayEquals(new int[] {0xfa, 0xaa}, keyboard(0xff));
        assertArrayEquals(new int[] {0xfa, 0xab, 0x41}, keyboard(0xf2), "0x83 translated to 0x41 (atkbd expects 0xab41)");
        command(0x60, new int[] {0x07}, 0); // translation off
        assertArrayEquals(new int[] {0xfa, 0xab, 0x83}, keyboard(0xf2));
    }

    @Test
    void keyboardCommands() {
        command(0x60, new int[] {0x04}, 0); // no translation, no interrupts
        assertArrayEquals(new int[] {0xee}, keyboard(0xee));
        assertArrayEquals(new int[] {0xfa, 0xfa}, keyboard(0xed, 0x05));
        assertEquals(5, kbc.keyboardLeds());
        assertArrayEquals(new int[] {0xfa, 0xfa}, keyboard(0xf3, 0x20));
        assertArrayEquals(new int[] {0xfa, 0xfa, 0x02}, keyboard(0xf0, 0x00), "current scan code set");
        assertArrayEquals(new int[] {0xfa, 0xfa}, keyboard(0xf0, 0x03));
        assertArrayEquals(new int[] {0xfa, 0xfa, 0x03}, keyboard(0xf0, 0x00));
        assertArrayEquals(new int[] {0xfa}, keyboard(0xf5));
        kbc.pressKey(0x1c);
        assertArrayEquals(new int[0], drain(), "scanning disabled");
        assertArrayEquals(new int[] {0xfa}, keyboard(0xf4));
        kbc.pressKey(0x1c);
        assertArrayEquals(new int[] {0x1c}, drain());
        assertArrayEquals(new int[] {0xfe}, keyboard(0x12), "unknown command: resend");
        assertArrayEquals(new int[] {0xfa, 0xaa}, keyboard(0xff));
        assertEquals(0, kbc.keyboardLeds());
    }

    @Test
    void keysAreTranslatedToSet1AndRaiseIrq1() {
        kbc.pressKey(0x1c, 0xf0, 0x1c); // A pressed and released, set 2
        assertTrue(irq1());
        assertEquals(0x1e, ctx.in(DATA), "set 1 make code of A");
        assertTrue(irq1(), "the break code moved in at once");
        assertEquals(0x9e, ctx.in(DATA), "F0 folded into bit 7");
        assertFalse(irq1());
        kbc.pressKey(0xe0, 0x75); // cursor up
        assertArrayEquals(new int[] {0xe0, 0x48}, drain());
    }

    @Test
    void disabledKeyboardInterfaceHoldsBytes() {
        ctx.out(STATUS, 0xad);
        kbc.pressKey(0x1c);
        assertEquals(0, status() & 0x01);
        assertFalse(irq1());
        ctx.out(STATUS, 0xae);
        assertEquals(0x1e, ctx.in(DATA));
    }

    @Test
    void controllerAnswersComeBeforeQueuedKeys() {
        command(0x60, new int[] {0x44}, 0);
        kbc.pressKey(0x1c, 0x32); // A in the output buffer, B still in the keyboard
        ctx.out(STATUS, 0x20);
        assertEquals(0x1e, ctx.in(DATA), "the byte already in the output buffer is read first");
        assertEquals(0x44, ctx.in(DATA), "command byte ahead of the queued key");
        assertEquals(0x30, ctx.in(DATA));
        assertEquals(0, status() & 0x01);
    }

    @Test
    void keyboardBufferOverrun() {
        command(0x60, new int[] {0x10 | 0x04}, 0); // keyboard interface off: bytes stay in the keyboard
        for (int i = 0; i < 20; i++) {
            kbc.pressKey(0x1c);
        }
        command(0x60, new int[] {0x04}, 0);
        int[] got = drain();
        assertEquals(16, got.length);
        assertEquals(0x00, got[15], "overrun code");
    }

    @Test
    void outputPortA20AndReset() {
        assertArrayEquals(new int[] {0xc3}, command(0xd0, new int[0], 1));
        assertTrue(kbc.a20Enabled());
        command(0xd1, new int[] {0xc1}, 0);
        assertFalse(kbc.a20Enabled());
        assertEquals(0xc1, command(0xd0, new int[0], 1)[0]);
        command(0xdf, new int[0], 0);
        assertTrue(kbc.a20Enabled());
        assertTrue(ctx.resetRequests.isEmpty());
        command(0xd1, new int[] {0xc2}, 0);
        assertEquals(List.of("i8042 reset"), ctx.resetRequests);
    }

    @Test
    void outputPortReflectsBufferFullLines() {
        command(0x60, new int[] {0x44}, 0);
        kbc.pressKey(0x1c);
        ctx.out(STATUS, 0xd0); // read while a keyboard byte fills the output buffer
        assertEquals(0x1e, ctx.in(DATA));
        assertEquals(0xd3, ctx.in(DATA), "output port bit 4: keyboard output buffer full");
        ctx.out(STATUS, 0xd3);
        ctx.out(DATA, 0x00);
        ctx.out(STATUS, 0xd0);
        assertEquals(0x00, ctx.in(DATA));
        assertEquals(0xe3, ctx.in(DATA), "output port bit 5: auxiliary output buffer full");
    }

    @Test
    void writeKeyboardAndAuxOutputBuffer() {
        ctx.out(STATUS, 0xd2);
        ctx.out(DATA, 0x99);
        assertEquals(0x01, status() & 0x21);
        assertTrue(irq1());
        assertEquals(0x99, ctx.in(DATA));
        ctx.out(STATUS, 0xd4);
        ctx.out(DATA, 0xff);
        assertEquals(0x61, status() & 0x61, "no mouse: time-out with aux data");
        assertEquals(0xfe, ctx.in(DATA));
    }

    @Test
    void systemControlPortA() {
        assertEquals(0x00, ctx.in(0x92));
        ctx.out(0x92, 0x02);
        assertEquals(0x02, ctx.in(0x92));
        assertTrue(ctx.resetRequests.isEmpty());
        ctx.out(0x92, 0x03);
        assertEquals(List.of("port 0x92 fast reset"), ctx.resetRequests);
        assertEquals(0x02, ctx.in(0x92), "bit 0 reads back 0 after the pulse");
        command(0xd1, new int[] {0xc1}, 0);
        assertTrue(kbc.a20Enabled(), "port 0x92 bit 1 still enables A20");
    }

    @Test
    void guestWritesNeverThrow() {
        Random r = new Random(8042);
        int[] ports = {DATA, STATUS, 0x92};
        for (int i = 0; i < 20000; i++) {
            int p = ports[r.nextInt(3)];
            if (r.nextBoolean()) {
                ctx.out(p, r.nextInt(256));
            } else {
                ctx.in(p);
            }
            if (r.nextInt(20) == 0) {
                kbc.pressKey(r.nextInt(256));
            }
        }
    }

    @Test
    void stateRoundTripKeepsQueuedBytesAndPendingIrq() throws Exception {
        command(0x60, new int[] {0x44 | 0x01}, 0);
        kbc.pressKey(0x1c, 0xf0); // translation half-way through a break code
        ctx.out(STATUS, 0xd1); // a command waiting for its data byte
        DeviceState saved = kbc.saveState();
        assertTrue(irq1());

        DeviceTestContext c = new DeviceTestContext("i8042");
        I8042Controller fresh = (I8042Controller) new I8042Factory().create(c, DeviceTestContext.config("i8042"));
        fresh.restoreState(saved);
        assertArrayEquals(saved.data(), fresh.saveState().data());
        assertTrue(c.interrupts.level(1), "IRQ 1 high again");
        c.out(DATA, 0xc3);
        assertTrue(fresh.a20Enabled());
        assertEquals(0x1e, c.in(DATA));
        fresh.pressKey(0x1c);
        assertEquals(0x9e, c.in(DATA), "the swallowed F0 survived the swap");
        assertEquals(0, c.in(STATUS) & 0x01);
        c.out(STATUS, 0xfe);
        assertEquals(1, c.resetRequests.size());
    }

    @Test
    void restoreRejectsForeignState() {
        assertThrows(DeviceStateException.class, () -> kbc.restoreState(new DeviceState("uart16550", 1, new byte[0])));
        assertThrows(DeviceStateException.class, () -> kbc.restoreState(new DeviceState("i8042", 2, new byte[0])));
        assertThrows(DeviceStateException.class, () -> kbc.restoreState(new DeviceState("i8042", 1, new byte[5])));
    }

    @Test
    void resetRestoresPowerOn() {
        command(0x60, new int[] {0x00}, 0);
        kbc.pressKey(0x1c);
        kbc.reset();
        assertEquals(0x14, status());
        assertArrayEquals(new int[] {0x47}, command(0x20, new int[0], 1));
    }

    @Test
    void unknownConfigKeyIsAnError() {
        assertThrows(DeviceConfigException.class,
                () -> new I8042Factory().create(new DeviceTestContext(), DeviceTestContext.config("i8042", "irq", "3")));
    }
}
