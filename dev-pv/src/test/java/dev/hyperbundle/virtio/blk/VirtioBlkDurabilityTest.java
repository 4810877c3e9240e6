package dev.hyperbundle.virtio.blk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hyperbundle.device.Device;
import dev.hyperbundle.device.DeviceConfig;
import dev.hyperbundle.testkit.DeviceTestContext;
import dev.hyperbundle.virtio.testkit.DeviceRig;
import dev.hyperbundle.virtio.testkit.DriverQueue;
import dev.hyperbundle.virtio.testkit.DriverQueue.Buf;
import dev.hyperbundle.virtio.testkit.GuestAllocator;
import dev.hyperbundle.virtio.testkit.Transports;
import dev.hyperbundle.virtio.testkit.VirtioDriver;
import dev.hyperbundle.virtio.transport.VirtioTransports;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What reaches the image file: a guest flush is a FileChannel.force(true) before the guest hears "done"; discard punches holes. */
class VirtioBlkDurabilityTest {
    @TempDir
    Path dir;
    final DeviceTestContext ctx = DeviceRig.context("virtio-blk0");
    final GuestAllocator alloc = new GuestAllocator(0x100000);
    final List<String> events = new ArrayList<>();
    Device device;
    VirtioDriver driver;
    DriverQueue queue;
    long pendingStatus;

    @AfterEach
    void close() {
        if (device != null) {
            device.close();
        }
        ctx.close();
    }

    private void start(Path image) throws Exception {
        FileChannel real = FileChannel.open(image, StandardOpenOption.READ, StandardOpenOption.WRITE);
        BlockFile file = new BlockFile(new Watched(real), real.size(), false, HolePuncher.open(image));
        DeviceConfig config = new DeviceConfig("virtio-blk", "virtio-blk0", Transports.params("pci"), "test");
        device = VirtioTransports.attach(ctx, config, new VirtioBlk(file, "", ctx.logger(), "virtio-blk0"));
        driver = Transports.driver(ctx, device, "pci");
        driver.negotiate(-1L);
        queue = new DriverQueue(ctx.physicalMemory, alloc.alloc(0x10000, 4096), driver.queueMaxSize(0));
        driver.setupQueue(0, queue);
        driver.driverOk();
    }

    private int request(int type, long sector, long data, int length, boolean deviceWrites) {
        long h = alloc.alloc(16);
        ctx.physicalMemory.write(h, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(type).putInt(0).putLong(sector).array());
        pendingStatus = alloc.alloc(1);
        ctx.physicalMemory.write8(pendingStatus, 0xff);
        queue.add(length > 0 ? List.of(new Buf(h, 16, false), new Buf(data, length, deviceWrites), new Buf(pendingStatus, 1, true))
                : List.of(new Buf(h, 16, false), new Buf(pendingStatus, 1, true)));
        driver.notifyQueue(0);
        ctx.runTasks();
        assertEquals(1, queue.takeUsed().size());
        return ctx.physicalMemory.read8(pendingStatus);
    }

    @Test
    void flushForcesDataAndMetadataBeforeTheGuestSeesItComplete() throws Exception {
        Path image = Files.write(dir.resolve("disk.img"), new byte[64 * 1024]);
        start(image);
        long buf = alloc.alloc(4096);
        ctx.physicalMemory.write(buf, new byte[4096]);
        assertEquals(VirtioBlk.S_OK, request(VirtioBlk.T_OUT, 8, buf, 4096, false));
        assertEquals(List.of("write 4096 at 4096"), events, "a write is not forced by itself (the guest asks with FLUSH)");
        events.clear();
        assertEquals(VirtioBlk.S_OK, request(VirtioBlk.T_FLUSH, 0, 0, 0, false));
        assertEquals(List.of("force(true) while the guest's status byte is 0xff"), events);
        assertTrue((driver.deviceFeatures() & (1L << VirtioBlk.F_FLUSH)) != 0, "VIRTIO_BLK_F_FLUSH offered");
    }

    @Test
    void discardPunchesAHoleWhereTheFileSystemCan() throws Exception {
        Path probe = Files.write(dir.resolve("probe.img"), filled(1 << 20));
        HolePuncher p = HolePuncher.open(probe);
        boolean punches = p.punch(0, 1 << 20);
        p.close();
        assumeTrue(punches, "this file system cannot punch holes (then discard writes zeros, see VirtioBlkTest)");
        Path image = Files.write(dir.resolve("disk.img"), filled(2 << 20));
        forceToDisk(image);
        long before = allocatedBlocks(image);
        start(image);
        long seg = alloc.alloc(16);
        ctx.physicalMemory.write(seg, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(0).putInt(2048).putInt(0).array());
        assertEquals(VirtioBlk.S_OK, request(VirtioBlk.T_DISCARD, 0, seg, 16, false));
        long after = allocatedBlocks(image);
        assertTrue(before - after >= 2048, "1 MiB (2048 blocks of 512 bytes) freed: " + before + " -> " + after);
        assertEquals(2 << 20, Files.size(image), "the image keeps its size");
        byte[] content = Files.readAllBytes(image);
        assertTrue(Arrays.equals(new byte[1 << 20], Arrays.copyOf(content, 1 << 20)), "the discarded range reads as zeros");
        assertEquals((byte) 0x5a, content[1 << 20]);
    }

    private static byte[] filled(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) 0x5a);
        return b;
    }

    private static void forceToDisk(Path p) throws IOException {
        try (FileChannel c = FileChannel.open(p, StandardOpenOption.WRITE)) {
            c.force(true);
        }
    }

    /** st_blocks (512-byte units) from stat(1). */
    private static long allocatedBlocks(Path p) throws Exception {
        Process stat = new ProcessBuilder("stat", "-c", "%b", p.toString()).redirectErrorStream(true).start();
        String out = new String(stat.getInputStream().readAllBytes()).trim();
        assertEquals(0, stat.waitFor(), out);
        return Long.parseLong(out);
    }

    /** A FileChannel that records writes and forces (and what the guest could see at the force). */
    private final class Watched extends FileChannel {
        private final FileChannel c;

        Watched(FileChannel c) {
            this.c = c;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            c.force(metaData);
            events.add("force(" + metaData + ") while the guest's status byte is 0x"
                    + Integer.toHexString(ctx.physicalMemory.read8(pendingStatus)));
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            int n = src.remaining();
            int w = c.write(src, position);
            events.add("write " + n + " at " + position);
            return w;
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return c.read(dst, position);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return c.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return c.read(dsts, offset, length);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return c.write(src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            return c.write(srcs, offset, length);
        }

        @Override
        public long position() throws IOException {
            return c.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            c.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return c.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            c.truncate(size);
            return this;
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return c.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            return c.transferFrom(src, position, count);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return c.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return c.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return c.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            c.close();
        }
    }
}
