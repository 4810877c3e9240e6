package dev.hyperbundle.virtio.net;

import static org.junit.jupiter.api.Assertions.*;

import dev.hyperbundle.device.DeviceConfig;
import dev.hyperbundle.device.DeviceConfigException;
import dev.hyperbundle.testkit.DeviceTestContext;
import dev.hyperbundle.virtio.testkit.DeviceRig;
import dev.hyperbundle.virtio.testkit.DriverQueue.Buf;
import dev.hyperbundle.virtio.testkit.DriverQueue.Used;
import dev.hyperbundle.virtio.testkit.DriverQueue;
import dev.hyperbundle.virtio.testkit.GuestAllocator;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VirtioNetTest {
    static byte[] frame(byte[] dst, byte[] src, int payload) {
        byte[] f = new byte[14 + payload];
        System.arraycopy(dst, 0, f, 0, 6);
        System.arraycopy(src, 0, f, 6, 6);
        f[12] = 0x08;
        for (int i = 14; i < f.length; i++) {
            f[i] = (byte) i;
        }
        return f;
    }

    static DeviceRig nic(String id, String mode, String mac, String sw) throws Exception {
        DeviceTestContext ctx = DeviceRig.context(id);
        return new DeviceRig(ctx, new GuestAllocator(0x100000), new VirtioNetFactory(), mode, 2, -1L,
                "mac", mac, "backend", "switch:" + sw);
    }

    static void send(DeviceRig rig, byte[] frame, int headerLength) {
        long buf = rig.alloc.alloc(headerLength + frame.length);
        rig.ctx.physicalMemory.write(buf, new byte[headerLength]);
        rig.ctx.physicalMemory.write(buf + headerLength, frame);
        DriverQueue tx = rig.queues.get(1);
        int head = tx.add(List.of(new Buf(buf, headerLength, false), new Buf(buf + headerLength, frame.length, false)));
        rig.driver.notifyQueue(1);
        assertEquals(List.of(new Used(head, 0)), tx.takeUsed());
    }

    static long receiveBuffer(DeviceRig rig) {
        long buf = rig.alloc.alloc(1526);
        rig.queues.get(0).add(List.of(new Buf(buf, 1526, true)));
        rig.driver.notifyQueue(0);
        return buf;
    }

    @ParameterizedTest
    @ValueSource(strings = {"mmio", "pci", "pci-legacy"})
    void framesCrossTheSwitch(String mode) throws Exception {
        String sw = "test-" + mode;
        byte[] macA = MacAddress.parse("52:54:00:00:00:0a");
        byte[] macB = MacAddress.parse("52:54:00:00:00:0b");
        try (DeviceRig a = nic("net-a", mode, "52:54:00:00:00:0a", sw); DeviceRig b = nic("net-b", mode, "52:54:00:00:00:0b", sw)) {
            int hdr = mode.equals("pci-legacy") ? 10 : 12;
            assertEquals(0x0a, a.driver.readConfig(5, 1));
            assertEquals(1, a.driver.readConfig(6, 2)); // VIRTIO_NET_S_LINK_UP
            long rxB = receiveBuffer(b);
            long rxA = receiveBuffer(a);
            byte[] broadcast = frame(new byte[] {-1, -1, -1, -1, -1, -1}, macA, 50);
            send(a, broadcast, hdr);
            assertEquals(0, a.ctx.runTasks());
            assertEquals(1, b.ctx.runTasks());
            List<Used> used = b.queues.get(0).takeUsed();
            assertEquals(1, used.size());
            assertEquals(hdr + broadcast.length, used.get(0).length());
            assertArrayEquals(broadcast, b.ctx.physicalMemory.read(rxB + hdr, broadcast.length));
            if (hdr == 12) {
                assertEquals(1, b.ctx.physicalMemory.read16(rxB + 10)); // num_buffers
            }
            assertTrue(b.ctx.irqLevel(b.irq()));
            // B answers by unicast: the switch learned A's port.
            byte[] reply = frame(macA, macB, 100);
            send(b, reply, hdr);
            assertEquals(1, a.ctx.runTasks());
            assertArrayEquals(reply, a.ctx.physicalMemory.read(rxA + hdr, reply.length));
            // A frame that arrives while no buffer is free waits, and is delivered later.
            send(a, frame(macB, macA, 20), hdr);
            b.ctx.runTasks();
            assertEquals(List.of(), b.queues.get(0).takeUsed());
            long rx2 = receiveBuffer(b);
            assertEquals(1, b.queues.get(0).takeUsed().size());
            assertArrayEquals(frame(macB, macA, 20), b.ctx.physicalMemory.read(rx2 + hdr, 34));
        }
        assertFalse(EthernetSwitchNames.exists(sw));
    }

    @Test
    void defaultMacIsLocallyAdministeredAndStable() {
        byte[] m = MacAddress.derive("virtio-net0");
        assertEquals(0x02, m[0]);
        assertArrayEquals(m, MacAddress.derive("virtio-net0"));
        assertFalse(Arrays.equals(m, MacAddress.derive("virtio-net1")));
    }

    @Test
    void tapThatCannotBeOpenedIsAConfigErrorWithTheReason() {
        try (DeviceTestContext ctx = DeviceRig.context("net0")) {
            DeviceConfig c = new DeviceConfig("virtio-net", "net0", Map.of("backend", "tap:hbtest0"), "test");
            try {
                new VirtioNetFactory().create(ctx, c).close();
                // Running with CAP_NET_ADMIN: the TAP device could be created, which is fine too.
            } catch (DeviceConfigException e) {
                assertTrue(e.getMessage().contains("tap:hbtest0"), e.getMessage());
                assertTrue(e.getMessage().contains("errno") || e.getMessage().contains("needs"), e.getMessage());
            }
        }
    }
}
