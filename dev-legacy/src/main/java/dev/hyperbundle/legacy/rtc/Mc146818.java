package dev.hyperbundle.legacy.rtc;

import dev.hyperbundle.bus.BusDevice;
import dev.hyperbundle.device.Device;
import dev.hyperbundle.device.DeviceState;
import dev.hyperbundle.device.DeviceStateException;
import dev.hyperbundle.device.StateReader;
import dev.hyperbundle.device.StateWriter;
import dev.hyperbundle.irq.IrqLine;
import dev.hyperbundle.time.Timer;
import dev.hyperbundle.time.VirtualClock;
import java.util.function.LongSupplier;

/**
 * The MC146818A RTC with its 128 bytes of CMOS (index port 0x70, data port 0x71, IRQ 8).
 *
 * <p>Time is kept as the divider chain's position in nanoseconds, {@code offset + source()}, where the
 * source is the virtual clock ({@code clock=vm}: paused time does not count) or the host's wall clock
 * ({@code clock=host}). The time registers are that position in whole seconds since the epoch (UTC).
 * While SET is 1 or the divider is stopped the registers hold still and are plain CMOS bytes; leaving
 * that state (or writing a time register) moves the offset. Register C's flags are computed from the
 * divider position when looked at; a timer runs only while an enabled interrupt can still raise IRQ 8.
 */
final class Mc146818 implements Device {
    static final String TYPE = "rtc";
    static final int STATE_VERSION = 1;
    static final long NS = 1_000_000_000L;
    /** MC146818A "Update Cycle": UIP rises 244 us (8 cycles of 32.768 kHz) before the update. */
    static final long UIP_NANOS = 244_141;
    private static final int REG_A = 0x0a;
    private static final int REG_B = 0x0b;
    private static final int REG_C = 0x0c;
    private static final int REG_D = 0x0d;
    private static final int B_SET = 0x80;
    private static final int B_PIE = 0x40;
    private static final int B_AIE = 0x20;
    private static final int B_UIE = 0x10;
    private static final int C_IRQF = 0x80;
    private static final int C_PF = 0x40;
    private static final int C_AF = 0x20;
    private static final int C_UF = 0x10;

    private final VirtualClock clock;
    private final LongSupplier source;
    private final IrqLine irq;
    private final Timer timer;
    private final byte[] cmos = new byte[128];
    private int index;
    private boolean nmiMasked;
    private long offset;
    private long stoppedAt;
    private int flags;
    private long checkedUpTo;
    private boolean irqLevel;

    /**
     * @param source     nanoseconds of the time base (virtual clock or host wall clock)
     * @param startNanos the time to show now, in nanoseconds since the epoch
     */
    Mc146818(VirtualClock clock, LongSupplier source, IrqLine irq, java.util.function.Function<Runnable, Timer> timers,
            long startNanos, long ramBytes) {
        this.clock = clock;
        this.source = source;
        this.irq = irq;
        this.timer = timers.apply(this::onTimer);
        cmos[REG_A] = 0x26; // 32.768 kHz time base, 1024 Hz periodic rate: as a PC BIOS leaves it
        cmos[REG_B] = 0x02; // 24-hour, BCD
        CmosLayout.fillMemory(cmos, ramBytes);
        offset = startNanos - source.getAsLong();
        checkedUpTo = divider();
    }

    // ---- the divider chain ----

    private boolean dividerRunning() {
        return (cmos[REG_A] & 0x70) == 0x20; // DV2-0 = 010: 32.768 kHz time base, running
    }

    private long divider() {
        return dividerRunning() ? offset + source.getAsLong() : stoppedAt;
    }

    private boolean frozen() {
        return (cmos[REG_B] & B_SET) != 0 || !dividerRunning();
    }

    private RtcCalendar calendar() {
        return new RtcCalendar(cmos[REG_B]);
    }

    /** Copies the running time into the time registers (before they start to hold still or are written). */
    private void snapshotTime() {
        if (!frozen()) {
            calendar().store(Math.floorDiv(divider(), NS), cmos);
        }
    }

    /** Starts the time registers' second where they say, at the given sub-second position of the divider. */
    private void resumeFrom(long subSecond) {
        long seconds = calendar().load(cmos);
        offset = seconds * NS + subSecond - source.getAsLong();
        checkedUpTo = divider();
    }

    // ---- register C flags and IRQ 8 ----

    private static long cycles32k(long nanos) {
        return Math.floorDiv(nanos, NS) * 32768 + Math.floorMod(nanos, NS) * 32768 / NS;
    }

    /** Periodic interrupt period in 32.768 kHz cycles (register A RS3-0), 0 when off. */
    private int periodCycles() {
        int rs = cmos[REG_A] & 0x0f;
        if (rs == 0) {
            return 0;
        }
        return rs <= 2 ? 1 << (rs + 6) : 1 << (rs - 1); // RS 1 and 2 repeat RS 8 and 9 at 32.768 kHz
    }

    /** Sets PF, UF and AF for everything that happened since the last look. */
    private void catchUp() {
        if (!dividerRunning()) {
            return;
        }
        long now = divider();
        long last = checkedUpTo;
        if (now <= last) {
            return;
        }
        int period = periodCycles();
        if (period != 0 && Math.floorDiv(cycles32k(now), period) > Math.floorDiv(cycles32k(last), period)) {
            flags |= C_PF;
        }
        long fromSecond = Math.floorDiv(last, NS);
        long toSecond = Math.floorDiv(now, NS);
        if ((cmos[REG_B] & B_SET) == 0 && toSecond > fromSecond) {
            flags |= C_UF;
            if ((flags & C_AF) == 0) {
                byte[] time = new byte[128];
                RtcCalendar cal = calendar();
                for (long s = Math.max(fromSecond + 1, toSecond - 86_400); s <= toSecond; s++) {
                    cal.store(s, time);
                    if (RtcCalendar.alarmMatches(time, cmos)) {
                        flags |= C_AF;
                        break;
                    }
                }
            }
        }
        checkedUpTo = now;
    }

    private int registerC() {
        int enabled = flags & cmos[REG_B] & (C_PF | C_AF | C_UF); // PIE/AIE/UIE sit at the same bits in B
        return flags | (enabled != 0 ? C_IRQF : 0);
    }

    private void updateIrq() {
        boolean level = (registerC() & C_IRQF) != 0;
        if (level != irqLevel) {
            irqLevel = level;
            irq.set(level);
        }
        armTimer();
    }

    private void armTimer() {
        if (irqLevel || !dividerRunning()) {
            timer.cancel(); // nothing new can reach the CPU before register C is read
            return;
        }
        long now = divider();
        long next = Long.MAX_VALUE;
        int b = cmos[REG_B];
        int period = periodCycles();
        if ((b & B_PIE) != 0 && period != 0) {
            long k = Math.floorDiv(cycles32k(now), period) + 1;
            next = nanosOfCycle(k * period);
        }
        if ((b & B_SET) == 0 && (b & (B_UIE | B_AIE)) != 0) {
            next = Math.min(next, (Math.floorDiv(now, NS) + 1) * NS);
        }
        if (next == Long.MAX_VALUE) {
            timer.cancel();
        } else {
            timer.armAt(clock.nanos() + (next - now));
        }
    }

    /** The first divider nanosecond at which cycles32k reaches cycle. */
    private static long nanosOfCycle(long cycle) {
        return Math.floorDiv(cycle, 32768) * NS + (Math.floorMod(cycle, 32768) * NS + 32767) / 32768;
    }

    private void onTimer() {
        catchUp();
        updateIrq();
    }

    // ---- ports ----

    BusDevice ports() {
        return new BusDevice() {
            @Override
            public long read(long offset, int size) {
                long v = 0;
                for (int i = 0; i < size; i++) {
                    v |= (long) readPort((int) offset + i) << (8 * i);
                }
                return v;
            }

            @Override
            public void write(long offset, int size, long value) {
                for (int i = 0; i < size; i++) {
                    writePort((int) offset + i, (int) (value >>> (8 * i)) & 0xff);
                }
            }
        };
    }

    private int readPort(int port) {
        if (port != 1) {
            return 0xff; // the index register is write-only
        }
        return readRegister(index);
    }

    private void writePort(int port, int value) {
        if (port == 0) {
            index = value & 0x7f;
            nmiMasked = (value & 0x80) != 0; // bit 7 of the index write gates NMI on a PC
        } else {
            writeRegister(index, value);
        }
    }

    int readRegister(int i) {
        catchUp();
        if (RtcCalendar.isTimeRegister(i) && !frozen()) {
            byte[] time = new byte[128];
            calendar().store(Math.floorDiv(divider(), NS), time);
            return time[i] & 0xff;
        }
        return switch (i) {
            case REG_A -> (cmos[REG_A] & 0x7f) | (updateInProgress() ? 0x80 : 0);
            case REG_C -> {
                int c = registerC();
                flags = 0; // reading C clears every flag and releases IRQ 8
                updateIrq();
                yield c;
            }
            case REG_D -> 0x80; // VRT: the battery is good
            default -> cmos[i] & 0xff;
        };
    }

    private boolean updateInProgress() {
        if (frozen()) {
            return false; // SET = 1 (or a stopped divider) means no update cycles
        }
        return NS - Math.floorMod(divider(), NS) <= UIP_NANOS;
    }

    void writeRegister(int i, int value) {
        catchUp();
        value &= 0xff;
        if (RtcCalendar.isTimeRegister(i)) {
            if (frozen()) {
                cmos[i] = (byte) value;
            } else {
                // A time register written while the clock runs: the next update counts on from it.
                long sub = Math.floorMod(divider(), NS);
                snapshotTime();
                cmos[i] = (byte) value;
                resumeFrom(sub);
            }
        } else {
            switch (i) {
                case REG_A -> writeRegisterA(value);
                case REG_B -> writeRegisterB(value);
                case REG_C, REG_D -> { } // read-only
                default -> cmos[i] = (byte) value;
            }
        }
        updateIrq();
    }

    private void writeRegisterA(int value) {
        boolean wasRunning = dividerRunning();
        int oldDivider = cmos[REG_A] & 0x70;
        snapshotTime();
        long position = divider();
        cmos[REG_A] = (byte) (value & 0x7f); // UIP is read-only
        if (wasRunning && !dividerRunning()) {
            stoppedAt = position;
        } else if (!wasRunning && dividerRunning()) {
            // Leaving divider reset (DV = 11x) puts the first update 500 ms later; otherwise the chain resumes.
            long sub = (oldDivider & 0x60) == 0x60 ? NS / 2 : Math.floorMod(stoppedAt, NS);
            if ((cmos[REG_B] & B_SET) == 0) {
                resumeFrom(sub);
            } else {
                offset = Math.floorDiv(stoppedAt, NS) * NS + sub - source.getAsLong();
                checkedUpTo = divider();
            }
        }
    }

    private void writeRegisterB(int value) {
        boolean wasSet = (cmos[REG_B] & B_SET) != 0;
        boolean set = (value & B_SET) != 0;
        if (set && !wasSet) {
            snapshotTime();
            value &= ~B_UIE; // MC146818A: SET = 1 clears UIE
        }
        long sub = Math.floorMod(divider(), NS);
        cmos[REG_B] = (byte) value;
        if (!set && wasSet && dividerRunning()) {
            resumeFrom(sub);
        }
    }

    boolean nmiMasked() {
        return nmiMasked;
    }

    // ---- Device ----

    @Override
    public DeviceState saveState() {
        catchUp();
        StateWriter w = new StateWriter();
        w.putBytes(cmos).putInt(index).putBoolean(nmiMasked).putLong(offset).putLong(stoppedAt).putInt(flags)
                .putLong(checkedUpTo).putBoolean(irqLevel).putLong(timer.deadline());
        return w.toState(TYPE, STATE_VERSION);
    }

    @Override
    public void restoreState(DeviceState state) throws DeviceStateException {
        StateReader r = state.reader(TYPE, STATE_VERSION);
        byte[] saved = r.getBytes();
        if (saved.length != cmos.length) {
            throw new DeviceStateException("rtc state holds " + saved.length + " CMOS bytes, expected 128");
        }
        System.arraycopy(saved, 0, cmos, 0, cmos.length);
        index = r.getInt() & 0x7f;
        nmiMasked = r.getBoolean();
        offset = r.getLong();
        stoppedAt = r.getLong();
        flags = r.getInt() & (C_PF | C_AF | C_UF);
        checkedUpTo = r.getLong();
        irqLevel = r.getBoolean();
        r.getLong(); // the timer deadline follows from the registers and the clock
        irq.set(irqLevel);
        armTimer();
    }

    /** The RESET pin (machine reset): interrupt enables and flags clear; time and CMOS are battery-backed. */
    @Override
    public void reset() {
        catchUp();
        cmos[REG_B] &= (byte) ~(B_PIE | B_AIE | B_UIE | 0x08);
        flags = 0;
        updateIrq();
    }

    @Override
    public void close() {
        timer.cancel();
    }
}
