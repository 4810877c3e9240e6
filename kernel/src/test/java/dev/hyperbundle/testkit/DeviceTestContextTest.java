package dev.hyperbundle.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperbundle.bus.BusDevice;
import dev.hyperbundle.device.DeviceConfigException;
import dev.hyperbundle.memory.GuestMemory;
import dev.hyperbundle.memory.GuestMemoryException;
import dev.hyperbundle.time.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeviceTestContextTest {
    @Test
    void runFiresTimersAtTheirExactDeadlinesInOrder() {
        DeviceTestContext ctx = new DeviceTestContext();
        List<String> fired = new ArrayList<>();
        Timer[] periodic = new Timer[1];
        periodic[0] = ctx.createTimer(() -> {
            fired.add("p@" + ctx.clock.nanos());
            periodic[0].armAt(ctx.clock.nanos() + 300);
        });
        Timer once = ctx.createTimer(() -> fired.add("once@" + ctx.clock.nanos()));
        periodic[0].armAt(300);
        once.armAt(450);
        ctx.run(1000);
        assertEquals(List.of("p@300", "once@450", "p@600", "p@900"), fired);
        assertEquals(1000, ctx.clock.nanos());
        ctx.run(200);
        assertEquals("p@1200", fired.getLast(), "a deadline at the very end fires");
    }

    @Test
    void queuedTasksWaitAndRunInOrder() {
        DeviceTestContext ctx = DeviceTestContext.builder("q0").queuedExecutor().build();
        List<Integer> ran = new ArrayList<>();
        ctx.executor().execute(() -> ran.add(1));
        ctx.executor().execute(() -> {
            ran.add(2);
            ctx.executor().execute(() -> ran.add(4)); // posted by a task: runs in the same drain
        });
        ctx.executor().execute(() -> ran.add(3));
        assertEquals(List.of(), ran);
        assertEquals(3, ctx.pendingTasks());
        assertEquals(4, ctx.runTasks());
        assertEquals(List.of(1, 2, 3, 4), ran);
        assertEquals(0, ctx.runTasks());

        DeviceTestContext sync = new DeviceTestContext();
        sync.executor().execute(() -> ran.add(5));
        assertEquals(5, ran.getLast(), "the default executor runs at once");
        assertEquals(0, sync.runTasks());
    }

    @Test
    void accessesOutsideRamAreCountedAndStillFail() {
        try (DeviceTestContext ctx = DeviceTestContext.builder("dma0").ram(1 << 20).build()) {
            GuestMemory m = ctx.memory();
            m.write32(0x1000, 0x12345678);
            assertEquals(0x12345678, ctx.physicalMemory.read32(0x1000));
            assertEquals(0, ctx.unmappedAccesses());
            assertThrows(GuestMemoryException.class, () -> m.read32((1 << 20) - 2)); // straddles the end
            assertThrows(GuestMemoryException.class, () -> m.write(1L << 32, new byte[4]));
            assertEquals(2, ctx.unmappedAccesses());
            assertThrows(GuestMemoryException.class, () -> ctx.physicalMemory.read8(2L << 20));
            assertEquals(2, ctx.unmappedAccesses(), "the test's own accesses are not counted");
        }
    }

    @Test
    void aSecondContextSharesTheMachineButNotTheSlot() throws Exception {
        try (DeviceTestContext a = DeviceTestContext.builder("a").ram(1 << 20).queuedExecutor().charBackendsOnDemand().build()) {
            DeviceTestContext b = a.onSameMachine("b");
            assertSame(a.physicalMemory, b.physicalMemory);
            assertSame(a.pci, b.pci);
            assertSame(a.ports, b.ports);
            assertSame(a.clock, b.clock);
            b.irq(5).set(true);
            assertTrue(a.irqLevel(5));
            b.executor().execute(() -> { });
            assertEquals(1, a.runTasks(), "one task queue per machine");
            b.machine().requestReset("b asks");
            assertEquals(List.of("b asks"), a.resetRequests);
            assertSame(a.irq(3), a.irq(3), "one handle per line");
            assertFalse(a.irq(3) == b.irq(3), "each slot has its own handles");
            assertSame(b.charBackend("mem"), b.memoryCharBackend("mem"));
            assertFalse(a.charBackends.containsKey("mem"));
            assertThrows(GuestMemoryException.class, () -> b.memory().read8(2L << 20));
            assertEquals(1, b.unmappedAccesses());
            assertEquals(0, a.unmappedAccesses(), "counted for the device that made the access");
        }
    }

    @Test
    void busExceptionsAreRecordedAndConfigurationErrorsReported() throws Exception {
        DeviceTestContext ctx = new DeviceTestContext("dev0");
        BusDevice broken = new BusDevice() {
            @Override
            public long read(long offset, int size) {
                throw new IllegalStateException("broken");
            }

            @Override
            public void write(long offset, int size, long value) {
            }
        };
        ctx.registerPorts(0x80, 1, broken);
        assertEquals(0xff, ctx.in(0x80), "the bus swallows the exception, as on a real machine");
        assertEquals(1, ctx.deviceExceptions.size());
        assertEquals("broken", ctx.deviceExceptions.get(0).getMessage());
        assertThrows(DeviceConfigException.class, () -> ctx.registerPorts(0x80, 1, broken), "port taken");
        assertThrows(DeviceConfigException.class, () -> ctx.charBackend("stdio"), "strict by default");
        MemoryCharBackend host = new MemoryCharBackend();
        ctx.charBackends.put("stdio", host);
        assertSame(host, ctx.charBackend("stdio"));
        assertEquals(Map.of("x", "1"), DeviceTestContext.config("pit", "x", "1").params());
        assertEquals("pit0", DeviceTestContext.config("pit").id());
    }

    @Test
    void memoryCharBackendIsByteTransparent() {
        MemoryCharBackend b = new MemoryCharBackend();
        int[] heard = new int[1];
        b.setInputListener(() -> heard[0]++);
        b.type("a\u00ff");
        assertEquals(1, heard[0]);
        assertEquals(2, b.pendingInput());
        assertEquals('a', b.read());
        assertEquals(0xff, b.read());
        assertEquals(-1, b.read());
        b.write(0xe9);
        b.flush();
        assertEquals("\u00e9", b.output());
        assertEquals(1, b.flushes());
        assertThrows(IllegalArgumentException.class, () -> b.type("\u20ac"));
    }
}
