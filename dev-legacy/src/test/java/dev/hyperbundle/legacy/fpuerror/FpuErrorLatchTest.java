package dev.hyperbundle.legacy.fpuerror;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperbundle.device.DeviceConfigException;
import dev.hyperbundle.device.DeviceState;
import dev.hyperbundle.device.DeviceStateException;
import dev.hyperbundle.testkit.DeviceTestContext;
import org.junit.jupiter.api.Test;

/** FERR# to IRQ 13, port 0xF0 and IGNNE#, as the CPU and the guest's IRQ 13 handler see them through the machine's pins. */
class FpuErrorLatchTest {
    private final DeviceTestContext ctx = new DeviceTestContext("fpu-error");

    private FpuErrorLatch create(DeviceTestContext c) throws DeviceConfigException {
        return (FpuErrorLatch) new FpuErrorLatchFactory().create(c, DeviceTestContext.config("fpu-error"));
    }

    @Test
    void ferrRaisesIrq13AndThePortWriteTradesItForIgnne() throws Exception {
        create(ctx);
        assertFalse(ctx.interrupts.level(13));
        ctx.interrupts.setFerr(true); // the CPU froze at a waiting x87 instruction
        assertTrue(ctx.interrupts.level(13));
        assertFalse(ctx.interrupts.ignne());
        ctx.out(0xF0, 0); // the IRQ 13 handler: outb(0, 0xF0)
        assertFalse(ctx.interrupts.level(13));
        assertTrue(ctx.interrupts.ignne(), "the frozen instruction may run now");
        ctx.interrupts.setFerr(false); // FNCLEX
        assertFalse(ctx.interrupts.ignne());
        assertFalse(ctx.interrupts.level(13));
    }

    @Test
    void ferrWhileIgnneIsAssertedRaisesNothing() throws Exception {
        create(ctx);
        ctx.interrupts.setFerr(true);
        ctx.out(0xF0, 0);
        ctx.interrupts.setFerr(true); // no change of the pin: nothing happens
        assertFalse(ctx.interrupts.level(13));
        assertTrue(ctx.interrupts.ignne());
    }

    @Test
    void irq13StaysUntilThePortWriteEvenWhenFerrDrops() throws Exception {
        create(ctx);
        ctx.interrupts.setFerr(true);
        ctx.interrupts.setFerr(false);
        assertTrue(ctx.interrupts.level(13));
        ctx.out(0xF0, 0);
        assertFalse(ctx.interrupts.level(13));
        assertFalse(ctx.interrupts.ignne(), "IGNNE# is asserted only while FERR# is");
    }

    @Test
    void aPortWriteWithoutFerrChangesNothingAndReadsFindNothing() throws Exception {
        create(ctx);
        ctx.out(0xF0, 0xff);
        assertFalse(ctx.interrupts.ignne());
        assertFalse(ctx.interrupts.level(13));
        assertEquals(0xff, ctx.in(0xF0));
        assertEquals(0xffff, ctx.in(0xF0, 2));
    }

    @Test
    void resetDropsIrq13AndIgnne() throws Exception {
        FpuErrorLatch latch = create(ctx);
        ctx.interrupts.setFerr(true);
        ctx.out(0xF0, 0);
        ctx.interrupts.setFerr(false);
        ctx.interrupts.setFerr(true);
        latch.reset();
        assertFalse(ctx.interrupts.level(13));
        assertFalse(ctx.interrupts.ignne());
    }

    @Test
    void stateRoundTripKeepsThePinsOfTheMachine() throws Exception {
        FpuErrorLatch latch = create(ctx);
        ctx.interrupts.setFerr(true);
        ctx.out(0xF0, 0);
        DeviceState saved = latch.saveState();
        DeviceTestContext c = new DeviceTestContext("fpu-error");
        FpuErrorLatch fresh = create(c);
        fresh.restoreState(saved);
        assertArrayEquals(saved.data(), fresh.saveState().data());
        assertTrue(c.interrupts.ignne());
        assertFalse(c.interrupts.level(13));
        c.interrupts.setFerr(true);
        c.interrupts.setFerr(false); // FNCLEX on the new instance drops IGNNE#
        assertFalse(c.interrupts.ignne());
        assertThrows(DeviceStateException.class, () -> fresh.restoreState(new DeviceState("post-port", 1, new byte[0])));
    }

    @Test
    void takesNoParameters() {
        assertThrows(DeviceConfigException.class,
                () -> new FpuErrorLatchFactory().create(new DeviceTestContext(), DeviceTestContext.config("fpu-error", "port", "0xF1")));
    }
}
