package dev.hyperbundle.virtio.blk;

import static org.junit.jupiter.api.Assertions.*;

import dev.hyperbundle.device.Device;
import dev.hyperbundle.device.DeviceConfig;
import dev.hyperbundle.device.DeviceConfigException;
import dev.hyperbundle.testkit.DeviceTestContext;
import dev.hyperbundle.virtio.testkit.DeviceRig;
import dev.hyperbundle.virtio.testkit.DriverQueue.Buf;
import dev.hyperbundle.virtio.testkit.DriverQueue.Used;
import dev.hyperbundle.virtio.testkit.DriverQueue;
import dev.hyperbundle.virtio.testkit.GuestAllocator;
import dev.hyperbundle.virtio.testkit.Transports;
import dev.hyperbundle.virtio.testkit.VirtioDriver;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VirtioBlkTest {
    @TempDir
    Path dir;
    DeviceTestContext ctx = DeviceRig.context("virtio-blk0");
    GuestAllocator alloc = new GuestAllocator(0x100000);
    Device device;
    VirtioDriver driver;
    DriverQueue queue;
    Path image;

    @AfterEach
    void close() {
        if (device != null) {
            device.close();
        }
        ctx.close();
    }

    void start(String mode, boolean readOnly, long features) throws Exception {
        image = dir.resolve("disk.img");
        byte[] content = new byte[128 * 1024];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 7 + 3);
        }
        Files.write(image, content);
        Map<String, String> p = Transports.params(mode, "file", image.toString(), "readonly", Boolean.toString(readOnly),
                "serial", "HB-SERIAL-1");
        device = new VirtioBlkFactory().create(ctx, new DeviceConfig("virtio-blk", "virtio-blk0", p, "test"));
        driver = Transports.driver(ctx, device, mode);
        driver.negotiate(features);
        queue = new DriverQueue(ctx.physicalMemory, alloc.alloc(0x10000, 4096), driver.queueMaxSize(0));
        driver.setupQueue(0, queue);
        driver.driverOk();
        assertEquals(VirtioDriver.STATUS_DRIVER_OK, driver.status() & (VirtioDriver.STATUS_DRIVER_OK | VirtioDriver.STATUS_NEEDS_RESET));
    }

    long header(int type, long sector) {
        long h = alloc.alloc(16);
        ctx.physicalMemory.write(h, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(type).putInt(0).putLong(sector).array());
        return h;
    }

    /** Submits one request and returns {status, usedLength}. */
    int[] request(int type, long sector, long data, int length, boolean deviceWrites) {
        long h = header(type, sector);
        long status = alloc.alloc(1);
        ctx.physicalMemory.write8(status, 0xff);
        List<Buf> bufs = length > 0
                ? List.of(new Buf(h, 16, false), new Buf(data, length, deviceWrites), new Buf(status, 1, true))
                : List.of(new Buf(h, 16, false), new Buf(status, 1, true));
        int head = queue.add(bufs);
        driver.notifyQueue(0);
        List<Used> used = queue.takeUsed();
        assertEquals(1, used.size());
        assertEquals(head, used.get(0).id());
        return new int[] {ctx.physicalMemory.read8(status), used.get(0).length()};
    }

    @ParameterizedTest
    @ValueSource(strings = {"mmio", "mmio-v1", "pci", "pci-legacy"})
    void writeFlushAndReadBack(String mode) throws Exception {
        start(mode, false, -1L);
        byte[] pattern = new byte[1024];
        Arrays.fill(pattern, (byte) 0x5a);
        long buf = alloc.alloc(1024);
        ctx.physicalMemory.write(buf, pattern);
        assertArrayEquals(new int[] {VirtioBlk.S_OK, 1}, request(VirtioBlk.T_OUT, 128, buf, 1024, false));
        assertArrayEquals(new int[] {VirtioBlk.S_OK, 1}, request(VirtioBlk.T_FLUSH, 0, 0, 0, false));
        byte[] file = Files.readAllBytes(image);
        assertArrayEquals(pattern, Arrays.copyOfRange(file, 65536, 65536 + 1024));
        assertEquals((byte) (65535 * 7 + 3), file[65535]);
        assertEquals((byte) (66560 * 7 + 3), file[66560]);

        long in = alloc.alloc(2048);
        assertArrayEquals(new int[] {VirtioBlk.S_OK, 2049}, request(VirtioBlk.T_IN, 127, in, 2048, true));
        byte[] got = ctx.physicalMemory.read(in, 2048);
        assertArrayEquals(Arrays.copyOfRange(file, 127 * 512, 127 * 512 + 2048), got);
        assertTrue(ctx.irqLevel(Transports.irq(device)));
        assertEquals(1, driver.takeInterrupt() & 1);
        assertFalse(ctx.irqLevel(Transports.irq(device)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mmio", "pci"})
    void outOfRangeSectorsFailWithIoErr(String mode) throws Exception {
        start(mode, false, -1L);
        long buf = alloc.alloc(1024);
        long capacity = 128 * 1024 / 512;
        assertEquals(VirtioBlk.S_IOERR, request(VirtioBlk.T_IN, capacity, buf, 512, true)[0]);
        assertEquals(VirtioBlk.S_IOERR, request(VirtioBlk.T_IN, capacity - 1, buf, 1024, true)[0]);
        assertEquals(VirtioBlk.S_IOERR, request(VirtioBlk.T_OUT, -1L, buf, 512, false)[0]);
        assertEquals(VirtioBlk.S_IOERR, request(VirtioBlk.T_OUT, 0, buf, 100, false)[0]); // not whole sectors
        assertEquals(VirtioBlk.S_OK, request(VirtioBlk.T_IN, capacity - 1, buf, 512, true)[0]);
        assertEquals(VirtioBlk.S_UNSUPP, request(99, 0, 0, 0, false)[0]);
    }

    @Test
    void readOnlyRejectsWritesAndOffersRo() throws Exception {
        start("pci", true, -1L);
        assertTrue((driver.deviceFeatures() & (1L << VirtioBlk.F_RO)) != 0);
        byte[] before = Files.readAllBytes(image);
        long buf = alloc.alloc(512);
        ctx.physicalMemory.write(buf, new byte[512]);
        assertArrayEquals(new int[] {VirtioBlk.S_IOERR, 1}, request(VirtioBlk.T_OUT, 0, buf, 512, false));
        assertArrayEquals(before, Files.readAllBytes(image));
        assertEquals(VirtioBlk.S_OK, request(VirtioBlk.T_IN, 0, buf, 512, true)[0]);
        assertArrayEquals(Arrays.copyOf(before, 512), ctx.physicalMemory.read(buf, 512));
    }

    @Test
    void getIdAndConfig() throws Exception {
        start("mmio", false, -1L);
        assertEquals(256, driver.readConfig(0, 4) | driver.readConfig(4, 4) << 32);
        assertEquals(VirtioBlk.SEG_MAX, driver.readConfig(12, 4));
        long buf = alloc.alloc(20);
        assertArrayEquals(new int[] {VirtioBlk.S_OK, 21}, request(VirtioBlk.T_GET_ID, 0, buf, 20, true));
        assertEquals("HB-SERIAL-1", new String(ctx.physicalMemory.read(buf, 11)));
        assertEquals(0, ctx.physicalMemory.read8(buf + 11));
    }

    @Test
    void discardAndWriteZeroesReadAsZero() throws Exception {
        start("pci", false, -1L);
        long seg = alloc.alloc(32);
        ctx.physicalMemory.write(seg, ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(8).putInt(8).putInt(0).putLong(32).putInt(2).putInt(0).array());
        assertEquals(VirtioBlk.S_OK, request(VirtioBlk.T_DISCARD, 0, seg, 32, false)[0]);
        ctx.physicalMemory.write(seg, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(64).putInt(1).putInt(1).array());
        assertEquals(VirtioBlk.S_OK, request(VirtioBlk.T_WRITE_ZEROES, 0, seg, 16, false)[0]);
        byte[] file = Files.readAllBytes(image);
        assertEquals(128 * 1024, file.length);
        for (int i = 8 * 512; i < 16 * 512; i++) {
            assertEquals(0, file[i], "byte " + i);
        }
        for (int i = 64 * 512; i < 65 * 512; i++) {
            assertEquals(0, file[i]);
        }
        assertEquals((byte) (16 * 512 * 7 + 3), file[16 * 512]);
        // discard with the unmap flag is not valid (only write zeroes takes it)
        ctx.physicalMemory.write(seg, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(0).putInt(1).putInt(1).array());
        assertEquals(VirtioBlk.S_UNSUPP, request(VirtioBlk.T_DISCARD, 0, seg, 16, false)[0]);
    }

    @Test
    void indirectDescriptorsAndEventIdx() throws Exception {
        start("pci", false, -1L);
        long h = header(VirtioBlk.T_IN, 0);
        long data = alloc.alloc(512);
        long status = alloc.alloc(1);
        long table = alloc.alloc(48);
        queue.setUsedEvent(0);
        int head = queue.addIndirect(List.of(new Buf(h, 16, false), new Buf(data, 512, true), new Buf(status, 1, true)), table);
        driver.notifyQueue(0);
        assertEquals(List.of(new Used(head, 513)), queue.takeUsed());
        assertEquals(0, ctx.physicalMemory.read8(status));
        assertEquals(1, queue.availEvent()); // EVENT_IDX: notify me from avail index 1
        assertEquals(1, driver.takeInterrupt() & 1);
        // used_event 0 already passed: a second completion is not signalled
        h = header(VirtioBlk.T_FLUSH, 0);
        queue.add(List.of(new Buf(h, 16, false), new Buf(status, 1, true)));
        driver.notifyQueue(0);
        assertEquals(1, queue.takeUsed().size());
        assertEquals(0, driver.takeInterrupt());
    }

    @Test
    void missingFileIsAConfigErrorNamingIt() {
        DeviceConfig c = new DeviceConfig("virtio-blk", "virtio-blk0", Map.of("file", "/no/such/disk.img"), "--device #1");
        DeviceConfigException e = assertThrows(DeviceConfigException.class, () -> new VirtioBlkFactory().create(ctx, c));
        assertTrue(e.getMessage().contains("/no/such/disk.img"), e.getMessage());
        assertTrue(e.getMessage().contains("--device #1"), e.getMessage());
    }
}
