package dev.hyperbundle.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IoBusTest {
    /** Records accesses; reads return 0xA0 + offset in every byte lane. */
    static final class Recorder implements BusDevice {
        final List<String> log = new ArrayList<>();

        @Override
        public long read(long offset, int size) {
            log.add("r" + offset + "/" + size);
            return 0x0101010101010101L * (0xa0 + offset);
        }

        @Override
        public void write(long offset, int size, long value) {
            log.add(String.format("w%d/%d=%x", offset, size, value));
        }
    }

    @Test
    void dispatchesWithOffsetsAndMasksToSize() {
        IoBus bus = new IoBus("port", 0x10000);
        Recorder d = new Recorder();
        bus.register(0x3f8, 8, d, "com1");
        assertEquals(0xa2, bus.read(0x3fa, 1));
        assertEquals(0xa0a0, bus.read(0x3f8, 2));
        bus.write(0x3fb, 1, 0x1ff);
        assertEquals(List.of("r2/1", "r0/2", "w3/1=ff"), d.log);
    }

    @Test
    void unclaimedReadsAllOnesAndDropsWrites() {
        IoBus bus = new IoBus("port", 0x10000);
        assertEquals(0xff, bus.read(0x278, 1));
        assertEquals(0xffff, bus.read(0x278, 2));
        assertEquals(0xffffffffL, bus.read(0x278, 4));
        bus.write(0x278, 4, 0x12345678); // nothing to see, nothing thrown
    }

    /** Each unclaimed address is reported once (at DEBUG), however often the guest probes it. */
    @Test
    void unclaimedAccessesAreLoggedOncePerAddress() {
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger(IoBus.class.getName());
        List<String> records = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler handler = new java.util.logging.Handler() {
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
        java.util.logging.Level before = jul.getLevel();
        jul.setLevel(java.util.logging.Level.FINE);
        jul.addHandler(handler);
        try {
            IoBus bus = new IoBus("port", 0x10000);
            for (int i = 0; i < 5; i++) {
                assertEquals(0xff, bus.read(0x3f0, 1)); // floppy controller probe
                bus.write(0x378, 1, 0x55); // parallel port probe
            }
            assertEquals(0xffff, bus.read(0x3f0, 2));
            assertEquals(List.of("FINE unclaimed port read 0x3f0 (1 bytes)", "FINE unclaimed port write 0x378 (1 bytes)"), records);
        } finally {
            jul.removeHandler(handler);
            jul.setLevel(before);
        }
    }

    @Test
    void accessRunningPastARangeIsSplitIntoBytes() {
        IoBus bus = new IoBus("port", 0x10000);
        Recorder d = new Recorder();
        bus.register(0x60, 1, d, "kbd");
        // 16-bit read at 0x60: byte 0x60 from the device, byte 0x61 unclaimed (0xff).
        assertEquals(0xffa0, bus.read(0x60, 2));
        bus.write(0x60, 2, 0xbeef);
        assertEquals(List.of("r0/1", "w0/1=ef"), d.log);
    }

    @Test
    void overlapsAndOutOfSpaceRangesAreRejected() {
        IoBus bus = new IoBus("port", 0x10000);
        bus.register(0x20, 2, new Recorder(), "pic");
        var e = assertThrows(IllegalArgumentException.class, () -> bus.register(0x21, 1, new Recorder(), "other"));
        assertEquals("port range 0x21-0x21 for other overlaps port 0x20-0x21 pic", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> bus.register(0xffff, 2, new Recorder(), "edge"));
        assertThrows(IllegalArgumentException.class, () -> bus.register(0x100, 0, new Recorder(), "empty"));
    }

    @Test
    void aFailingDeviceDoesNotBreakTheBus() {
        IoBus bus = new IoBus("mmio", 1L << 32);
        bus.register(0xfeb00000L, 0x200, new BusDevice() {
            @Override
            public long read(long offset, int size) {
                throw new IllegalStateException("bug");
            }

            @Override
            public void write(long offset, int size, long value) {
                throw new IllegalStateException("bug");
            }
        }, "buggy");
        assertEquals(0xffffffffL, bus.read(0xfeb00000L, 4));
        bus.write(0xfeb00004L, 4, 1);
    }

    @Test
    void closedRangesStopAnsweringAndCanBeReclaimed() {
        IoBus bus = new IoBus("port", 0x10000);
        Recorder first = new Recorder();
        BusRegistration r = bus.register(0x70, 2, first, "rtc");
        r.close();
        assertEquals(0xff, bus.read(0x70, 1));
        Recorder second = new Recorder();
        bus.register(0x70, 2, second, "rtc2");
        bus.read(0x71, 1);
        assertEquals(List.of(), first.log);
        assertEquals(List.of("r1/1"), second.log);
        r.close(); // idempotent
    }
}
