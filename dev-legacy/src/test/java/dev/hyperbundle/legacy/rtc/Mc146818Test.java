package dev.hyperbundle.legacy.rtc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperbundle.device.Device;
import dev.hyperbundle.device.DeviceConfigException;
import dev.hyperbundle.device.DeviceState;
import dev.hyperbundle.device.DeviceStateException;
import dev.hyperbundle.testkit.DeviceTestContext;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class Mc146818Test {
    private static final long MS = 1_000_000L;
    private DeviceTestContext ctx;
    private Device rtc;

    @BeforeEach
    void setUp() throws DeviceConfigException {
        ctx = new DeviceTestContext("rtc0");
        rtc = create(ctx, "start", "2024-01-02T03:04:05", "memory", String.valueOf(256L << 20));
    }

    private static Device create(DeviceTestContext c, String... params) throws DeviceConfigException {
        return new RtcFactory().create(c, DeviceTestContext.config("rtc", params));
    }

    private int cmos(int index) {
        ctx.out(0x70, index);
        return ctx.in(0x71);
    }

    private void cmos(int index, int value) {
        ctx.out(0x70, index);
        ctx.out(0x71, value);
    }

    private String time() {
        return String.format("%02x:%02x:%02x wd%x %02x-%02x-%02x%02x", cmos(4), cmos(2), cmos(0), cmos(6), cmos(7), cmos(8),
                cmos(0x32), cmos(9));
    }

    @Test
    void readsStartTimeInBcdAndAdvancesWithGuestTime() {
        assertEquals("03:04:05 wd3 02-01-2024", time()); // 2024-01-02 was a Tuesday: day 3
        ctx.run(2_000 * MS);
        assertEquals("03:04:07 wd3 02-01-2024", time());
        ctx.run(999 * MS);
        assertEquals(0x07, cmos(0));
        ctx.run(1 * MS);
        assertEquals(0x08, cmos(0));
    }

    @Test
    void binaryAnd12HourModes() {
        cmos(0x0b, 0x06); // binary, 24-hour
        assertEquals(5, cmos(0));
        assertEquals(24, cmos(9));
        assertEquals(20, cmos(0x32));
        assertEquals(3, cmos(4));
        cmos(0x0b, 0x04); // binary, 12-hour
        assertEquals(3, cmos(4), "3 AM");
        cmos(0x0b, 0x00); // BCD, 12-hour
        ctx.run(12 * 3600_000 * MS);
        assertEquals(0x83, cmos(4), "3 PM: PM flag in bit 7");
        ctx.run(9 * 3600_000 * MS); // 00:04 on the next day
        assertEquals(0x12, cmos(4), "midnight is 12 AM");
        assertEquals(0x03, cmos(7));
    }

    @Test
    void updateInProgressFor244usBeforeEachUpdate() {
        assertEquals(0x26, cmos(0x0a));
        ctx.run(1_000_000_000L - Mc146818.UIP_NANOS - 1);
        assertEquals(0x26, cmos(0x0a));
        ctx.run(1);
        assertEquals(0xa6, cmos(0x0a));
        assertEquals(0x05, cmos(0), "the update has not happened yet");
        ctx.run(Mc146818.UIP_NANOS - 1);
        assertEquals(0xa6, cmos(0x0a));
        ctx.run(1);
        assertEquals(0x26, cmos(0x0a));
        assertEquals(0x06, cmos(0));
        cmos(0x0a, 0xa6);
        assertEquals(0x26, cmos(0x0a), "UIP is read-only");
    }

    private int countPeriodicInterrupts(long nanos) {
        int count = 0;
        for (long t = 0; t < nanos; t += 50_000) {
            ctx.run(50_000);
            if (ctx.interrupts.level(8)) {
                int c = cmos(0x0c);
                assertEquals(0xc0, c & 0xc0);
                assertFalse(ctx.interrupts.level(8), "reading C lowers IRQ 8");
                count++;
            }
        }
        return count;
    }

    @Test
    void periodicInterruptRates() {
        cmos(0x0b, 0x42); // PIE
        assertEquals(1024, countPeriodicInterrupts(1_000_000_000L));
        cmos(0x0a, 0x2f); // RS = 1111: 2 Hz
        assertEquals(2, countPeriodicInterrupts(1_000_000_000L));
        cmos(0x0a, 0x23); // RS = 0011: 8192 Hz, 122.07 us
        cmos(0x0c);
        ctx.run(122_070);
        assertFalse(ctx.interrupts.level(8));
        ctx.run(1);
        assertTrue(ctx.interrupts.level(8));
        cmos(0x0a, 0x20); // RS = 0: none
        cmos(0x0c);
        ctx.run(10_000 * MS);
        assertFalse(ctx.interrupts.level(8));
    }

    @Test
    void registerCFlagsAreSetWithoutEnablesAndClearedByReading() {
        ctx.run(1_000 * MS);
        assertEquals(0x50, cmos(0x0c), "PF and UF, no IRQF without enables");
        assertEquals(0x00, cmos(0x0c));
        assertFalse(ctx.interrupts.level(8));
        cmos(0x0b, 0x12); // UIE
        ctx.run(999 * MS);
        assertFalse(ctx.interrupts.level(8));
        ctx.run(1 * MS);
        assertTrue(ctx.interrupts.level(8));
        assertEquals(0xd0, cmos(0x0c));
        assertFalse(ctx.interrupts.level(8));
        assertEquals(0x80, cmos(0x0d), "VRT");
    }

    @Test
    void alarmInterrupt() {
        cmos(0x01, 0x10);
        cmos(0x03, 0x04);
        cmos(0x05, 0xc0); // any hour
        cmos(0x0b, 0x22); // AIE
        ctx.run(4_000 * MS);
        assertFalse(ctx.interrupts.level(8));
        ctx.run(1_000 * MS); // 03:04:10
        assertTrue(ctx.interrupts.level(8));
        assertEquals(0xb0, cmos(0x0c) & 0xb0, "IRQF, AF and UF (PF too: it is set whatever PIE says)");
        ctx.run(3_600_000 * MS); // an hour later it matches again (hour is don't care)
        assertTrue(ctx.interrupts.level(8));
    }

    @Test
    void setBitHoldsTheTimeAndMovesTheClockOffset() {
        cmos(0x0b, 0x92); // SET with UIE: SET clears UIE
        assertEquals(0x82, cmos(0x0b));
        cmos(0x04, 0x23);
        cmos(0x02, 0x59);
        cmos(0x00, 0x58);
        cmos(0x07, 0x31);
        cmos(0x08, 0x12);
        cmos(0x09, 0x99);
        cmos(0x32, 0x19);
        ctx.run(5_000 * MS);
        assertEquals("23:59:58 wd3 31-12-1999", time());
        assertEquals(0x26, cmos(0x0a), "no UIP while SET");
        cmos(0x0b, 0x02);
        ctx.run(2_000 * MS);
        assertEquals(0x00, cmos(0));
        assertEquals(0x00, cmos(9));
        assertEquals(0x20, cmos(0x32), "rolled into 2000");
        assertEquals(0x01, cmos(8));
    }

    @Test
    void writingATimeRegisterWhileRunningCountsOnFromIt() {
        ctx.run(500 * MS);
        cmos(0x02, 0x30);
        assertEquals("03:30:05 wd3 02-01-2024", time());
        ctx.run(500 * MS);
        assertEquals(0x06, cmos(0), "the divider phase is kept");
    }

    @Test
    void dividerResetStopsTheClockAndTheFirstUpdateComesHalfASecondAfterIt() {
        cmos(0x0a, 0x76); // DV = 111: divider reset
        ctx.run(3_000 * MS);
        assertEquals(0x05, cmos(0));
        cmos(0x0a, 0x26);
        ctx.run(499 * MS);
        assertEquals(0x05, cmos(0));
        ctx.run(1 * MS);
        assertEquals(0x06, cmos(0));
    }

    @Test
    void indexPortNmiMaskAndNvram() {
        ctx.out(0x70, 0x8f);
        ctx.out(0x71, 0x5a);
        assertEquals(0x5a, ctx.in(0x71));
        assertTrue(((Mc146818) rtc).nmiMasked());
        assertEquals(0xff, ctx.in(0x70), "the index port is write-only");
        ctx.out(0x70, 0xff); // index 0x7f, NMI masked
        ctx.out(0x71, 0x11);
        ctx.out(0x70, 0x7f);
        assertEquals(0x11, ctx.in(0x71));
        assertFalse(((Mc146818) rtc).nmiMasked());
        cmos(0x0d, 0x00);
        assertEquals(0x80, cmos(0x0d));
    }

    @Test
    void memorySizeBytesAsABiosFillsThem() throws DeviceConfigException {
        assertEquals(0x80, cmos(0x15));
        assertEquals(0x02, cmos(0x16));
        assertEquals(0xff, cmos(0x17), "255 MiB above 1 MiB: capped at 0xFFFF KiB");
        assertEquals(0xff, cmos(0x18));
        assertEquals(0xff, cmos(0x30));
        assertEquals(0xff, cmos(0x31));
        assertEquals(0x00, cmos(0x34));
        assertEquals(0x0f, cmos(0x35), "240 MiB above 16 MiB = 0x0F00 x 64 KiB");
        DeviceTestContext c = new DeviceTestContext("rtc1");
        create(c, "memory", String.valueOf(32L << 20), "start", "2024-01-02T03:04:05");
        int[] expect = {0x15, 0x80, 0x16, 0x02, 0x17, 0x00, 0x18, 0x7c, 0x30, 0x00, 0x31, 0x7c, 0x34, 0x00, 0x35, 0x01};
        for (int i = 0; i < expect.length; i += 2) {
            c.out(0x70, expect[i]);
            assertEquals(expect[i + 1], c.in(0x71), "CMOS 0x" + Integer.toHexString(expect[i]));
        }
        c.out(0x70, 0x2e);
        int sum = c.in(0x71) << 8;
        c.out(0x70, 0x2f);
        sum |= c.in(0x71);
        assertEquals(0x80 + 0x02 + 0x7c, sum, "checksum over 0x10-0x2d");
    }

    @Test
    void defaultStartIsTheHostTime() throws DeviceConfigException {
        DeviceTestContext c = new DeviceTestContext("rtc1");
        create(c, "clock", "host");
        c.out(0x70, 0x32);
        int century = c.in(0x71);
        c.out(0x70, 0x09);
        int year = c.in(0x71);
        int now = LocalDate.now(ZoneOffset.UTC).getYear();
        assertEquals((now / 1000 % 10) << 4 | now / 100 % 10, century);
        assertEquals((now / 10 % 10) << 4 | now % 10, year);
        assertTrue(century >= 0x20 && year >= 0x20, "date >= 2020");
    }

    @Test
    void badConfigIsAConfigError() {
        DeviceTestContext c = new DeviceTestContext("rtc1");
        assertThrows(DeviceConfigException.class, () -> create(c, "start", "yesterday"));
        assertThrows(DeviceConfigException.class, () -> create(c, "clock", "tsc"));
        assertThrows(DeviceConfigException.class, () -> create(c, "colour", "blue"));
    }

    @Test
    void nonsenseNeverThrows() {
        for (int i = 0; i < 256; i++) {
            for (int v : new int[] {0x00, 0x7f, 0x80, 0xff, i}) {
                ctx.out(0x70, i);
                ctx.out(0x71, v);
                ctx.in(0x71);
                ctx.in(0x70, 2);
                ctx.out(0x70, 2, 0xffff);
            }
            ctx.run(3 * MS);
            cmos(0x0b, i & 0x80);
            cmos(0x0a, i);
        }
        cmos(0x0b, 0x02);
        cmos(0x0a, 0x26);
        ctx.run(10_000 * MS);
        time();
    }

    @Test
    void saveRestoreRoundTrip() throws Exception {
        cmos(0x0b, 0x42); // PIE
        cmos(0x0a, 0x2a); // 64 Hz
        cmos(0x50, 0x77);
        ctx.out(0x70, 0x80 | 0x0c); // NMI masked, index C
        ctx.run(1_234 * MS + 567);
        DeviceState saved = rtc.saveState();

        DeviceTestContext ctx2 = new DeviceTestContext("rtc0");
        ctx2.clock.setNanos(ctx.clock.nanos());
        ctx2.irq(8).set(ctx.interrupts.level(8)); // the slot's IRQ handle keeps its level over a hot-swap
        Device rtc2 = create(ctx2, "start", "1999-09-09T09:09:09", "memory", String.valueOf(256L << 20));
        rtc2.restoreState(saved);
        assertArrayEquals(saved.data(), rtc2.saveState().data());
        assertTrue(((Mc146818) rtc2).nmiMasked());
        assertEquals(ctx.in(0x71), ctx2.in(0x71), "register C");
        for (DeviceTestContext c : new DeviceTestContext[] {ctx, ctx2}) {
            c.run(1_000 * MS);
        }
        String expected = behaviour(ctx);
        assertEquals(expected, behaviour(ctx2));
        assertEquals("03:04:07 c=d0 77 irq=false", expected);
    }

    private static String behaviour(DeviceTestContext c) {
        int[] v = new int[5];
        int[] idx = {4, 2, 0, 0x0c, 0x50};
        for (int i = 0; i < idx.length; i++) {
            c.out(0x70, idx[i]);
            v[i] = c.in(0x71);
        }
        return String.format("%02x:%02x:%02x c=%02x %02x irq=%b", v[0], v[1], v[2], v[3], v[4], c.interrupts.level(8));
    }

    @Test
    void restoreRejectsOtherTypes() {
        assertThrows(DeviceStateException.class, () -> rtc.restoreState(new DeviceState("pic", 1, new byte[0])));
        assertThrows(DeviceStateException.class, () -> rtc.restoreState(new DeviceState("rtc", 2, new byte[0])));
    }
}
