package dev.hyperbundle.virtio.transport;

import static org.junit.jupiter.api.Assertions.*;

import dev.hyperbundle.device.Device;
import dev.hyperbundle.device.DeviceConfig;
import dev.hyperbundle.device.DeviceConfigException;
import dev.hyperbundle.testkit.DeviceTestContext;
import dev.hyperbundle.virtio.rng.VirtioRngFactory;
import dev.hyperbundle.virtio.testkit.DeviceRig;
import dev.hyperbundle.virtio.testkit.MmioDriver;
import dev.hyperbundle.virtio.testkit.PciModernDriver;
import dev.hyperbundle.virtio.transport.mmio.VirtioMmioTransport;
import dev.hyperbundle.virtio.transport.pci.VirtioPciTransport;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransportTest {
    DeviceTestContext ctx = DeviceRig.context("virtio-rng0");

    Device rng(String id, Map<String, String> p) throws DeviceConfigException {
        return new VirtioRngFactory().create(ctx, new DeviceConfig("virtio-rng", id, p, "test"));
    }

    @Test
    void mmioWindowsIrqsAndKernelArguments() throws Exception {
        Device[] d = new Device[5];
        for (int i = 0; i < 5; i++) {
            d[i] = new VirtioRngFactory().create(ctx, new DeviceConfig("virtio-rng", "rng" + i, Map.of("transport", "mmio"), "t"));
        }
        assertEquals(0xfeb00000L, ((VirtioMmioTransport) d[0]).base());
        assertEquals(0xfeb00800L, ((VirtioMmioTransport) d[4]).base());
        assertEquals(java.util.List.of("virtio_mmio.device=512@0xfeb00000:5", "virtio_mmio.device=512@0xfeb00200:9",
                "virtio_mmio.device=512@0xfeb00400:10", "virtio_mmio.device=512@0xfeb00600:11",
                "virtio_mmio.device=512@0xfeb00800:5"), ctx.kernelArguments);
        MmioDriver m = new MmioDriver(ctx.mmio, 0xfeb00000L);
        assertEquals(0x74726976, m.reg(0));
        assertEquals(2, m.version());
        assertEquals(4, m.reg(8));
        assertEquals(0, ctx.mmio.read(0xfeb00000L + 0x70, 1)); // control registers are 32-bit only
    }

    @Test
    void modernInterfaceRequiresVersion1AndRefusesUnofferedFeatures() throws Exception {
        Device d = rng("virtio-rng0", Map.of("transport", "mmio"));
        MmioDriver m = new MmioDriver(ctx.mmio, ((VirtioMmioTransport) d).base());
        long offered = m.deviceFeatures();
        assertTrue((offered & (1L << 32)) != 0);
        m.writeStatus(1 | 2);
        m.writeDriverFeatures(offered & ~(1L << 32));
        m.writeStatus(1 | 2 | 8);
        assertEquals(0, m.status() & 8, "FEATURES_OK refused without VIRTIO_F_VERSION_1");
        m.writeStatus(0);
        m.writeStatus(1 | 2);
        m.writeDriverFeatures(offered | (1L << 40));
        m.writeStatus(1 | 2 | 8);
        assertEquals(0, m.status() & 8, "FEATURES_OK refused for a feature not offered");
        m.writeStatus(0);
        assertEquals(offered, m.negotiate(-1L));
        assertEquals(8, m.status() & 8);
    }

    @Test
    void mmioVersion1DoesNotOfferVersion1() throws Exception {
        Device d = rng("virtio-rng0", Map.of("transport", "mmio", "mmio-version", "1"));
        MmioDriver m = new MmioDriver(ctx.mmio, ((VirtioMmioTransport) d).base());
        assertEquals(1, m.version());
        assertEquals(0, m.deviceFeatures() & (1L << 32));
    }

    @Test
    void pciHeaderCapabilitiesAndFirmwareAssignedBars() throws Exception {
        VirtioPciTransport t = (VirtioPciTransport) rng("virtio-rng0", Map.of());
        int slot = t.slotNumber();
        assertEquals(0x1af4, ctx.pci.configRead(0, slot, 0, 0x00, 2));
        assertEquals(0x1005, ctx.pci.configRead(0, slot, 0, 0x02, 2));
        assertEquals(0, ctx.pci.configRead(0, slot, 0, 0x08, 1)); // revision 0
        assertEquals(4, ctx.pci.configRead(0, slot, 0, 0x2e, 2)); // subsystem id = virtio device id
        assertEquals(t.irqNumber(), ctx.pci.configRead(0, slot, 0, 0x3c, 1));
        assertEquals(1, ctx.pci.configRead(0, slot, 0, 0x3d, 1));
        assertEquals(3, ctx.pci.configRead(0, slot, 0, 0x04, 2) & 3);
        long io = ctx.pci.configRead(0, slot, 0, 0x10, 4) & ~3L;
        assertTrue(io >= 0xc000 && ctx.ports.isClaimed(io));
        PciModernDriver d = new PciModernDriver(ctx.pci, ctx.mmio, slot);
        assertEquals(1, d.numQueues());
        // The guest moves BAR1: the registration follows.
        long bar1 = Integer.toUnsignedLong(ctx.pci.configRead(0, slot, 0, 0x14, 4));
        ctx.pci.configWrite(0, slot, 0, 0x04, 2, 0); // decoding off while sizing, as Linux does
        assertFalse(ctx.mmio.isClaimed(bar1));
        ctx.pci.configWrite(0, slot, 0, 0x14, 4, -1);
        assertEquals(~(0x4000 - 1), ctx.pci.configRead(0, slot, 0, 0x14, 4));
        ctx.pci.configWrite(0, slot, 0, 0x14, 4, 0xe8000000);
        ctx.pci.configWrite(0, slot, 0, 0x04, 2, 7);
        assertTrue(ctx.mmio.isClaimed(0xe8000000L));
        assertFalse(ctx.mmio.isClaimed(bar1));
        // Interrupt: ISR read clears it and lowers the line.
        PciModernDriver moved = new PciModernDriver(ctx.pci, ctx.mmio, slot);
        moved.negotiate(-1L);
        t.core().configChanged();
        moved.driverOk();
        t.core().configChanged();
        assertTrue(ctx.irqLevel(t.irqNumber()));
        assertEquals(2, moved.takeInterrupt());
        assertFalse(ctx.irqLevel(t.irqNumber()));
        assertEquals(2, moved.configGeneration());
    }

    @Test
    void pciWithoutHostBridgeOrWithBadTransportIsAConfigError() {
        assertThrows(DeviceConfigException.class, () -> rng("virtio-rng0", Map.of("transport", "usb")));
        assertThrows(DeviceConfigException.class, () -> rng("virtio-rng0", Map.of("mmio-version", "1")));
        assertThrows(DeviceConfigException.class, () -> rng("virtio-rng0", Map.of("bogus", "1")));
    }
}
