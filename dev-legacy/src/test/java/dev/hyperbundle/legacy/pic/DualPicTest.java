package dev.hyperbundle.legacy.pic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperbundle.device.Device;
import dev.hyperbundle.device.DeviceConfigException;
import dev.hyperbundle.device.DeviceState;
import dev.hyperbundle.device.DeviceStateException;
import dev.hyperbundle.irq.IrqLine;
import dev.hyperbundle.testkit.DeviceTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DualPicTest {
    private DeviceTestContext ctx;
    private Device pic;
    private final IrqLine[] lines = new IrqLine[16];

    @BeforeEach
    void setUp() throws DeviceConfigException {
        ctx = new DeviceTestContext("pic0");
        pic = new PicFactory().create(ctx, DeviceTestContext.config("pic"));
        for (int i = 0; i < 16; i++) {
            lines[i] = ctx.irq(i);
        }
    }

    /** Linux arch/x86/kernel/i8259.c init_8259A(0), then unmask the given IRQs (cascade included). */
    private void linuxInit(int masterMask, int slaveMask) {
        ctx.out(0x21, 0xff);
        ctx.out(0xa1, 0xff);
        ctx.out(0x20, 0x11);
        ctx.out(0x21, 0x30);
        ctx.out(0x21, 0x04);
        ctx.out(0x21, 0x01);
        ctx.out(0xa0, 0x11);
        ctx.out(0xa1, 0x38);
        ctx.out(0xa1, 0x02);
        ctx.out(0xa1, 0x01);
        ctx.out(0x21, masterMask);
        ctx.out(0xa1, slaveMask);
    }

    private boolean intr() {
        return ctx.interrupts.intrAsserted();
    }

    private int ack() {
        return ctx.interrupts.acknowledge();
    }

    private int masterIsr() {
        ctx.out(0x20, 0x0b);
        int v = ctx.in(0x20);
        ctx.out(0x20, 0x0a);
        return v;
    }

    private int slaveIsr() {
        ctx.out(0xa0, 0x0b);
        int v = ctx.in(0xa0);
        ctx.out(0xa0, 0x0a);
        return v;
    }

    @Test
    void powerOnStateMasksAllButCascadeAndPassesLinuxProbe() {
        assertEquals(0xfb, ctx.in(0x21));
        assertEquals(0xff, ctx.in(0xa1));
        // probe_8259A: write 0xff to the slave mask, 0xfb to the master mask, read it back
        ctx.out(0xa1, 0xff);
        ctx.out(0x21, 0xfb);
        assertEquals(0xfb, ctx.in(0x21));
        assertEquals(0x20, ctx.in(0x4d0));
        assertEquals(0x0e, ctx.in(0x4d1));
    }

    @Test
    void timerIrqAfterLinuxInitGivesVector0x30AndSpecificEoiClearsIsr() {
        linuxInit(0xfa, 0xff);
        assertFalse(intr());
        lines[0].raise();
        assertTrue(intr());
        assertEquals(0x01, ctx.in(0x20), "IRR after the edge");
        assertEquals(0x30, ack());
        assertFalse(intr());
        assertEquals(0x01, masterIsr());
        assertEquals(0x00, ctx.in(0x20), "edge request consumed by INTA");
        ctx.out(0x20, 0x60); // specific EOI IR0, as mask_and_ack_8259A does
        assertEquals(0x00, masterIsr());
        assertFalse(intr(), "an edge input that stays high does not request again");
        lines[0].lower();
        lines[0].raise();
        assertTrue(intr());
        assertEquals(0x30, ack());
    }

    @Test
    void shortPulseIsLatchedOnEdgeInput() {
        linuxInit(0xef, 0xff);
        lines[4].pulse();
        assertTrue(intr());
        assertEquals(0x34, ack());
    }

    @Test
    void maskedLineDoesNotInterruptUntilUnmasked() {
        linuxInit(0xff, 0xff);
        lines[1].raise();
        assertFalse(intr());
        assertEquals(0x02, ctx.in(0x20), "IRR shows a masked request");
        ctx.out(0x21, 0xfd);
        assertTrue(intr());
        ctx.out(0x21, 0xff);
        assertFalse(intr());
    }

    @Test
    void fixedPriorityAndNesting() {
        linuxInit(0x00, 0xff);
        lines[3].raise();
        lines[1].raise();
        assertEquals(0x31, ack());
        assertFalse(intr(), "IR3 has lower priority than IR1 in service");
        lines[0].raise();
        assertTrue(intr(), "IR0 nests over IR1");
        assertEquals(0x30, ack());
        assertEquals(0x03, masterIsr());
        ctx.out(0x20, 0x20); // non-specific EOI clears the highest priority ISR bit: IR0
        assertEquals(0x02, masterIsr());
        assertFalse(intr());
        ctx.out(0x20, 0x20);
        assertEquals(0x00, masterIsr());
        assertTrue(intr());
        assertEquals(0x33, ack());
    }

    @Test
    void slaveInterruptThroughCascade() {
        linuxInit(0xfb, 0xef);
        lines[12].raise();
        assertTrue(intr());
        assertEquals(0x04, ctx.in(0x20), "master IRR shows the cascade");
        assertEquals(0x10, ctx.in(0xa0));
        assertEquals(0x3c, ack());
        assertEquals(0x04, masterIsr());
        assertEquals(0x10, slaveIsr());
        ctx.out(0xa0, 0x64);
        ctx.out(0x20, 0x62);
        assertEquals(0, masterIsr());
        assertEquals(0, slaveIsr());
        assertFalse(intr());
    }

    @Test
    void levelTriggeredLineRequestsAgainAfterEoiWhileHigh() {
        linuxInit(0xfb, 0xfb); // IRQ10 unmasked; ELCR default makes it level-triggered
        lines[10].raise();
        assertEquals(0x3a, ack());
        ctx.out(0xa0, 0x20);
        ctx.out(0x20, 0x20);
        assertTrue(intr(), "still high: requested again");
        assertEquals(0x3a, ack());
        lines[10].lower();
        ctx.out(0xa0, 0x20);
        ctx.out(0x20, 0x20);
        assertFalse(intr());
    }

    @Test
    void spuriousIrq7WhenLevelRequestVanishes() {
        linuxInit(0xdf, 0xff); // IRQ5: level by the default ELCR
        lines[5].raise();
        assertTrue(intr());
        lines[5].lower();
        assertFalse(intr());
        assertEquals(0x37, ack(), "default IR7");
        assertEquals(0x00, masterIsr(), "a spurious IR7 sets no ISR bit");
    }

    @Test
    void spuriousIrq15LeavesMasterCascadeInService() {
        linuxInit(0xfb, 0xfd); // IRQ9: level by the default ELCR
        lines[9].raise();
        assertTrue(intr());
        lines[9].lower();
        assertTrue(intr(), "master IR2 latched the slave's edge");
        assertEquals(0x3f, ack(), "the slave has nothing: default IR7 of the slave");
        assertEquals(0x04, masterIsr());
        assertEquals(0x00, slaveIsr());
        ctx.out(0x20, 0x62); // Linux: EOI to the master only
        assertEquals(0x00, masterIsr());
        assertFalse(intr());
    }

    @Test
    void slaveEdgePulseIsLatched() {
        linuxInit(0xfb, 0xbf);
        lines[14].pulse();
        assertEquals(0x3e, ack());
    }

    @Test
    void elcrRegistersHonourReservedBits() {
        ctx.out(0x4d0, 0xff);
        ctx.out(0x4d1, 0xff);
        assertEquals(0xf8, ctx.in(0x4d0));
        assertEquals(0xde, ctx.in(0x4d1));
        assertEquals(0xdef8, ctx.in(0x4d0, 2));
    }

    @Test
    void rotateOnNonSpecificEoiMakesServicedLevelLowest() {
        linuxInit(0x00, 0xff);
        lines[1].raise();
        assertEquals(0x31, ack());
        lines[0].raise();
        lines[3].raise();
        ctx.out(0x20, 0xa0); // rotate on non-specific EOI: IR1 becomes lowest, IR2 highest
        assertEquals(0x33, ack(), "IR3 now outranks IR0");
        ctx.out(0x20, 0x63);
        assertEquals(0x30, ack());
    }

    @Test
    void setPriorityCommand() {
        linuxInit(0x00, 0xff);
        ctx.out(0x20, 0xc4); // IR4 lowest: IR5 highest
        lines[0].raise();
        lines[6].raise();
        assertEquals(0x36, ack());
    }

    @Test
    void autoEoiLeavesNoIsrBit() {
        ctx.out(0x20, 0x11);
        ctx.out(0x21, 0x20);
        ctx.out(0x21, 0x04);
        ctx.out(0x21, 0x03); // ICW4: 8086, AEOI
        ctx.out(0x21, 0x00);
        lines[0].raise();
        assertEquals(0x20, ack());
        assertEquals(0, masterIsr());
        lines[0].lower();
        lines[0].raise();
        assertTrue(intr(), "no EOI needed");
    }

    @Test
    void pollCommandReadsAndAcknowledgesHighestRequest() {
        linuxInit(0x00, 0xff); // polled: the CPU keeps interrupts disabled and never acknowledges
        lines[6].raise();
        lines[3].raise();
        ctx.out(0x20, 0x0c);
        assertEquals(0x83, ctx.in(0x20));
        assertEquals(0x08, masterIsr());
        ctx.out(0x20, 0x0c);
        assertEquals(0x00, ctx.in(0x21), "IR6 is below IR3 in service: nothing");
        ctx.out(0x20, 0x20);
        ctx.out(0x20, 0x0c);
        assertEquals(0x86, ctx.in(0x21));
        assertEquals(0x00, ctx.in(0x21), "the next read is the mask again");
    }

    @Test
    void specialMaskModeLetsLowerLevelsIn() {
        linuxInit(0x00, 0xff);
        lines[3].raise();
        assertEquals(0x33, ack());
        lines[5].raise();
        assertFalse(intr());
        ctx.out(0x21, 0x08);
        ctx.out(0x20, 0x68); // OCW3: set special mask mode
        assertTrue(intr());
        assertEquals(0x35, ack());
        ctx.out(0x20, 0x48); // reset special mask mode
        assertEquals(0x28, masterIsr());
    }

    @Test
    void icw1ResetsEdgeSenseAndMask() {
        linuxInit(0x00, 0xff);
        lines[4].raise();
        ctx.out(0x20, 0x11);
        assertEquals(0x00, ctx.in(0x20), "IRR of an edge input is cleared");
        ctx.out(0x21, 0x30);
        ctx.out(0x21, 0x04);
        ctx.out(0x21, 0x01);
        assertEquals(0x00, ctx.in(0x21), "IMR cleared by ICW1");
        assertFalse(intr(), "the high line needs a new edge");
        lines[4].lower();
        lines[4].raise();
        assertEquals(0x34, ack());
    }

    @Test
    void nonsenseNeverThrows() {
        for (int port : new int[] {0x20, 0x21, 0xa0, 0xa1, 0x4d0, 0x4d1}) {
            for (int v = 0; v < 256; v++) {
                ctx.out(port, v);
                ctx.in(port);
                ctx.in(port, 2);
                ctx.in(port, 4);
                ctx.out(port, 4, 0xdeadbeefL);
                lines[v & 15].set((v & 16) != 0);
                if (intr()) {
                    ack();
                }
            }
        }
        ack();
    }

    @Test
    void saveRestoreRoundTrip() throws Exception {
        linuxInit(0x00, 0x00);
        ctx.out(0x20, 0xc2); // IR2 lowest: IR3 highest
        lines[12].raise();
        lines[3].raise();
        lines[10].raise();
        assertEquals(0x33, ack());
        lines[1].raise();
        ctx.out(0xa0, 0x0b); // the slave reads ISR
        ctx.out(0x4d1, 0x06); // IRQ9, IRQ10 level
        DeviceState saved = pic.saveState();

        DeviceTestContext ctx2 = new DeviceTestContext("pic0");
        for (int irq : new int[] {1, 3, 10, 12}) {
            ctx2.irq(irq).raise();
        }
        Device pic2 = new PicFactory().create(ctx2, DeviceTestContext.config("pic"));
        pic2.restoreState(saved);
        DeviceState again = pic2.saveState();
        assertEquals(saved.type(), again.type());
        assertEquals(saved.version(), again.version());
        assertArrayEquals(saved.data(), again.data());
        assertFalse(ctx2.interrupts.intrAsserted(), "IR1 and the cascade rank below IR3 in service");
        String expected = behaviour(ctx);
        assertEquals(expected, behaviour(ctx2));
        assertEquals("irr=06 isr=08 imr=00 slave=00 elcr=06 vectors=intr 31,3a,3c,3a,3a,3a,", expected);
    }

    /** Reads registers, then acknowledges and EOIs until INTR stays low, naming the vectors. */
    private static String behaviour(DeviceTestContext c) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("irr=%02x ", c.in(0x20)));
        c.out(0x20, 0x0b);
        b.append(String.format("isr=%02x imr=%02x slave=%02x elcr=%02x vectors=", c.in(0x20), c.in(0x21), c.in(0xa0),
                c.in(0x4d1)));
        c.out(0x20, 0x20);
        b.append(c.interrupts.intrAsserted() ? "intr " : "no-intr ");
        for (int i = 0; i < 6 && c.interrupts.intrAsserted(); i++) {
            int v = c.interrupts.acknowledge();
            b.append(String.format("%02x,", v));
            if (v >= 0x38) {
                c.out(0xa0, 0xa0); // rotate on non-specific EOI
            }
            c.out(0x20, 0xa0);
        }
        return b.toString();
    }

    @Test
    void restoreRejectsOtherTypes() {
        assertThrows(DeviceStateException.class, () -> pic.restoreState(new DeviceState("pit", 1, new byte[0])));
        assertThrows(DeviceStateException.class, () -> pic.restoreState(new DeviceState("pic", 1, new byte[3])));
    }
}
