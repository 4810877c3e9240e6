package dev.hyperbundle.bus;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An address space of non-overlapping ranges claimed by devices: the port I/O space (64 KiB) or the
 * MMIO space (the 32-bit physical address space outside memory).
 *
 * <p>Unclaimed addresses behave like an empty ISA/PCI bus: reads return all ones, writes are dropped;
 * the first access to each unclaimed address is logged once at DEBUG. An access that runs past the end
 * of a device's range is split into byte accesses, as an 8-bit ISA bus would do.
 *
 * <p>Lookups read an immutable sorted array (copy-on-write), so the hot path takes no lock. Removal
 * ({@link BusRegistration#close()}) waits for accesses in flight on that range to finish, so a device
 * being hot-swapped out is never called after its registration is closed.
 */
public final class IoBus {
    private static final System.Logger LOG = System.getLogger(IoBus.class.getName());

    private final String name;
    private final long limit;
    private volatile Entry[] entries = new Entry[0];
    private final Set<Long> reportedUnclaimed = ConcurrentHashMap.newKeySet();
    private final Set<BusDevice> reportedFaulty = ConcurrentHashMap.newKeySet();

    /**
     * @param name  "port" or "mmio", used in messages
     * @param limit the size of the address space (0x10000 for ports, 1L << 32 for MMIO)
     */
    public IoBus(String name, long limit) {
        this.name = name;
        this.limit = limit;
    }

    public String name() {
        return name;
    }

    private final class Entry implements BusRegistration {
        final long base;
        final long length;
        final BusDevice device;
        final String owner;
        final AtomicInteger inFlight = new AtomicInteger();
        volatile boolean closed;

        Entry(long base, long length, BusDevice device, String owner) {
            this.base = base;
            this.length = length;
            this.device = device;
            this.owner = owner;
        }

        @Override
        public long base() {
            return base;
        }

        @Override
        public long length() {
            return length;
        }

        @Override
        public void close() {
            remove(this);
        }

        @Override
        public String toString() {
            return String.format("%s 0x%x-0x%x %s", name, base, base + length - 1, owner);
        }
    }

    /**
     * Claims [base, base + length) for a device.
     *
     * @throws IllegalArgumentException if the range is empty, outside the space, or overlaps a claimed range
     */
    public synchronized BusRegistration register(long base, long length, BusDevice device, String owner) {
        if (length <= 0 || base < 0 || base > limit - length) {
            throw new IllegalArgumentException(String.format(
                    "%s range 0x%x+0x%x for %s is outside the %s space (size 0x%x)", name, base, length, owner, name, limit));
        }
        for (Entry e : entries) {
            if (base < e.base + e.length && e.base < base + length) {
                throw new IllegalArgumentException(String.format(
                        "%s range 0x%x-0x%x for %s overlaps %s", name, base, base + length - 1, owner, e));
            }
        }
        Entry entry = new Entry(base, length, device, owner);
        Entry[] next = Arrays.copyOf(entries, entries.length + 1);
        next[next.length - 1] = entry;
        Arrays.sort(next, (a, b) -> Long.compare(a.base, b.base));
        entries = next;
        return entry;
    }

    private void remove(Entry entry) {
        synchronized (this) {
            if (entry.closed) {
                return;
            }
            entry.closed = true;
            entries = Arrays.stream(entries).filter(e -> e != entry).toArray(Entry[]::new);
        }
        // Firecracker's Bus::remove contract: after close() returns, the device is not in use.
        while (entry.inFlight.get() != 0) {
            Thread.onSpinWait();
        }
    }

    private Entry find(long address) {
        Entry[] es = entries;
        int lo = 0;
        int hi = es.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Entry e = es[mid];
            if (address < e.base) {
                hi = mid - 1;
            } else if (address - e.base >= e.length) {
                lo = mid + 1;
            } else {
                return e;
            }
        }
        return null;
    }

    /** True when some device claims the address. */
    public boolean isClaimed(long address) {
        return find(address) != null;
    }

    /** Reads size bytes (1, 2, 4 or 8) at address; all ones where nothing answers. */
    public long read(long address, int size) {
        Entry e = find(address);
        if (e == null) {
            unclaimed(address, size, "read");
            return mask(size);
        }
        if (address - e.base > e.length - size) {
            return splitRead(address, size);
        }
        e.inFlight.incrementAndGet();
        try {
            if (e.closed) {
                return mask(size);
            }
            return e.device.read(address - e.base, size) & mask(size);
        } catch (RuntimeException ex) {
            faulty(e, ex);
            return mask(size);
        } finally {
            e.inFlight.decrementAndGet();
        }
    }

    /** Writes the low size bytes of value at address; dropped where nothing answers. */
    public void write(long address, int size, long value) {
        Entry e = find(address);
        if (e == null) {
            unclaimed(address, size, "write");
            return;
        }
        if (address - e.base > e.length - size) {
            splitWrite(address, size, value);
            return;
        }
        e.inFlight.incrementAndGet();
        try {
            if (!e.closed) {
                e.device.write(address - e.base, size, value & mask(size));
            }
        } catch (RuntimeException ex) {
            faulty(e, ex);
        } finally {
            e.inFlight.decrementAndGet();
        }
    }

    private long splitRead(long address, int size) {
        long v = 0;
        for (int i = 0; i < size; i++) {
            v |= read(address + i, 1) << (8 * i);
        }
        return v;
    }

    private void splitWrite(long address, int size, long value) {
        for (int i = 0; i < size; i++) {
            write(address + i, 1, (value >>> (8 * i)) & 0xff);
        }
    }

    private static long mask(int size) {
        return size >= 8 ? -1L : (1L << (size * 8)) - 1;
    }

    private void unclaimed(long address, int size, String what) {
        if (LOG.isLoggable(Level.DEBUG) && reportedUnclaimed.size() < 4096 && reportedUnclaimed.add(address)) {
            LOG.log(Level.DEBUG, () -> String.format("unclaimed %s %s 0x%x (%d bytes)", name, what, address, size));
        }
    }

    private void faulty(Entry e, RuntimeException ex) {
        if (reportedFaulty.add(e.device)) {
            LOG.log(Level.WARNING, "device " + e.owner + " failed on a " + name + " access; it keeps running, "
                    + "the access was dropped (reported once)", ex);
        }
    }

    /** The claimed ranges, for diagnostics (e.g. "0x3f8-0x3ff uart16550 com1"). */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        for (Entry e : entries) {
            out.add(e.toString());
        }
        return out;
    }
}
