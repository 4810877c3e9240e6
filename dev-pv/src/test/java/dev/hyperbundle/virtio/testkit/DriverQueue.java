package dev.hyperbundle.virtio.testkit;

import dev.hyperbundle.memory.GuestMemory;
import java.util.ArrayList;
import java.util.List;

/**
 * The driver side of a split virtqueue in guest memory (like rust-vmm virtio-queue's mock.rs): writes
 * descriptors, publishes heads in the available ring and reads the used ring.
 */
public final class DriverQueue {
    public static final int NEXT = 1, WRITE = 2, INDIRECT = 4;

    public record Buf(long address, int length, boolean write) {
    }

    public record Used(int id, int length) {
    }

    public final GuestMemory memory;
    public final int size;
    public final long desc;
    public final long avail;
    public final long used;
    private int nextDesc;
    private int availIdx;
    private int usedSeen;

    /** Lays the queue out from base the legacy way (used ring page-aligned), which suits every transport. */
    public DriverQueue(GuestMemory memory, long base, int size) {
        this.memory = memory;
        this.size = size;
        this.desc = base;
        this.avail = base + 16L * size;
        this.used = (avail + 6 + 2L * size + 4095) & -4096L;
        for (long a = base; a < used + 6 + 8L * size; a += 4) {
            memory.write32(a, 0);
        }
    }

    public void writeDescriptor(long table, int index, long addr, int len, int flags, int next) {
        long d = table + 16L * index;
        memory.write64(d, addr);
        memory.write32(d + 8, len);
        memory.write16(d + 12, flags);
        memory.write16(d + 14, next);
    }

    /** Adds a chain of direct descriptors and makes it available; returns its head. */
    public int add(List<Buf> bufs) {
        int head = nextDesc;
        for (int i = 0; i < bufs.size(); i++) {
            Buf b = bufs.get(i);
            int index = (head + i) % size;
            boolean last = i == bufs.size() - 1;
            writeDescriptor(desc, index, b.address(), b.length(), (b.write() ? WRITE : 0) | (last ? 0 : NEXT), (index + 1) % size);
        }
        nextDesc = (head + bufs.size()) % size;
        publish(head);
        return head;
    }

    /** Adds one descriptor pointing at an indirect table at tableAddr holding bufs. */
    public int addIndirect(List<Buf> bufs, long tableAddr) {
        for (int i = 0; i < bufs.size(); i++) {
            Buf b = bufs.get(i);
            boolean last = i == bufs.size() - 1;
            writeDescriptor(tableAddr, i, b.address(), b.length(), (b.write() ? WRITE : 0) | (last ? 0 : NEXT), i + 1);
        }
        int head = nextDesc;
        writeDescriptor(desc, head, tableAddr, 16 * bufs.size(), INDIRECT, 0);
        nextDesc = (head + 1) % size;
        publish(head);
        return head;
    }

    /** Puts a (possibly bogus) head into the available ring and bumps idx. */
    public void publish(int head) {
        memory.write16(avail + 4 + 2L * (availIdx % size), head);
        availIdx = (availIdx + 1) & 0xffff;
        memory.write16(avail + 2, availIdx);
    }

    public void setAvailIdx(int idx) {
        availIdx = idx & 0xffff;
        memory.write16(avail + 2, availIdx);
    }

    public void setAvailFlags(int flags) {
        memory.write16(avail, flags);
    }

    public void setUsedEvent(int idx) {
        memory.write16(avail + 4 + 2L * size, idx);
    }

    public int availEvent() {
        return memory.read16(used + 4 + 8L * size);
    }

    public int usedIdx() {
        return memory.read16(used + 2);
    }

    /** Used entries added since the last call. */
    public List<Used> takeUsed() {
        List<Used> out = new ArrayList<>();
        int idx = usedIdx();
        while (usedSeen != idx) {
            long e = used + 4 + 8L * (usedSeen % size);
            out.add(new Used(memory.read32(e), memory.read32(e + 4)));
            usedSeen = (usedSeen + 1) & 0xffff;
        }
        return out;
    }
}
