package dev.hyperbundle.pvclock;

import static org.junit.jupiter.api.Assertions.*;

import dev.hyperbundle.cpu.CpuidTable;
import dev.hyperbundle.cpu.MsrDevice;
import dev.hyperbundle.device.Device;
import dev.hyperbundle.device.DeviceConfig;
import dev.hyperbundle.device.DeviceState;
import dev.hyperbundle.testkit.DeviceTestContext;
import dev.hyperbundle.virtio.testkit.DeviceRig;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KvmClockTest {
    DeviceTestContext ctx = DeviceRig.context("kvmclock0");

    Device create() throws Exception {
        return new KvmClockFactory().create(ctx, new DeviceConfig("kvmclock", "kvmclock0", Map.of(), "test"));
    }

    @Test
    void cpuidLeavesCarryTheKvmSignatureAndFeatures() throws Exception {
        create();
        assertNotEquals(0, ctx.cpuid.query(1, 0)[2] & CpuidTable.ECX_HYPERVISOR);
        int[] sig = ctx.cpuid.query(0x40000000, 0);
        assertEquals(0x40000001, sig[0]);
        byte[] text = new byte[12];
        for (int r = 0; r < 3; r++) {
            for (int i = 0; i < 4; i++) {
                text[r * 4 + i] = (byte) (sig[r + 1] >>> (8 * i));
            }
        }
        assertEquals("KVMKVMKVM\0\0\0", new String(text, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals((1 << 3) | (1 << 24), ctx.cpuid.query(0x40000001, 0)[0]);
    }

    @Test
    void systemTimeMsrFillsTimeInfo() throws Exception {
        create();
        ctx.clock.advance(5_000_000_123L);
        MsrDevice msr = ctx.msrs.lookup(KvmClock.MSR_KVM_SYSTEM_TIME_NEW);
        assertTrue(msr.writeMsr(KvmClock.MSR_KVM_SYSTEM_TIME_NEW, 0x9000 | 1));
        assertEquals(0x9001, msr.readMsr(KvmClock.MSR_KVM_SYSTEM_TIME_NEW));
        int version = ctx.physicalMemory.read32(0x9000);
        assertEquals(0, version & 1);
        assertNotEquals(0, version);
        assertEquals(5_000_000_123L, ctx.physicalMemory.read64(0x9008)); // tsc_timestamp
        assertEquals(5_000_000_123L, ctx.physicalMemory.read64(0x9010)); // system_time
        assertEquals(0x80000000, ctx.physicalMemory.read32(0x9018)); // tsc_to_system_mul
        assertEquals(1, ctx.physicalMemory.read8(0x901c)); // tsc_shift
        assertEquals(KvmClock.PVCLOCK_TSC_STABLE_BIT, ctx.physicalMemory.read8(0x901d));
        // The guest's formula gives back the TSC: system_time + ((tsc - ts) << 1) * mul >> 32.
        long tsc = 7_123_456_789L;
        long delta = (tsc - ctx.physicalMemory.read64(0x9008)) << 1;
        assertEquals(tsc, ctx.physicalMemory.read64(0x9010) + ((delta * 0x80000000L) >>> 32));
        // Re-writing bumps the version by two (odd while updating).
        msr.writeMsr(KvmClock.MSR_KVM_SYSTEM_TIME_NEW, 0x9001);
        assertEquals(version + 2, ctx.physicalMemory.read32(0x9000));
    }

    @Test
    void wallClockIsTheEpochAtGuestTimeZero() throws Exception {
        KvmClock clock = new KvmClock(ctx.physicalMemory, ctx.clock, () -> Instant.ofEpochSecond(1_800_000_000L, 500_000_000),
                ctx.logger(), "kvmclock0");
        ctx.clock.advance(2_750_000_000L);
        assertTrue(clock.writeMsr(KvmClock.MSR_KVM_WALL_CLOCK_NEW, 0x8000));
        assertEquals(0, ctx.physicalMemory.read32(0x8000) & 1);
        assertEquals(1_799_999_997L, Integer.toUnsignedLong(ctx.physicalMemory.read32(0x8004)));
        assertEquals(750_000_000, ctx.physicalMemory.read32(0x8008));
    }

    @Test
    void addressOutsideRamIsIgnoredAndStateRoundTrips() throws Exception {
        Device d = create();
        MsrDevice msr = (MsrDevice) d;
        assertTrue(msr.writeMsr(KvmClock.MSR_KVM_SYSTEM_TIME_NEW, 0xfff00001L));
        assertTrue(msr.writeMsr(KvmClock.MSR_KVM_SYSTEM_TIME_NEW, (DeviceRig.RAM_SIZE - 16) | 1));
        msr.writeMsr(KvmClock.MSR_KVM_SYSTEM_TIME_NEW, 0x9001);
        DeviceState s = d.saveState();
        KvmClock fresh = new KvmClock(ctx.physicalMemory, ctx.clock, Instant::now, ctx.logger(), "kvmclock0");
        fresh.restoreState(s);
        assertEquals(0x9001, fresh.readMsr(KvmClock.MSR_KVM_SYSTEM_TIME_NEW));
        assertEquals(0, ctx.physicalMemory.read32(0x9000) & 1);
        DeviceState again = fresh.saveState();
        assertEquals(0x9001, new dev.hyperbundle.device.StateReader(again.data()).getLong());
        assertFalse(msr.writeMsr(0x12, 1));
    }
}
