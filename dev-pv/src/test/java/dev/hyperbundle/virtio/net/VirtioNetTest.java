package dev.hyperbundle.virtio.net;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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

    /** Two machines' "virtio-net0" on one switch differ; the same machine and device keep theirs (also across a hot-swap). */
    @Test
    void defaultMacsDifferBetweenMachinesAndStayPerMachine() throws Exception {
        String[] macs = new String[3];
        String[] machines = {"alpha", "beta", "alpha"};
        for (int i = 0; i < 3; i++) {
            try (DeviceTestContext ctx = DeviceTestContext.builder("virtio-net0").ram(DeviceRig.RAM_SIZE).queuedExecutor()
                    .machineName(machines[i]).build()) {
                var device = new VirtioNetFactory().create(ctx, new DeviceConfig("virtio-net", "virtio-net0", Map.of("transport", "mmio"), "test"));
                var driver = dev.hyperbundle.virtio.testkit.Transports.driver(ctx, device, "mmio");
                StringBuilder mac = new StringBuilder();
                for (int b = 0; b < 6; b++) {
                    mac.append(String.format("%02x", driver.readConfig(b, 1)));
                }
                macs[i] = mac.toString();
                device.close();
            }
        }
        assertTrue(!macs[0].equals(macs[1]), "alpha " + macs[0] + " and beta " + macs[1]);
        assertEquals(macs[0], macs[2]);
        assertEquals("02", macs[0].substring(0, 2), "locally administered, unicast");
        byte[] expected = MacAddress.derive("alpha/virtio-net0");
        assertEquals(String.format("%02x%02x%02x%02x%02x%02x", expected[0], expected[1], expected[2], expected[3], expected[4], expected[5]),
                macs[0]);
    }

    /** Errors where a TAP cannot be had, whatever this host allows: a bad name, and a name taken by another kind of interface. */
    @Test
    void tapErrorsNameTheInterfaceAndTheReason() {
        try (DeviceTestContext ctx = DeviceRig.context("net0")) {
            var e = assertThrows(DeviceConfigException.class, () -> new VirtioNetFactory().create(ctx,
                    new DeviceConfig("virtio-net", "net0", Map.of("backend", "tap:name-far-too-long"), "test")));
            assertTrue(e.getMessage().contains("tap interface name 'name-far-too-long' must be 1-15 letters, digits"), e.getMessage());
            e = assertThrows(DeviceConfigException.class, () -> new VirtioNetFactory().create(ctx,
                    new DeviceConfig("virtio-net", "net0", Map.of("backend", "tap:lo"), "test")));
            assertTrue(e.getMessage().contains("tap:lo: TUNSETIFF failed: ") || e.getMessage().contains("tap:lo: cannot open /dev/net/tun: ")
                    || e.getMessage().contains("tap:lo needs Linux with /dev/net/tun"), e.getMessage());
        }
    }

    /**
     * Where /dev/net/tun is usable (root here): a frame the guest sends arrives on the host interface, and the host's
     * ARP request for a neighbour on that interface reaches the guest's receive queue. The interface goes with the device.
     */
    @Test
    void tapCarriesFramesBothWaysWhereTunIsUsable() throws Exception {
        java.nio.file.Path tun = java.nio.file.Path.of("/dev/net/tun");
        assumeTrue(java.nio.file.Files.isReadable(tun) && java.nio.file.Files.isWritable(tun), "/dev/net/tun is not usable here");
        assumeTrue(java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/sbin/ip")), "no ip(8) to configure the interface");
        String ifname = "hbtap" + (ProcessHandle.current().pid() % 10000);
        DeviceRig rig;
        try {
            rig = DeviceRig.start(new VirtioNetFactory(), "pci", 2, "backend", "tap:" + ifname, "mac", "52:54:00:12:34:56");
        } catch (DeviceConfigException e) {
            assumeTrue(false, "cannot create a TAP here: " + e.getMessage());
            return;
        }
        try (rig) {
            java.nio.file.Path stats = java.nio.file.Path.of("/sys/class/net", ifname, "statistics", "rx_packets");
            assertTrue(java.nio.file.Files.exists(stats), "the TAP interface exists while the device does");
            ip("link", "set", ifname, "up");
            ip("addr", "add", "169.254.213.1/30", "dev", ifname);
            long before = Long.parseLong(java.nio.file.Files.readString(stats).trim());
            byte[] out = frame(new byte[] {-1, -1, -1, -1, -1, -1}, MacAddress.parse("52:54:00:12:34:56"), 60);
            send(rig, out, 12);
            long end = System.currentTimeMillis() + 5000;
            while (Long.parseLong(java.nio.file.Files.readString(stats).trim()) == before && System.currentTimeMillis() < end) {
                Thread.sleep(10);
            }
            assertEquals(before + 1, Long.parseLong(java.nio.file.Files.readString(stats).trim()), "the guest's frame reached the host");
            long rx = receiveBuffer(rig);
            try (java.net.DatagramSocket udp = new java.net.DatagramSocket()) {
                byte[] hello = "hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                udp.send(new java.net.DatagramPacket(hello, hello.length, java.net.InetAddress.getByName("169.254.213.2"), 9));
            }
            List<Used> used = List.of();
            end = System.currentTimeMillis() + 10_000;
            while (used.isEmpty() && System.currentTimeMillis() < end) {
                rig.ctx.runTasks();
                used = rig.queues.get(0).takeUsed();
                Thread.sleep(10);
            }
            assertEquals(1, used.size(), "a frame from the host reached the guest");
            byte[] got = rig.ctx.physicalMemory.read(rx + 12, used.get(0).length() - 12);
            // The host's first frame to a new neighbour may be IPv6 chatter or the ARP request; it comes from the TAP's MAC.
            String hostMac = java.nio.file.Files.readString(java.nio.file.Path.of("/sys/class/net", ifname, "address")).trim();
            assertArrayEquals(MacAddress.parse(hostMac), Arrays.copyOfRange(got, 6, 12), "source MAC of the host interface");
        }
        assertFalse(java.nio.file.Files.exists(java.nio.file.Path.of("/sys/class/net", ifname)), "the TAP went with the device");
    }

    private static void ip(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("/usr/sbin/ip"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
    }
}
