package dev.hyperbundle.legacy.pit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperbundle.device.Device;
import dev.hyperbundle.device.DeviceState;
import dev.hyperbundle.device.DeviceStateException;
import dev.hyperbundle.irq.InterruptController;
import dev.hyperbundle.testkit.DeviceTestContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class Pit8254Test {
    private DeviceTestContext ctx;
    private Device pit;
    private EdgeRecorder irq0;

    /** An interrupt controller that records when IRQ 0 rises (guest nanoseconds). */
    static final class EdgeRecorder implements InterruptController {
        final List<Long> rises = new ArrayList<>();
        final DeviceTestContext ctx;
        boolean level;

        EdgeRecorder(DeviceTestContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void setIrq(int irq, boolean high) {
            if (irq == 0) {
                if (high && !level) {
                    rises.add(ctx.clock.nanos());
                }
                level = high;
            }
        }

        @Override
        public int acknowledge() {
            return 0x30;
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        ctx = new DeviceTestContext("pit0");
        irq0 = new EdgeRecorder(ctx);
        ctx.interrupts.install(irq0);
        pit = new PitFactory().create(ctx, DeviceTestContext.config("pit"));
    }

    private long tick() {
        return PitClock.ticks(ctx.clock.nanos());
    }

    /** Moves the clock to the first nanosecond of the given input clock tick, firing timers on the way. */
    private void runToTick(long tick) {
        ctx.run(PitClock.nanosAt(tick) - ctx.clock.nanos());
    }

    private void program(int channel, int control, int count) {
        ctx.out(0x43, control);
        ctx.out(0x40 + channel, count & 0xff);
        ctx.out(0x40 + channel, count >> 8);
    }

    private int readWord(int channel) {
        int lo = ctx.in(0x40 + channel);
        return lo | ctx.in(0x40 + channel) << 8;
    }

    @Test
    void clockConversionIsExactBothWays() {
        assertEquals(1_193_182, PitClock.ticks(1_000_000_000L));
        assertEquals(0, PitClock.ticks(838));
        assertEquals(1, PitClock.ticks(839));
        assertEquals(839, PitClock.nanosAt(1));
        for (long t : new long[] {1, 11932, 1_193_181, 1_193_182, 123_456_789_012L}) {
            long ns = PitClock.nanosAt(t);
            assertEquals(t, PitClock.ticks(ns));
            assertEquals(t - 1, PitClock.ticks(ns - 1));
        }
    }

    @Test
    void mode2ReloadGivesExactlyHzOverCountEdgesPerGuestSecond() {
        program(0, 0x34, 11932); // Linux's setup_pit_timer: mode 2, LSB then MSB
        long loaded = tick() + 1;
        irq0.rises.clear();
        ctx.run(100_000_000_000L); // 100 guest seconds
        // edges at loaded + k * 11932 for k >= 1, up to 100 * 1193182 ticks
        assertEquals((100 * 1_193_182L - loaded) / 11932, irq0.rises.size());
        assertEquals(9999, irq0.rises.size()); // 99.998 per second
        assertEquals(PitClock.nanosAt(loaded + 11932), irq0.rises.get(0));
        assertEquals(PitClock.nanosAt(loaded + 2 * 11932), irq0.rises.get(1));
    }

    @Test
    void linuxHz250TickRate() {
        program(0, 0x34, (1_193_182 + 125) / 250); // LATCH = 4773
        irq0.rises.clear();
        ctx.run(10_000_000_000L);
        assertEquals(2499, irq0.rises.size()); // (11931820 - 1) / 4773
    }

    @Test
    void lateTimerCoalescesMissedEdgesIntoOne() {
        program(0, 0x34, 1000);
        long s = tick() + 1;
        irq0.rises.clear();
        ctx.clock.advance(10_000_000); // a vCPU that serviced the clock late
        ctx.clock.runDue();
        assertEquals(1, irq0.rises.size());
        assertEquals(1000 - (tick() - s) % 1000, readWord(0), "the count itself is exact");
        ctx.run(PitClock.nanosAt(s + 13_000) - ctx.clock.nanos()); // edges at 12000 and 13000
        assertEquals(3, irq0.rises.size(), "then on time again");
    }

    @Test
    void mode0OnChannel2ReportsOut2OnPortBAtExactlyTheCount() {
        // tsc.c pit_calibrate_tsc: gate high, speaker off, mode 0, LSB then MSB, poll port 0x61 bit 5
        ctx.out(0x61, (ctx.in(0x61) & ~0x02) | 0x01);
        int latch = 1_193_182 / (1000 / 10);
        ctx.out(0x43, 0xb0);
        ctx.out(0x42, latch & 0xff);
        ctx.out(0x42, latch >> 8);
        long written = tick();
        long t1 = ctx.clock.nanos();
        assertEquals(0x01, ctx.in(0x61) & 0x23, "OUT2 low while counting");
        runToTick(written + latch);
        assertEquals(0x01, ctx.in(0x61) & 0x21, "the count is loaded one CLK after the write: N+1 pulses");
        assertEquals(1, readWord(2));
        runToTick(written + latch + 1);
        assertEquals(0x21, ctx.in(0x61) & 0x21);
        assertEquals(0, readWord(2));
        long delta = ctx.clock.nanos() - t1; // TSC ticks at 1 GHz
        long khz = delta / 10; // tsc.c: delta / ms
        assertTrue(Math.abs(khz - 1_000_000) < 200, "calibrated " + khz + " kHz");
        runToTick(written + latch + 5);
        assertEquals(0xfffc, readWord(2), "mode 0 keeps counting down after terminal count");
    }

    @Test
    void mode0GateLowSuspendsCounting() {
        ctx.out(0x61, 0x01);
        program(2, 0xb0, 100);
        long t0 = tick();
        runToTick(t0 + 11);
        assertEquals(90, readWord(2));
        ctx.out(0x61, 0x00);
        runToTick(t0 + 500);
        assertEquals(90, readWord(2));
        assertEquals(0, ctx.in(0x61) & 0x20);
        ctx.out(0x61, 0x01);
        runToTick(t0 + 500 + 90);
        assertEquals(0x20, ctx.in(0x61) & 0x20);
    }

    @Test
    void counterLatchFreezesTheValueUntilRead() {
        program(0, 0x34, 1000);
        long t0 = tick();
        runToTick(t0 + 300);
        ctx.out(0x43, 0x00); // latch counter 0
        runToTick(t0 + 650);
        ctx.out(0x43, 0x00); // ignored: the first latch is still unread
        assertEquals(701, readWord(0));
        assertEquals(351, readWord(0), "live count after the latch was read");
    }

    @Test
    void bcdCounting() {
        ctx.out(0x61, 0x01);
        program(2, 0xb1, 0x1000); // mode 0, BCD, count 1000
        long t0 = tick();
        runToTick(t0 + 2);
        assertEquals(0x0999, readWord(2));
        runToTick(t0 + 1 + 1000);
        assertEquals(0x0000, readWord(2));
        assertEquals(0x20, ctx.in(0x61) & 0x20);
        runToTick(t0 + 1 + 1001);
        assertEquals(0x9999, readWord(2), "BCD wraps at 10000");
        program(2, 0xb1, 0x0000); // 0 is 10000 in BCD
        long t1 = tick();
        runToTick(t1 + 1 + 9999);
        assertEquals(0x0001, readWord(2));
    }

    @Test
    void lsbOnlyAndMsbOnlyAccess() {
        ctx.out(0x61, 0x01);
        ctx.out(0x43, 0x90); // counter 2, LSB only, mode 0
        ctx.out(0x42, 0x20);
        long t0 = tick();
        runToTick(t0 + 1 + 2);
        assertEquals(0x1e, ctx.in(0x42));
        assertEquals(0x1e, ctx.in(0x42), "LSB only: every read is the LSB");
        ctx.out(0x43, 0xa0); // MSB only
        ctx.out(0x42, 0x02); // count 0x200
        long t1 = tick();
        runToTick(t1 + 1 + 0x101);
        assertEquals(0x00, ctx.in(0x42), "0x200 - 0x101 = 0xff: MSB 0");
        runToTick(t1 + 1 + 0x100);
    }

    @Test
    void readBackStatusAndNullCount() {
        ctx.out(0x43, 0x34);
        ctx.out(0x43, 0xe2); // read-back status of counter 0
        assertEquals(0xf4, ctx.in(0x40), "OUT high, null count, LSB/MSB, mode 2, binary");
        ctx.out(0x40, 0x10);
        ctx.out(0x40, 0x00);
        ctx.out(0x43, 0xe2);
        assertEquals(0xf4, ctx.in(0x40), "still null until the next CLK loads the count");
        runToTick(tick() + 1);
        ctx.out(0x43, 0xc2); // count and status
        assertEquals(0xb4, ctx.in(0x40), "status first");
        assertEquals(0x10, readWord(0));
        ctx.out(0x43, 0x30); // mode 0
        ctx.out(0x43, 0xe2);
        assertEquals(0x70, ctx.in(0x40), "mode 0: OUT low after the control word");
        ctx.out(0x43, 0xb6); // counter 2, mode 3 (written as 011)
        ctx.out(0x43, 0xe8);
        assertEquals(0x76, ctx.in(0x42) & 0x7f);
        ctx.out(0x43, 0xbc); // mode written as 110 reads back as 110
        ctx.out(0x43, 0xe8);
        assertEquals(0x7c, ctx.in(0x42) & 0x7f);
    }

    @Test
    void mode1RetriggerableOneShotOnGate() {
        program(2, 0xb2, 100);
        assertEquals(0x20, ctx.in(0x61) & 0x20, "OUT high until triggered");
        ctx.out(0x61, 0x01); // rising GATE: trigger
        long t0 = tick();
        runToTick(t0 + 1);
        assertEquals(0, ctx.in(0x61) & 0x20);
        assertEquals(100, readWord(2));
        runToTick(t0 + 1 + 99);
        assertEquals(0, ctx.in(0x61) & 0x20);
        runToTick(t0 + 1 + 100);
        assertEquals(0x21, ctx.in(0x61) & 0x21);
    }

    @Test
    void mode3SquareWaveHalves() {
        program(2, 0xb6, 7);
        ctx.out(0x61, 0x03); // gate and speaker on: reloads on the rising gate
        long s = tick() + 1;
        StringBuilder wave = new StringBuilder();
        for (int i = 0; i < 14; i++) {
            runToTick(s + i);
            wave.append((ctx.in(0x61) & 0x20) != 0 ? '1' : '0');
        }
        assertEquals("11110001111000", wave.toString(), "odd count: high (N+1)/2, low (N-1)/2");
        assertEquals(0x03, ctx.in(0x61) & 0x0f);
    }

    @Test
    void mode2GateLowForcesOutHighAndRisingGateReloads() {
        program(2, 0xb4, 50);
        ctx.out(0x61, 0x01);
        long t0 = tick();
        runToTick(t0 + 1 + 20);
        assertEquals(30, readWord(2));
        ctx.out(0x61, 0x00);
        runToTick(t0 + 200);
        assertEquals(30, readWord(2), "counting stopped");
        assertEquals(0x20, ctx.in(0x61) & 0x20);
        ctx.out(0x61, 0x01);
        long t1 = tick();
        runToTick(t1 + 1);
        assertEquals(50, readWord(2), "reloaded");
        runToTick(t1 + 1 + 49);
        assertEquals(0, ctx.in(0x61) & 0x20, "one CLK low at count 1");
        runToTick(t1 + 1 + 50);
        assertEquals(0x20, ctx.in(0x61) & 0x20);
    }

    @Test
    void mode4StrobeOnIrq0() {
        program(0, 0x38, 500);
        long t0 = tick();
        irq0.rises.clear();
        ctx.run(1_000_000);
        assertEquals(List.of(PitClock.nanosAt(t0 + 1 + 501)), irq0.rises);
    }

    @Test
    void mode0OneShotOnIrq0RisesOnceAfterNPlusOneClocks() {
        ctx.out(0x43, 0x30); // Linux's i8253 clockevent oneshot
        ctx.run(5_000);
        irq0.rises.clear();
        ctx.out(0x40, 0xe8);
        ctx.out(0x40, 0x03);
        long t0 = tick();
        ctx.run(5_000_000);
        assertEquals(List.of(PitClock.nanosAt(t0 + 1 + 1000)), irq0.rises);
    }

    @Test
    void newCountInMode2TakesEffectAtTheNextReload() {
        program(0, 0x34, 1000);
        long s = tick() + 1;
        runToTick(s + 400);
        irq0.rises.clear();
        ctx.out(0x40, 0xf4);
        ctx.out(0x40, 0x01); // 500
        ctx.run(PitClock.nanosAt(s + 1000 + 500 + 1) - ctx.clock.nanos());
        assertEquals(List.of(PitClock.nanosAt(s + 1000), PitClock.nanosAt(s + 1500)), irq0.rises);
    }

    @Test
    void portBRefreshToggleAndWriteOnlyControlRegister() {
        int a = ctx.in(0x61) & 0x10;
        runToTick(tick() + 18);
        assertEquals(a ^ 0x10, ctx.in(0x61) & 0x10);
        ctx.out(0x61, 0xff);
        assertEquals(0x0f, ctx.in(0x61) & 0xcf);
        assertEquals(0xff, ctx.in(0x43));
    }

    @Test
    void drivesThe8259TimerInterruptAsLinuxSetsItUp() throws Exception {
        DeviceTestContext c = new DeviceTestContext("machine");
        new dev.hyperbundle.legacy.pic.PicFactory().create(c, DeviceTestContext.config("pic"));
        new PitFactory().create(c, DeviceTestContext.config("pit"));
        int[] init = {0x21, 0xff, 0xa1, 0xff, 0x20, 0x11, 0x21, 0x30, 0x21, 0x04, 0x21, 0x01, 0xa0, 0x11, 0xa1, 0x38,
            0xa1, 0x02, 0xa1, 0x01, 0x21, 0xfe, 0xa1, 0xff};
        for (int i = 0; i < init.length; i += 2) {
            c.out(init[i], init[i + 1]);
        }
        c.out(0x43, 0x34);
        c.out(0x40, 4773 & 0xff);
        c.out(0x40, 4773 >> 8);
        int ticks = 0;
        for (int step = 0; step < 10_000; step++) { // one guest second in 100 us steps
            c.run(100_000);
            if (c.interrupts.intrAsserted()) {
                assertEquals(0x30, c.interrupts.acknowledge());
                c.out(0x20, 0x60);
                ticks++;
            }
        }
        // The mode 2 control word takes OUT0 high at once (the line was low since power-on): one interrupt,
        // as on hardware whose OUT0 was low; then (1193182 - 1) / 4773 = 249 edges, each one interrupt.
        assertEquals(1 + 249, ticks);
    }

    @Test
    void nonsenseNeverThrows() {
        for (int v = 0; v < 256; v++) {
            for (int port = 0x40; port <= 0x43; port++) {
                ctx.out(port, v);
                ctx.in(port);
                ctx.out(0x61, v);
                ctx.in(0x61, 2);
                ctx.out(port, 4, 0xffffffffL);
            }
            ctx.run(7_777);
        }
        ctx.run(1_000_000_000L);
    }

    @Test
    void saveRestoreRoundTrip() throws Exception {
        program(0, 0x34, 4773);
        ctx.out(0x61, 0x01);
        program(2, 0xb0, 30000);
        ctx.run(12_345_678);
        ctx.out(0x43, 0x80); // latch counter 2
        ctx.in(0x42); // LSB read, MSB pending
        ctx.out(0x43, 0x40); // counter 1 latch
        DeviceState saved = pit.saveState();

        DeviceTestContext ctx2 = new DeviceTestContext("pit0");
        EdgeRecorder irq2 = new EdgeRecorder(ctx2);
        ctx2.interrupts.install(irq2);
        ctx2.clock.setNanos(ctx.clock.nanos());
        ctx2.irq(0).set(ctx.interrupts.level(0)); // the slot's IRQ handle keeps its level over a hot-swap
        Device pit2 = new PitFactory().create(ctx2, DeviceTestContext.config("pit"));
        pit2.restoreState(saved);
        assertArrayEquals(saved.data(), pit2.saveState().data());

        irq0.rises.clear();
        irq2.rises.clear();
        String a = behaviour(ctx);
        String b = behaviour(ctx2);
        assertEquals(a, b);
        assertEquals(irq0.rises, irq2.rises);
        assertEquals(2, irq0.rises.size()); // 250 Hz from 12.3 ms to 22.3 ms: at 16 and 20 ms
    }

    private static String behaviour(DeviceTestContext c) {
        StringBuilder b = new StringBuilder();
        b.append(c.in(0x42)).append(',').append(c.in(0x41)).append(',').append(c.in(0x41)).append(',');
        c.run(10_000_000);
        b.append(c.in(0x40)).append(',').append(c.in(0x40)).append(',').append(c.in(0x42)).append(',');
        b.append(c.in(0x61) & 0x2f);
        return b.toString();
    }

    @Test
    void restoreRejectsOtherTypes() {
        assertThrows(DeviceStateException.class, () -> pit.restoreState(new DeviceState("rtc", 1, new byte[0])));
        assertThrows(DeviceStateException.class, () -> pit.restoreState(new DeviceState("pit", 1, new byte[5])));
    }
}
