package dev.hyperbundle.pvclock;

import dev.hyperbundle.cpu.MsrDevice;
import dev.hyperbundle.device.Device;
import dev.hyperbundle.device.DeviceState;
import dev.hyperbundle.device.DeviceStateException;
import dev.hyperbundle.device.StateReader;
import dev.hyperbundle.device.StateWriter;
import dev.hyperbundle.memory.GuestMemory;
import dev.hyperbundle.time.VirtualClock;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * kvmclock for the emulating backends (Linux Documentation/virt/kvm/x86/msr.rst): MSR_KVM_SYSTEM_TIME_NEW
 * places a pvclock_vcpu_time_info in guest memory, MSR_KVM_WALL_CLOCK_NEW asks for a pvclock_wall_clock.
 * The guest TSC runs at 1 GHz and equals {@link VirtualClock#nanos()}, so one update with
 * tsc_to_system_mul = 2^31, tsc_shift = 1 and PVCLOCK_TSC_STABLE_BIT stays exact for ever.
 */
public final class KvmClock implements Device, MsrDevice {
    public static final String TYPE = "kvmclock";
    public static final int MSR_KVM_WALL_CLOCK_NEW = 0x4b564d00, MSR_KVM_SYSTEM_TIME_NEW = 0x4b564d01;
    /** pvclock_vcpu_time_info fields (arch/x86/include/asm/pvclock-abi.h). */
    static final int VERSION = 0, TSC_TIMESTAMP = 8, SYSTEM_TIME = 16, TSC_TO_SYSTEM_MUL = 24, TSC_SHIFT = 28, FLAGS = 29;
    static final int TIME_INFO_SIZE = 32, WALL_CLOCK_SIZE = 12;
    public static final int PVCLOCK_TSC_STABLE_BIT = 1;
    /** 1 GHz TSC: ns = ((tsc << 1) * 2^31) >> 32. */
    static final int MUL_1GHZ = 0x80000000, SHIFT_1GHZ = 1;
    private static final int STATE_VERSION = 1;

    private final GuestMemory memory;
    private final VirtualClock clock;
    private final Supplier<Instant> wallClock;
    private final System.Logger log;
    private final String name;
    private long systemTimeMsr;
    private long wallClockMsr;
    private int timeVersion;
    private int wallVersion;
    private boolean badAddressLogged;

    KvmClock(GuestMemory memory, VirtualClock clock, Supplier<Instant> wallClock, System.Logger log, String name) {
        this.memory = memory;
        this.clock = clock;
        this.wallClock = wallClock;
        this.log = log;
        this.name = name;
    }

    @Override
    public long readMsr(int index) {
        return switch (index) {
            case MSR_KVM_SYSTEM_TIME_NEW -> systemTimeMsr;
            case MSR_KVM_WALL_CLOCK_NEW -> wallClockMsr;
            default -> 0;
        };
    }

    @Override
    public boolean writeMsr(int index, long value) {
        switch (index) {
            case MSR_KVM_SYSTEM_TIME_NEW -> {
                systemTimeMsr = value;
                updateTimeInfo();
            }
            case MSR_KVM_WALL_CLOCK_NEW -> {
                wallClockMsr = value;
                writeWallClock(value);
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private boolean inRam(long address, int size) {
        if (address >= 0 && memory.isMapped(address, size)) {
            return true;
        }
        if (!badAddressLogged) {
            badAddressLogged = true;
            log.log(Level.WARNING, () -> String.format("%s: guest put a pvclock structure at 0x%x, outside RAM; ignored",
                    name, address));
        }
        return false;
    }

    /** Bit 0 enables; the rest is the 4-byte aligned guest physical address of pvclock_vcpu_time_info. */
    private void updateTimeInfo() {
        if ((systemTimeMsr & 1) == 0) {
            return;
        }
        long at = systemTimeMsr & ~1L;
        if (!inRam(at, TIME_INFO_SIZE)) {
            return;
        }
        long now = clock.nanos();
        // Version odd while the fields change, even when consistent (the guest retries on odd/changed).
        timeVersion = (timeVersion & ~1) + 1;
        memory.write32(at + VERSION, timeVersion);
        memory.write64(at + TSC_TIMESTAMP, now); // guest TSC == guest nanoseconds
        memory.write64(at + SYSTEM_TIME, now);
        memory.write32(at + TSC_TO_SYSTEM_MUL, MUL_1GHZ);
        memory.write8(at + TSC_SHIFT, SHIFT_1GHZ);
        memory.write8(at + FLAGS, PVCLOCK_TSC_STABLE_BIT);
        timeVersion++;
        memory.write32(at + VERSION, timeVersion);
    }

    /** pvclock_wall_clock: the host's wall clock at guest time 0. */
    private void writeWallClock(long address) {
        if (!inRam(address, WALL_CLOCK_SIZE)) {
            return;
        }
        Instant now = wallClock.get();
        long bootNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano() - clock.nanos();
        wallVersion = (wallVersion & ~1) + 1;
        memory.write32(address, wallVersion);
        memory.write32(address + 4, (int) Math.floorDiv(bootNanos, 1_000_000_000L));
        memory.write32(address + 8, (int) Math.floorMod(bootNanos, 1_000_000_000L));
        wallVersion++;
        memory.write32(address, wallVersion);
    }

    @Override
    public DeviceState saveState() {
        return new StateWriter().putLong(systemTimeMsr).putLong(wallClockMsr).putInt(timeVersion).putInt(wallVersion)
                .toState(TYPE, STATE_VERSION);
    }

    @Override
    public void restoreState(DeviceState state) throws DeviceStateException {
        StateReader r = state.reader(TYPE, STATE_VERSION);
        systemTimeMsr = r.getLong();
        wallClockMsr = r.getLong();
        timeVersion = r.getInt();
        wallVersion = r.getInt();
        updateTimeInfo(); // same values again under a new version: harmless, and exact after a snapshot restore
    }

    /** A CPU reset clears the MSRs, as KVM does; the guest registers again when it boots. */
    @Override
    public void reset() {
        systemTimeMsr = 0;
        wallClockMsr = 0;
        timeVersion = 0;
        wallVersion = 0;
    }
}
