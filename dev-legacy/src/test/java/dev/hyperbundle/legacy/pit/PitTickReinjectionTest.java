package dev.hyperbundle.legacy.pit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hyperbundle.device.Device;
import dev.hyperbundle.device.DeviceState;
import dev.hyperbundle.irq.InterruptController;
import dev.hyperbundle.irq.InterruptPin;
import dev.hyperbundle.testkit.DeviceTestContext;
import org.junit.jupiter.api.Test;

/**
 * Ticks the guest could not take in time (the vCPU ran late, interrupts were off for several periods)
 * are re-injected one per acknowledge, so the guest's tick count catches up with its clock.
 */
class PitTickReinjectionTest {
    /** Counts IRQ 0 rising edges and acknowledges on demand, as the PIC's INTA would. */
    static final class AckingController implements InterruptController {
        InterruptPin pin;
        int pendingEdges;
        boolean level;

        @Override
        public void setIrq(int irq, boolean high) {
            if (irq == 0 && high && !level) {
                pendingEdges = 1; // an edge-triggered IRR bit: further edges before INTA coalesce
            }
            if (irq == 0) {
                level = high;
            }
        }

        @Override
        public int acknowledge() {
            return 0x30;
        }

        /** The CPU takes the pending tick, if any; returns whether there was one. */
        boolean take() {
            if (pendingEdges == 0) {
                return false;
            }
            pendingEdges = 0;
            pin.acknowledged(0);
            return true;
        }
    }

    private static int ticksTaken(DeviceTestContext ctx, AckingController pic, long nanos, long step) {
        int taken = 0;
        for (long t = 0; t < nanos; t += step) {
            ctx.run(step);
            while (pic.take()) {
                taken++;
            }
        }
        return taken;
    }

    /** Linux's periodic tick: mode 2, LSB then MSB, reload 4773 (HZ=250). */
    private static void programHz250(DeviceTestContext ctx) {
        ctx.out(0x43, 0x34);
        ctx.out(0x40, 4773 & 0xff);
        ctx.out(0x40, 4773 >> 8);
    }

    @Test
    void aVcpuThatServicesTimersLateStillGetsEveryTick() throws Exception {
        DeviceTestContext ctx = new DeviceTestContext("pit0");
        AckingController pic = new AckingController();
        pic.pin = ctx.interrupts.install(pic);
        new PitFactory().create(ctx, DeviceTestContext.config("pit"));
        programHz250(ctx);
        ticksTaken(ctx, pic, 4_000_000, 4_000_000); // settle the new count
        // The vCPU only gets to run every 20 ms (five tick periods): without re-injection it would see
        // one tick per 20 ms, a fifth of the rate.
        int taken = ticksTaken(ctx, pic, 1_000_000_000L, 20_000_000L);
        assertEquals(250, taken, 1, "ticks in one guest second");
    }

    @Test
    void onTimeDeliveryNeedsNoReinjection() throws Exception {
        DeviceTestContext ctx = new DeviceTestContext("pit0");
        AckingController pic = new AckingController();
        pic.pin = ctx.interrupts.install(pic);
        new PitFactory().create(ctx, DeviceTestContext.config("pit"));
        programHz250(ctx);
        ticksTaken(ctx, pic, 4_000_000, 4_000_000);
        assertEquals(250, ticksTaken(ctx, pic, 1_000_000_000L, 1_000_000L), 1);
    }

    @Test
    void atMostMaxLostTicksAreKeptAndTheyAreState() throws Exception {
        DeviceTestContext ctx = new DeviceTestContext("pit0");
        AckingController pic = new AckingController();
        pic.pin = ctx.interrupts.install(pic);
        Device pit = new PitFactory().create(ctx, DeviceTestContext.config("pit"));
        programHz250(ctx);
        ticksTaken(ctx, pic, 4_000_000, 4_000_000);
        ctx.run(2_000_000_000L); // 500 periods without the CPU taking any
        DeviceState saved = pit.saveState();
        assertEquals(2, saved.version());
        // A new instance on a fresh machine (its own clock at the same time) continues the re-injection.
        DeviceTestContext ctx2 = new DeviceTestContext("pit0");
        ctx2.clock.setNanos(ctx.clock.nanos());
        AckingController pic2 = new AckingController();
        pic2.pin = ctx2.interrupts.install(pic2);
        Device restored = new PitFactory().create(ctx2, DeviceTestContext.config("pit"));
        restored.restoreState(saved);
        pic2.pendingEdges = 1; // the edge the first PIC latched moves with the machine
        int burst = 0;
        while (pic2.take()) {
            burst++;
        }
        assertEquals(Pit8254.MAX_LOST_TICKS + 1, burst, "the latched tick plus at most MAX_LOST_TICKS re-injected");
    }
}
