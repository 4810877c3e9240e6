package dev.hyperbundle.virtio.queue;

import dev.hyperbundle.device.DeviceStateException;
import dev.hyperbundle.device.StateReader;
import dev.hyperbundle.device.StateWriter;
import dev.hyperbundle.memory.GuestMemory;
import dev.hyperbundle.memory.GuestMemoryException;
import java.util.ArrayList;
import java.util.List;

/**
 * The device side of one split virtqueue (VIRTIO 1.2, 2.7). The driver's addresses and indices are never
 * trusted: every ring access is bounds-checked against guest memory, every index against the queue size,
 * and a descriptor chain is followed at most as many steps as its table has entries (so loops end).
 * A violation surfaces as a {@link VirtQueueException}.
 */
public final class VirtQueue {
    /** 2.7.5 descriptor flags. */
    public static final int DESC_F_NEXT = 1, DESC_F_WRITE = 2, DESC_F_INDIRECT = 4;
    /** 2.7.6 / 2.7.8 ring flags. */
    public static final int AVAIL_F_NO_INTERRUPT = 1;
    /** 2.7: a split queue has at most 32768 entries. */
    public static final int MAX_SIZE = 32768;
    private static final int DESC_SIZE = 16;
    /** 2.7.5.2: the total length of a chain fits in 32 bits. */
    private static final long MAX_CHAIN_BYTES = 0xffffffffL;

    private final GuestMemory memory;
    private final int maxSize;
    private int size;
    private boolean ready;
    private long descTable;
    private long availRing;
    private long usedRing;
    private int lastAvail;
    private int nextUsed;
    private int signalledUsed;
    private boolean eventIdx;
    private boolean indirect;

    public VirtQueue(GuestMemory memory, int maxSize) {
        if (Integer.bitCount(maxSize) != 1 || maxSize > MAX_SIZE) {
            throw new IllegalArgumentException("queue size " + maxSize + " is not a power of two up to " + MAX_SIZE);
        }
        this.memory = memory;
        this.maxSize = maxSize;
        reset();
    }

    /** 2.1 / 4.x queue reset: back to the state after a device reset. */
    public void reset() {
        size = maxSize;
        ready = false;
        descTable = availRing = usedRing = 0;
        lastAvail = nextUsed = signalledUsed = 0;
        eventIdx = indirect = false;
    }

    public int maxSize() {
        return maxSize;
    }

    public int size() {
        return size;
    }

    /** The driver's queue size; checked when the queue is validated. */
    public void setSize(int size) {
        this.size = size & 0xffff;
    }

    public boolean ready() {
        return ready;
    }

    public void setReady(boolean ready) {
        this.ready = ready;
    }

    public long descTable() {
        return descTable;
    }

    public long availRing() {
        return availRing;
    }

    public long usedRing() {
        return usedRing;
    }

    public void setDescTable(long a) {
        descTable = a;
    }

    public void setAvailRing(long a) {
        availRing = a;
    }

    public void setUsedRing(long a) {
        usedRing = a;
    }

    /**
     * Legacy layout (2.7.2 "Legacy Interfaces: A Note on Virtqueue Layout"): the three parts are
     * contiguous from base, the used ring aligned to align.
     */
    public void setLegacyLayout(long base, long align) {
        descTable = base;
        availRing = base + (long) DESC_SIZE * size;
        long availEnd = availRing + 6 + 2L * size;
        usedRing = (availEnd + align - 1) & -align;
    }

    /** Sets the negotiated ring features; called when the driver sets DRIVER_OK. */
    public void setFeatures(boolean eventIdx, boolean indirect) {
        this.eventIdx = eventIdx;
        this.indirect = indirect;
    }

    /** 2.7: checks size and the alignment and placement of the three areas before the queue is used. */
    public void validate() throws VirtQueueException {
        if (size == 0 || Integer.bitCount(size) != 1 || size > maxSize) {
            throw new VirtQueueException("queue size " + size + " is not a power of two up to " + maxSize);
        }
        // 2.7 table "Virtqueue Part Alignment": descriptors 16, driver area 2, device area 4.
        if ((descTable & 15) != 0 || (availRing & 1) != 0 || (usedRing & 3) != 0) {
            throw new VirtQueueException(String.format("queue areas 0x%x/0x%x/0x%x are misaligned", descTable, availRing, usedRing));
        }
        check(descTable, (long) DESC_SIZE * size, "descriptor table");
        check(availRing, 6 + 2L * size, "driver area");
        check(usedRing, 6 + 8L * size, "device area");
    }

    private void check(long address, long length, String what) throws VirtQueueException {
        if (!memory.isMapped(address, length)) {
            throw new VirtQueueException(String.format("%s 0x%x+%d is outside guest memory", what, address, length));
        }
    }

    /** True when the driver has made buffers available that the device has not taken. */
    public boolean hasAvailable() throws VirtQueueException {
        return ready && availIndex() != lastAvail;
    }

    private int availIndex() throws VirtQueueException {
        int idx = read16(availRing + 2);
        // 2.7.13.3: the driver cannot be more than a full ring ahead of the device.
        if (((idx - lastAvail) & 0xffff) > size) {
            throw new VirtQueueException("available index " + idx + " is more than " + size + " ahead of " + lastAvail);
        }
        return idx;
    }

    /**
     * Takes the next available chain, or returns null when there is none. With EVENT_IDX the device's
     * avail_event asks for a notification as soon as the driver adds anything beyond it (2.7.10).
     */
    public DescriptorChain pop() throws VirtQueueException {
        if (!ready) {
            return null;
        }
        int idx = availIndex();
        if (idx == lastAvail) {
            publishAvailEvent();
            return null;
        }
        int head = read16(availRing + 4 + 2L * (lastAvail % size));
        DescriptorChain chain = parse(head);
        lastAvail = (lastAvail + 1) & 0xffff;
        publishAvailEvent();
        return chain;
    }

    /** Gives back the chain last taken by {@link #pop()} (it will be taken again). */
    public void undoPop() {
        lastAvail = (lastAvail - 1) & 0xffff;
    }

    private void publishAvailEvent() throws VirtQueueException {
        if (eventIdx) {
            write16(usedRing + 4 + 8L * size, lastAvail);
        }
    }

    private DescriptorChain parse(int head) throws VirtQueueException {
        if (head >= size) {
            throw new VirtQueueException("chain head " + head + " is beyond the queue size " + size);
        }
        List<BufferSegment> readable = new ArrayList<>();
        List<BufferSegment> writable = new ArrayList<>();
        long table = descTable;
        int tableSize = size;
        boolean inIndirect = false;
        int index = head;
        int steps = 0;
        long total = 0;
        while (true) {
            if (index >= tableSize) {
                throw new VirtQueueException("descriptor index " + index + " is beyond its table of " + tableSize);
            }
            // 2.7.5.2: a chain visits each descriptor at most once, so more steps than entries is a loop.
            if (++steps > tableSize) {
                throw new VirtQueueException("descriptor chain from head " + head + " loops or is longer than its table");
            }
            long d = table + (long) DESC_SIZE * index;
            long addr = read64(d);
            long len = Integer.toUnsignedLong(read32(d + 8));
            int flags = read16(d + 12);
            int next = read16(d + 14);
            if ((flags & DESC_F_INDIRECT) != 0) {
                // 2.7.5.3.1: only with the feature, never nested, never together with NEXT.
                if (!indirect) {
                    throw new VirtQueueException("indirect descriptor without VIRTIO_F_INDIRECT_DESC");
                }
                if (inIndirect) {
                    throw new VirtQueueException("indirect descriptor inside an indirect table");
                }
                if ((flags & DESC_F_NEXT) != 0) {
                    throw new VirtQueueException("indirect descriptor with the NEXT flag");
                }
                if (len == 0 || len % DESC_SIZE != 0 || len / DESC_SIZE > size) {
                    throw new VirtQueueException("indirect table length " + len + " is not 1 to " + size + " descriptors");
                }
                check(addr, len, "indirect table");
                table = addr;
                tableSize = (int) (len / DESC_SIZE);
                inIndirect = true;
                index = 0;
                steps = 0;
                continue;
            }
            boolean write = (flags & DESC_F_WRITE) != 0;
            if (!write && !writable.isEmpty()) {
                throw new VirtQueueException("device-readable descriptor after a device-writable one"); // 2.7.4.2
            }
            total += len;
            if (total > MAX_CHAIN_BYTES) {
                throw new VirtQueueException("descriptor chain is longer than 4 GiB");
            }
            if (len > 0) {
                check(addr, len, "buffer");
                (write ? writable : readable).add(new BufferSegment(addr, (int) Math.min(len, Integer.MAX_VALUE)));
            }
            if ((flags & DESC_F_NEXT) == 0) {
                break;
            }
            index = next;
        }
        return new DescriptorChain(head, readable, writable, memory);
    }

    /** 2.7.8: returns a chain to the driver with the number of bytes written into it. */
    public void addUsed(int head, long writtenBytes) throws VirtQueueException {
        long e = usedRing + 4 + 8L * (nextUsed % size);
        write32(e, head);
        write32(e + 4, (int) writtenBytes);
        nextUsed = (nextUsed + 1) & 0xffff;
        write16(usedRing + 2, nextUsed);
    }

    /**
     * Whether the driver wants an interrupt for the used entries added since the last call (2.7.10):
     * with EVENT_IDX, when used_event was passed; otherwise unless VIRTQ_AVAIL_F_NO_INTERRUPT is set.
     */
    public boolean needsInterrupt() throws VirtQueueException {
        int old = signalledUsed;
        int now = nextUsed;
        signalledUsed = now;
        if (old == now) {
            return false;
        }
        if (eventIdx) {
            int usedEvent = read16(availRing + 4 + 2L * size);
            return ((now - usedEvent - 1) & 0xffff) < ((now - old) & 0xffff);
        }
        return (read16(availRing) & AVAIL_F_NO_INTERRUPT) == 0;
    }

    private int read16(long a) throws VirtQueueException {
        try {
            return memory.read16(a);
        } catch (GuestMemoryException e) {
            throw new VirtQueueException(e.getMessage());
        }
    }

    private int read32(long a) throws VirtQueueException {
        try {
            return memory.read32(a);
        } catch (GuestMemoryException e) {
            throw new VirtQueueException(e.getMessage());
        }
    }

    private long read64(long a) throws VirtQueueException {
        try {
            return memory.read64(a);
        } catch (GuestMemoryException e) {
            throw new VirtQueueException(e.getMessage());
        }
    }

    private void write16(long a, int v) throws VirtQueueException {
        try {
            memory.write16(a, v);
        } catch (GuestMemoryException e) {
            throw new VirtQueueException(e.getMessage());
        }
    }

    private void write32(long a, int v) throws VirtQueueException {
        try {
            memory.write32(a, v);
        } catch (GuestMemoryException e) {
            throw new VirtQueueException(e.getMessage());
        }
    }

    public void save(StateWriter w) {
        w.putInt(size).putBoolean(ready).putLong(descTable).putLong(availRing).putLong(usedRing)
                .putInt(lastAvail).putInt(nextUsed).putInt(signalledUsed).putBoolean(eventIdx).putBoolean(indirect);
    }

    public void restore(StateReader r) throws DeviceStateException {
        size = r.getInt() & 0xffff;
        ready = r.getBoolean();
        descTable = r.getLong();
        availRing = r.getLong();
        usedRing = r.getLong();
        lastAvail = r.getInt() & 0xffff;
        nextUsed = r.getInt() & 0xffff;
        signalledUsed = r.getInt() & 0xffff;
        eventIdx = r.getBoolean();
        indirect = r.getBoolean();
    }

    public int lastAvail() {
        return lastAvail;
    }

    public int nextUsed() {
        return nextUsed;
    }
}
