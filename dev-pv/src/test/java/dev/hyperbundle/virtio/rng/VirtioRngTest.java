package dev.hyperbundle.virtio.rng;

import static org.junit.jupiter.api.Assertions.*;

import dev.hyperbundle.virtio.testkit.DeviceRig;
import dev.hyperbundle.virtio.testkit.DriverQueue.Buf;
import dev.hyperbundle.virtio.testkit.DriverQueue.Used;
import dev.hyperbundle.virtio.testkit.DriverQueue;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VirtioRngTest {
    @ParameterizedTest
    @ValueSource(strings = {"mmio", "mmio-v1", "pci", "pci-legacy"})
    void fillsBuffers(String mode) throws Exception {
        try (DeviceRig rig = DeviceRig.start(new VirtioRngFactory(), mode, 1)) {
            DriverQueue q = rig.queues.get(0);
            long a = rig.alloc.alloc(64);
            long b = rig.alloc.alloc(64);
            int h1 = q.add(List.of(new Buf(a, 64, true)));
            int h2 = q.add(List.of(new Buf(b, 32, true), new Buf(b + 32, 32, true)));
            rig.driver.notifyQueue(0);
            assertEquals(List.of(new Used(h1, 64), new Used(h2, 64)), q.takeUsed());
            byte[] x = rig.ctx.physicalMemory.read(a, 64);
            byte[] y = rig.ctx.physicalMemory.read(b, 64);
            assertFalse(java.util.Arrays.equals(x, new byte[64]));
            assertFalse(java.util.Arrays.equals(x, y));
            assertTrue(rig.ctx.irqLevel(rig.irq()));
        }
    }
}
