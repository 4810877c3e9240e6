package dev.hyperbundle.virtio.console;

import static org.junit.jupiter.api.Assertions.*;

import dev.hyperbundle.testkit.MemoryCharBackend;
import dev.hyperbundle.virtio.testkit.DeviceRig;
import dev.hyperbundle.virtio.testkit.DriverQueue.Buf;
import dev.hyperbundle.virtio.testkit.DriverQueue.Used;
import dev.hyperbundle.virtio.testkit.DriverQueue;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VirtioConsoleTest {
    @ParameterizedTest
    @ValueSource(strings = {"mmio", "mmio-v1", "pci", "pci-legacy"})
    void outputReachesBackendAndInputReachesGuest(String mode) throws Exception {
        try (DeviceRig rig = DeviceRig.start(new VirtioConsoleFactory(), mode, 2, "chardev", "mem")) {
            MemoryCharBackend backend = rig.ctx.memoryCharBackend("mem");
            DriverQueue rx = rig.queues.get(0);
            DriverQueue tx = rig.queues.get(1);
            byte[] hello = "HVC0-HELLO-FROM-GUEST\n".getBytes(StandardCharsets.US_ASCII);
            long out = rig.alloc.alloc(hello.length);
            rig.ctx.physicalMemory.write(out, hello);
            int head = tx.add(List.of(new Buf(out, 10, false), new Buf(out + 10, hello.length - 10, false)));
            rig.driver.notifyQueue(1);
            assertEquals("HVC0-HELLO-FROM-GUEST\n", backend.output());
            assertEquals(List.of(new Used(head, 0)), tx.takeUsed());

            // Input with no buffer stays in the backend; a buffer then takes it.
            backend.type("ls\n");
            rig.ctx.runTasks();
            assertEquals(3, backend.pendingInput());
            long in = rig.alloc.alloc(2);
            int rxHead = rx.add(List.of(new Buf(in, 2, true)));
            rig.driver.notifyQueue(0);
            assertEquals(List.of(new Used(rxHead, 2)), rx.takeUsed());
            assertEquals("ls", new String(rig.ctx.physicalMemory.read(in, 2), StandardCharsets.US_ASCII));
            assertEquals(1, backend.pendingInput());
            long in2 = rig.alloc.alloc(16);
            int rxHead2 = rx.add(List.of(new Buf(in2, 16, true)));
            rig.driver.notifyQueue(0);
            assertEquals(List.of(new Used(rxHead2, 1)), rx.takeUsed());
            // An empty buffer waits for input; typing delivers through the executor.
            long in3 = rig.alloc.alloc(16);
            int rxHead3 = rx.add(List.of(new Buf(in3, 16, true)));
            rig.driver.notifyQueue(0);
            assertEquals(List.of(), rx.takeUsed());
            rig.driver.takeInterrupt();
            rx.setUsedEvent(rx.usedIdx()); // like Linux's virtqueue_enable_cb with EVENT_IDX
            backend.type("x");
            assertEquals(1, rig.ctx.runTasks());
            assertEquals(List.of(new Used(rxHead3, 1)), rx.takeUsed());
            assertTrue(rig.ctx.irqLevel(rig.irq()));
            assertEquals(1, rig.driver.takeInterrupt() & 1);
        }
    }
}
