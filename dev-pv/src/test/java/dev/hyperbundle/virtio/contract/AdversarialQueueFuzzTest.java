package dev.hyperbundle.virtio.contract;

import static org.junit.jupiter.api.Assertions.*;

import dev.hyperbundle.device.DeviceFactory;
import dev.hyperbundle.testkit.DeviceTestContext;
import dev.hyperbundle.virtio.testkit.DeviceRig;
import dev.hyperbundle.virtio.testkit.DriverQueue;
import dev.hyperbundle.virtio.testkit.GuestAllocator;
import dev.hyperbundle.virtio.rng.VirtioRngFactory;
import dev.hyperbundle.virtio.testkit.VirtioDriver;
import dev.hyperbundle.virtio.transport.VirtioTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Feeds random and adversarial descriptor chains to every device: loops, huge lengths, addresses
 * outside RAM and beyond 4 GiB, head and next indexes beyond the queue, indirect tables inside indirect
 * tables, avail indexes far ahead. The device must never throw, never touch memory outside RAM, and end
 * either in DEVICE_NEEDS_RESET or with a consistent used ring; after a reset it works again.
 */
class AdversarialQueueFuzzTest {
    @TempDir
    static Path dir;

    static final long RAM = DeviceRig.RAM_SIZE;

    DeviceRig rig(String type, String mode, int seed) throws Exception {
        DeviceFactory f = DeviceStateContractTest.factory(type);
        DeviceTestContext ctx = DeviceRig.context(type + "0");
        int queues = type.equals("virtio-blk") || type.equals("virtio-rng") ? 1 : 2;
        String[] params = switch (type) {
            case "virtio-blk" -> {
                Path img = dir.resolve("fuzz-" + mode + seed + ".img");
                Files.write(img, new byte[64 * 1024]);
                yield new String[] {"file", img.toString()};
            }
            case "virtio-console" -> new String[] {"chardev", "mem"};
            case "virtio-net" -> new String[] {"backend", "none"};
            default -> new String[0];
        };
        return new DeviceRig(ctx, new GuestAllocator(0x100000), f, mode, queues, -1L, params);
    }

    static long address(Random r, long scratch) {
        return switch (r.nextInt(8)) {
            case 0 -> RAM - r.nextInt(64); // straddles the end of RAM
            case 1 -> RAM + r.nextInt(1 << 20);
            case 2 -> 0xfffffffffffff000L + r.nextInt(4096); // wraps around
            case 3 -> (1L << 32) + r.nextInt(1000);
            case 4 -> r.nextLong();
            default -> scratch + r.nextInt(0x8000);
        };
    }

    static int length(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> 0;
            case 1 -> -1; // 4 GiB - 1
            case 2 -> 0x7fffffff;
            case 3 -> (int) RAM;
            default -> r.nextInt(2048);
        };
    }

    static void randomDescriptor(DriverQueue q, Random r, long table, int index, int tableSize, long scratch, long indirectArea) {
        int flags = r.nextInt(8);
        long addr = address(r, scratch);
        int len = length(r);
        if ((flags & DriverQueue.INDIRECT) != 0 && r.nextBoolean()) {
            addr = indirectArea + 16L * r.nextInt(64); // a real-looking indirect table
            len = 16 * (1 + r.nextInt(r.nextBoolean() ? 8 : 100000));
        }
        int next = r.nextInt(4) == 0 ? r.nextInt(65536) : r.nextInt(tableSize);
        if (r.nextInt(6) == 0) {
            next = index; // self-loop
        }
        q.writeDescriptor(table, index, addr, len, flags, next);
    }

    @ParameterizedTest
    @ValueSource(strings = {"virtio-blk", "virtio-console", "virtio-rng", "virtio-net"})
    void randomChainsNeverEscape(String type) throws Exception {
        for (int seed = 0; seed < 40; seed++) {
            String mode = seed % 2 == 0 ? "pci" : "mmio";
            Random r = new Random(seed * 7919L + type.hashCode());
            try (DeviceRig rig = rig(type, mode, seed)) {
                long scratch = rig.alloc.alloc(0x10000, 4096);
                long indirectArea = rig.alloc.alloc(0x4000, 16);
                for (int i = 0; i < 0x4000; i += 8) {
                    rig.ctx.physicalMemory.write64(indirectArea + i, r.nextLong());
                }
                // indirect tables that point at further indirect tables and at themselves
                for (int i = 0; i < 32; i++) {
                    long d = indirectArea + 16L * r.nextInt(64);
                    rig.ctx.physicalMemory.write64(d, r.nextBoolean() ? indirectArea : scratch);
                    rig.ctx.physicalMemory.write32(d + 8, 16 * (1 + r.nextInt(8)));
                    rig.ctx.physicalMemory.write16(d + 12, r.nextInt(8));
                    rig.ctx.physicalMemory.write16(d + 14, r.nextInt(10));
                }
                for (int round = 0; round < 20 && (rig.driver.status() & VirtioDriver.STATUS_NEEDS_RESET) == 0; round++) {
                    int qi = r.nextInt(rig.queues.size());
                    DriverQueue q = rig.queues.get(qi);
                    for (int k = 0; k < 1 + r.nextInt(4); k++) {
                        randomDescriptor(q, r, q.desc, r.nextInt(q.size), q.size, scratch, indirectArea);
                    }
                    switch (r.nextInt(10)) {
                        case 0 -> q.publish(q.size + r.nextInt(65536 - q.size)); // head beyond the queue
                        case 1 -> q.setAvailIdx(q.usedIdx() + q.size + 1 + r.nextInt(1000)); // too far ahead
                        default -> q.publish(r.nextInt(q.size));
                    }
                    if (r.nextInt(8) == 0) {
                        q.setUsedEvent(r.nextInt(65536));
                    }
                    rig.driver.notifyQueue(r.nextInt(8) == 0 ? r.nextInt(70000) : qi);
                    if (type.equals("virtio-console")) {
                        rig.ctx.memoryCharBackend("mem").type("fuzz");
                    }
                    rig.ctx.runTasks();
                }
                assertEquals(List.of(), rig.ctx.deviceExceptions, "device threw");
                assertEquals(0, rig.ctx.unmappedAccesses(), "device touched memory outside RAM");
                int status = rig.driver.status();
                if ((status & VirtioDriver.STATUS_NEEDS_RESET) == 0) {
                    // Valid state: every used entry names a head inside the queue.
                    for (DriverQueue q : rig.queues) {
                        for (DriverQueue.Used u : q.takeUsed()) {
                            assertTrue(u.id() >= 0 && u.id() < q.size, "used id " + u.id());
                        }
                    }
                    assertTrue((status & VirtioDriver.STATUS_DRIVER_OK) != 0);
                } else {
                    assertTrue(((VirtioTransport) rig.device).core().needsReset());
                    assertFalse(((VirtioTransport) rig.device).core().active());
                }
                // A reset brings the device back to life.
                rig.driver.negotiate(-1L);
                assertEquals(0, rig.driver.status() & VirtioDriver.STATUS_NEEDS_RESET);
                rig.ctx.close();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"virtio-blk", "virtio-console", "virtio-rng", "virtio-net"})
    void namedAttacksPutOnlyThisDeviceIntoNeedsReset(String type) throws Exception {
        for (int attack = 0; attack < 7; attack++) {
            try (DeviceRig rig = rig(type, "pci", attack); LogRecords log = new LogRecords("hyperbundle.device." + type + "0")) {
                // A bystander on the same machine: must not notice the other device's trouble.
                DeviceRig bystander = new DeviceRig(rig.ctx.onSameMachine("bystander"), rig.alloc, new VirtioRngFactory(), "pci", 1, -1L);
                DriverQueue q = rig.queues.get(0);
                long buf = rig.alloc.alloc(4096);
                long table = rig.alloc.alloc(256);
                switch (attack) {
                    case 0 -> { // two descriptors pointing at each other
                        q.writeDescriptor(q.desc, 0, buf, 16, DriverQueue.NEXT | DriverQueue.WRITE, 1);
                        q.writeDescriptor(q.desc, 1, buf, 16, DriverQueue.NEXT | DriverQueue.WRITE, 0);
                        q.publish(0);
                    }
                    case 1 -> { // buffer reaching past the end of RAM
                        q.writeDescriptor(q.desc, 0, RAM - 8, 64, DriverQueue.WRITE, 0);
                        q.publish(0);
                    }
                    case 2 -> { // head beyond the queue size
                        q.publish(q.size + 3);
                    }
                    case 3 -> { // indirect table inside an indirect table
                        q.writeDescriptor(table, 0, table + 64, 32, DriverQueue.INDIRECT, 0);
                        q.writeDescriptor(q.desc, 0, table, 16, DriverQueue.INDIRECT, 0);
                        q.publish(0);
                    }
                    case 4 -> { // a 4 GiB - 1 byte buffer
                        q.writeDescriptor(q.desc, 0, buf, -1, DriverQueue.WRITE, 0);
                        q.publish(0);
                    }
                    case 5 -> { // next index beyond the queue
                        q.writeDescriptor(q.desc, 0, buf, 16, DriverQueue.NEXT | DriverQueue.WRITE, q.size);
                        q.publish(0);
                    }
                    default -> { // available index far ahead of the device
                        q.setAvailIdx(q.size + 5);
                    }
                }
                if (type.equals("virtio-console")) {
                    rig.ctx.memoryCharBackend("mem").type("x");
                }
                if (type.equals("virtio-net")) {
                    // net only reads its receive queue when a frame arrives: use the transmit queue.
                    DriverQueue tx = rig.queues.get(1);
                    copyAttack(q, tx);
                    rig.driver.notifyQueue(1);
                } else {
                    rig.driver.notifyQueue(0);
                }
                rig.ctx.runTasks();
                assertEquals(List.of(), rig.ctx.deviceExceptions);
                assertEquals(0, rig.ctx.unmappedAccesses());
                int status = rig.driver.status();
                assertEquals(VirtioDriver.STATUS_NEEDS_RESET, status & VirtioDriver.STATUS_NEEDS_RESET,
                        type + " attack " + attack + " status " + status);
                assertEquals(2, rig.driver.takeInterrupt() & 2, "config change interrupt tells the driver");
                assertEquals(0, q.usedIdx());
                // The driver keeps kicking the broken queue: still one log line, still nothing used.
                rig.driver.notifyQueue(type.equals("virtio-net") ? 1 : 0);
                rig.driver.notifyQueue(0);
                rig.ctx.runTasks();
                assertEquals(1, log.matching("device needs reset").size(), type + " attack " + attack + ": " + log.records);
                assertEquals(0, q.usedIdx());
                long b = rig.alloc.alloc(16);
                bystander.queues.get(0).add(List.of(new DriverQueue.Buf(b, 16, true)));
                bystander.driver.notifyQueue(0);
                rig.ctx.runTasks();
                assertEquals(List.of(16), bystander.queues.get(0).takeUsed().stream().map(DriverQueue.Used::length).toList());
                assertEquals(0, bystander.driver.status() & VirtioDriver.STATUS_NEEDS_RESET);
                bystander.close();
                rig.ctx.close();
            }
        }
    }

    /** Records what a java.util.logging logger (behind System.Logger) receives while open. */
    static final class LogRecords implements AutoCloseable {
        final java.util.logging.Logger logger;
        final List<String> records = new java.util.concurrent.CopyOnWriteArrayList<>();
        final java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                records.add(r.getLevel() + " " + r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };

        LogRecords(String name) {
            logger = java.util.logging.Logger.getLogger(name);
            logger.addHandler(handler);
        }

        List<String> matching(String text) {
            return records.stream().filter(r -> r.contains(text)).toList();
        }

        @Override
        public void close() {
            logger.removeHandler(handler);
        }
    }

    /** Copies the descriptor table and available ring of one queue into another. */
    private static void copyAttack(DriverQueue from, DriverQueue to) {
        for (int i = 0; i < 16 * from.size; i += 8) {
            to.memory.write64(to.desc + i, from.memory.read64(from.desc + i));
        }
        for (int i = 0; i < 4 + 2 * from.size; i += 2) {
            to.memory.write16(to.avail + i, from.memory.read16(from.avail + i));
        }
    }
}
