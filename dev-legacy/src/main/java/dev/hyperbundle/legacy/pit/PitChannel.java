package dev.hyperbundle.legacy.pit;

import dev.hyperbundle.device.DeviceStateException;
import dev.hyperbundle.device.StateReader;
import dev.hyperbundle.device.StateWriter;

/**
 * One 82C54 counter. Nothing ticks: the counting element (CE) and OUT are functions of the input clock
 * tick, computed from where the count was loaded ({@code start}, the tick at which CE held the initial
 * count) and the mode. All methods take the current tick.
 */
final class PitChannel {
    static final long NEVER = Long.MAX_VALUE;
    private static final int ACCESS_LSB = 1;
    private static final int ACCESS_MSB = 2;
    private static final int ACCESS_WORD = 3;

    // Control word as written (status byte bits 5-0).
    private int modeBits;
    private int access;
    private boolean bcd;
    // Count register and its write sequence.
    private int cr;
    private boolean crValid;
    private boolean writeMsbNext;
    private int crLow;
    private boolean readMsbNext;
    // Output latch and status latch.
    private boolean countLatched;
    private int latchedCount;
    private boolean latchMsbNext;
    private boolean statusLatched;
    private int latchedStatus;
    private boolean gate;
    // Counting element.
    private boolean counting;
    private long start;
    private int n = 0x10000;
    private boolean suspended;
    private long suspendedD;
    private boolean pending;
    private long pendingStart;
    private int pendingN;
    private int frozenCe;
    private boolean frozenOut;
    private long nullCountUntil;

    /** Power-on: mode 3 with count 0 (65536), as QEMU and a PC BIOS leave channel 0 running. */
    void powerOn(boolean gateHigh, int mode, int count, long now) {
        modeBits = mode;
        access = ACCESS_WORD;
        bcd = false;
        writeMsbNext = false;
        readMsbNext = false;
        countLatched = false;
        latchMsbNext = false;
        statusLatched = false;
        gate = gateHigh;
        counting = false;
        suspended = false;
        pending = false;
        frozenCe = 0;
        frozenOut = true;
        nullCountUntil = Long.MIN_VALUE;
        cr = count;
        crValid = true;
        if (gateHigh) {
            startCounting(now, initialCount());
            nullCountUntil = Long.MIN_VALUE;
        }
    }

    /** Modes 6 and 7 are modes 2 and 3 (82C54 control word: M2 is a don't-care for them). */
    int mode() {
        return (modeBits & 2) != 0 ? modeBits & 3 : modeBits;
    }

    private int modulus() {
        return bcd ? 10000 : 0x10000;
    }

    /** The count register as a number; 0 is the largest count (2^16, or 10^4 in BCD). */
    private int initialCount() {
        int v = bcd ? fromBcd(cr) : cr;
        return v == 0 ? modulus() : v;
    }

    /** Invalid BCD digits are taken at face value (hardware counts them down like any other). */
    private static int fromBcd(int v) {
        return ((v >> 12) & 15) * 1000 + ((v >> 8) & 15) * 100 + ((v >> 4) & 15) * 10 + (v & 15);
    }

    private static int toBcd(int v) {
        return (v / 1000 % 10) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 | v % 10;
    }

    private void startCounting(long now, int count) {
        counting = true;
        start = now + 1; // the count is loaded on the next CLK pulse
        n = count;
        suspended = false;
        pending = false;
        nullCountUntil = start;
    }

    /** Applies a period change that was due at a reload (modes 2 and 3). */
    private void settle(long now) {
        if (pending && now >= pendingStart) {
            start = pendingStart;
            n = pendingN;
            pending = false;
        }
    }

    private long elapsed(long now) {
        return suspended ? suspendedD : now - start;
    }

    int counter(long now) {
        settle(now);
        long d = elapsed(now);
        if (!counting || d < 0) {
            return frozenCe;
        }
        int v = switch (mode()) {
            case 2 -> n - (int) (d % n);
            case 3 -> squareWaveCount(d);
            default -> (int) Math.floorMod(n - d, (long) modulus());
        };
        v = Math.floorMod(v, modulus());
        return bcd ? toBcd(v) : v;
    }

    /** Mode 3 decrements by two; each half period starts from the even part of the count. */
    private int squareWaveCount(long d) {
        int p = (int) (d % n);
        int high = (n + 1) / 2;
        int q = p < high ? p : p - high;
        return (n & ~1) - 2 * q;
    }

    boolean out(long now) {
        settle(now);
        long d = elapsed(now);
        if (!counting || d < 0) {
            return frozenOut;
        }
        return switch (mode()) {
            case 0, 1 -> d >= n;
            case 2 -> d % n != n - 1;
            case 3 -> d % n < (n + 1) / 2;
            default -> d != n; // modes 4 and 5: one CLK low strobe at terminal count
        };
    }

    boolean nullCount(long now) {
        return now < nullCountUntil;
    }

    int status(long now) {
        return (out(now) ? 0x80 : 0) | (nullCount(now) ? 0x40 : 0) | access << 4 | modeBits << 1 | (bcd ? 1 : 0);
    }

    // ---- edges of OUT, for the IRQ 0 timer ----

    /** True when OUT has a rising edge at some tick in (from, to], given no register access between. */
    boolean risingEdgeBetween(long from, long to) {
        if (to <= from) {
            return false;
        }
        if (pending && pendingStart > from && pendingStart <= to) {
            if (risingIn(start, n, from, pendingStart)) {
                return true;
            }
            settle(pendingStart);
            return risingIn(start, n, pendingStart, to);
        }
        settle(to);
        return risingIn(start, n, from, to);
    }

    /**
     * How many rising edges OUT has in (from, to]: the number of periods in modes 2 and 3 when no new
     * count takes effect in between, else 0 or 1 as {@link #risingEdgeBetween} says.
     */
    long risingEdgesBetween(long from, long to) {
        if (to > from && !(pending && pendingStart > from && pendingStart <= to) && counting && !suspended
                && (mode() == 2 || mode() == 3) && n >= 2) {
            settle(to);
            long db = to - start;
            long da = from - start;
            if (db >= 0) {
                return Math.floorDiv(db, n) - Math.floorDiv(Math.max(da, 0), n);
            }
        }
        return risingEdgeBetween(from, to) ? 1 : 0;
    }

    private boolean risingIn(long s, int count, long from, long to) {
        if (!counting || suspended) {
            return false;
        }
        long da = from - s;
        long db = to - s;
        return switch (mode()) {
            case 0, 1 -> da < count && count <= db;
            case 2, 3 -> count >= 2 && db >= 0 && Math.floorDiv(db, count) > Math.floorDiv(Math.max(da, 0), count);
            default -> da < count + 1L && count + 1L <= db;
        };
    }

    /**
     * The next tick after now at which OUT changes, skipping the one-CLK low pulse of modes 2, 4 and 5
     * to its rising edge; {@link #NEVER} when OUT stays as it is.
     */
    long nextEvent(long now) {
        settle(now);
        long next = NEVER;
        if (counting && !suspended) {
            long d = now - start;
            switch (mode()) {
                case 0, 1 -> next = d < n ? start + n : NEVER;
                case 2 -> next = n >= 2 ? start + (Math.floorDiv(Math.max(d, 0), n) + 1) * n : NEVER;
                case 3 -> {
                    if (n >= 2) {
                        int high = (n + 1) / 2;
                        long base = start + Math.floorDiv(Math.max(d, 0), n) * n;
                        long p = Math.max(d, 0) - (base - start);
                        next = p < high ? base + high : base + n;
                    }
                }
                default -> next = d < n + 1L ? start + n + 1 : NEVER;
            }
        }
        if (pending && pendingStart > now) {
            next = Math.min(next, pendingStart);
        }
        return next;
    }

    // ---- programming ----

    void writeControl(int value, long now) {
        frozenCe = counter(now); // CE keeps its bits; a new BCD setting only reinterprets them
        modeBits = (value >> 1) & 7;
        access = (value >> 4) & 3;
        bcd = (value & 1) != 0;
        // 82C54 "Programming": control logic reset, OUT to its initial state, a new count is awaited.
        counting = false;
        suspended = false;
        pending = false;
        crValid = false;
        writeMsbNext = false;
        readMsbNext = false;
        countLatched = false;
        statusLatched = false;
        frozenOut = mode() != 0;
        nullCountUntil = NEVER;
    }

    void latchCount(long now) {
        if (!countLatched) { // a second latch before the first is read is ignored
            latchedCount = counter(now);
            countLatched = true;
            latchMsbNext = access == ACCESS_MSB;
        }
    }

    void latchStatus(long now) {
        if (!statusLatched) {
            latchedStatus = status(now);
            statusLatched = true;
        }
    }

    int read(long now) {
        if (statusLatched) {
            statusLatched = false;
            return latchedStatus;
        }
        if (countLatched) {
            int v;
            if (latchMsbNext) {
                v = latchedCount >> 8;
                countLatched = false;
            } else {
                v = latchedCount & 0xff;
                if (access == ACCESS_WORD) {
                    latchMsbNext = true;
                } else {
                    countLatched = false;
                }
            }
            return v & 0xff;
        }
        int c = counter(now);
        return switch (access) {
            case ACCESS_LSB -> c & 0xff;
            case ACCESS_MSB -> (c >> 8) & 0xff;
            default -> {
                readMsbNext = !readMsbNext;
                yield readMsbNext ? c & 0xff : (c >> 8) & 0xff;
            }
        };
    }

    void write(int value, long now) {
        settle(now);
        value &= 0xff;
        switch (access) {
            case ACCESS_LSB -> load(value, now);
            case ACCESS_MSB -> load(value << 8, now);
            case ACCESS_WORD -> {
                if (!writeMsbNext) {
                    crLow = value;
                    writeMsbNext = true;
                    if (mode() == 0) {
                        // Mode 0: writing the first byte disables counting; OUT goes low at once.
                        frozenCe = counter(now);
                        frozenOut = false;
                        counting = false;
                    }
                } else {
                    writeMsbNext = false;
                    load(crLow | value << 8, now);
                }
            }
            default -> { } // no access mode programmed (unreachable after a control word)
        }
    }

    private void load(int count, long now) {
        cr = count;
        crValid = true;
        int mode = mode();
        switch (mode) {
            case 0, 4 -> {
                frozenCe = counter(now);
                frozenOut = mode == 4;
                startCounting(now, initialCount());
                if (!gate) { // 82C54 modes 0 and 4: GATE low disables counting (the load still happens)
                    suspended = true;
                    suspendedD = 0;
                }
            }
            case 2, 3 -> {
                if (!counting) {
                    frozenOut = true;
                    if (gate) {
                        frozenCe = counter(now);
                        startCounting(now, initialCount());
                    } else {
                        nullCountUntil = NEVER;
                    }
                } else if (now < start) {
                    n = initialCount(); // not yet loaded: load the new count instead
                } else {
                    // A new count takes effect at the next reload; the current period runs out.
                    // (Mode 3 really reloads at the end of the current half cycle.)
                    pending = true;
                    pendingStart = start + (Math.floorDiv(now - start, n) + 1) * n;
                    pendingN = initialCount();
                    nullCountUntil = pendingStart;
                }
            }
            default -> nullCountUntil = NEVER; // modes 1 and 5 wait for a GATE trigger
        }
    }

    void setGate(boolean high, long now) {
        settle(now);
        if (high == gate) {
            return;
        }
        gate = high;
        switch (mode()) {
            case 0, 4 -> {
                if (!counting) {
                    return;
                }
                if (!high && !suspended) {
                    suspendedD = Math.max(0, now - start);
                    suspended = true;
                } else if (high && suspended) {
                    start = now - suspendedD;
                    suspended = false;
                }
            }
            case 2, 3 -> {
                if (!high) {
                    if (counting) { // counting stops and OUT goes high at once
                        frozenCe = counter(now);
                        frozenOut = true;
                        counting = false;
                        pending = false;
                    }
                } else if (crValid) {
                    frozenCe = counter(now);
                    frozenOut = true;
                    startCounting(now, initialCount());
                }
            }
            default -> {
                if (high && crValid) { // modes 1 and 5: a rising GATE edge (re)triggers
                    frozenCe = counter(now);
                    frozenOut = out(now);
                    startCounting(now, initialCount());
                }
            }
        }
    }

    // ---- state ----

    void save(StateWriter w) {
        w.putInt(modeBits).putInt(access).putBoolean(bcd).putInt(cr).putBoolean(crValid).putBoolean(writeMsbNext)
                .putInt(crLow).putBoolean(readMsbNext).putBoolean(countLatched).putInt(latchedCount)
                .putBoolean(latchMsbNext).putBoolean(statusLatched).putInt(latchedStatus).putBoolean(gate)
                .putBoolean(counting).putLong(start).putInt(n).putBoolean(suspended).putLong(suspendedD)
                .putBoolean(pending).putLong(pendingStart).putInt(pendingN).putInt(frozenCe).putBoolean(frozenOut)
                .putLong(nullCountUntil);
    }

    void restore(StateReader r) throws DeviceStateException {
        modeBits = r.getInt() & 7;
        access = r.getInt() & 3;
        bcd = r.getBoolean();
        cr = r.getInt() & 0xffff;
        crValid = r.getBoolean();
        writeMsbNext = r.getBoolean();
        crLow = r.getInt() & 0xff;
        readMsbNext = r.getBoolean();
        countLatched = r.getBoolean();
        latchedCount = r.getInt() & 0xffff;
        latchMsbNext = r.getBoolean();
        statusLatched = r.getBoolean();
        latchedStatus = r.getInt() & 0xff;
        gate = r.getBoolean();
        counting = r.getBoolean();
        start = r.getLong();
        n = r.getInt();
        suspended = r.getBoolean();
        suspendedD = r.getLong();
        pending = r.getBoolean();
        pendingStart = r.getLong();
        pendingN = r.getInt();
        frozenCe = r.getInt() & 0xffff;
        frozenOut = r.getBoolean();
        nullCountUntil = r.getLong();
        if (n < 1 || n > 0x10000 || pendingN < 0 || pendingN > 0x10000 || suspendedD < 0) {
            throw new DeviceStateException("8254 counter state is corrupt (count " + n + ")");
        }
    }
}
