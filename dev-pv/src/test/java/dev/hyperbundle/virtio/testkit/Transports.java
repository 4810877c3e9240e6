package dev.hyperbundle.virtio.testkit;

import dev.hyperbundle.device.Device;
import dev.hyperbundle.testkit.DeviceTestContext;
import dev.hyperbundle.virtio.transport.mmio.VirtioMmioTransport;
import dev.hyperbundle.virtio.transport.pci.VirtioPciTransport;
import java.util.HashMap;
import java.util.Map;

/** The four ways a guest can reach a device: mmio v2, mmio v1, pci modern, pci legacy. */
public final class Transports {
    public static final String[] ALL = {"mmio", "mmio-v1", "pci", "pci-legacy"};

    private Transports() {
    }

    public static Map<String, String> params(String mode, String... keyValues) {
        Map<String, String> p = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put(keyValues[i], keyValues[i + 1]);
        }
        switch (mode) {
            case "mmio" -> p.put("transport", "mmio");
            case "mmio-v1" -> {
                p.put("transport", "mmio");
                p.put("mmio-version", "1");
            }
            case "pci", "pci-legacy" -> p.put("transport", "pci");
            default -> throw new IllegalArgumentException(mode);
        }
        return p;
    }

    public static VirtioDriver driver(DeviceTestContext ctx, Device device, String mode) {
        return switch (mode) {
            case "mmio" -> new MmioDriver(ctx.mmio, ((VirtioMmioTransport) device).base());
            case "mmio-v1" -> {
                MmioDriver d = new MmioDriver(ctx.mmio, ((VirtioMmioTransport) device).base());
                d.legacyPageSize();
                yield d;
            }
            case "pci" -> new PciModernDriver(ctx.pci, ctx.mmio, ((VirtioPciTransport) device).slotNumber());
            case "pci-legacy" -> new PciLegacyDriver(ctx.pci, ctx.ports, ((VirtioPciTransport) device).slotNumber());
            default -> throw new IllegalArgumentException(mode);
        };
    }

    public static int irq(Device device) {
        return device instanceof VirtioMmioTransport m ? m.irqNumber() : ((VirtioPciTransport) device).irqNumber();
    }
}
