package dev.hyperbundle.virtio.transport;

import dev.hyperbundle.device.DeviceConfig;
import dev.hyperbundle.device.DeviceConfigException;
import dev.hyperbundle.device.DeviceContext;
import dev.hyperbundle.virtio.core.VirtioDeviceModel;
import dev.hyperbundle.virtio.transport.mmio.VirtioMmioTransport;
import dev.hyperbundle.virtio.transport.pci.VirtioPciTransport;

/** Puts a device model on the transport its configuration asks for: transport=pci (default) or mmio. */
public final class VirtioTransports {
    /** The configuration keys every virtio device accepts. */
    public static final String TRANSPORT = "transport", MMIO_VERSION = "mmio-version";

    private VirtioTransports() {
    }

    public static VirtioTransport attach(DeviceContext context, DeviceConfig config, VirtioDeviceModel model)
            throws DeviceConfigException {
        String transport = config.choice(TRANSPORT, "pci", "pci", "mmio");
        try {
            if (transport.equals("mmio")) {
                int version = (int) config.integer(MMIO_VERSION, 2, 1, 2);
                return VirtioMmioTransport.attach(context, model, config.type(), version);
            }
            if (config.params().containsKey(MMIO_VERSION)) {
                throw config.error(MMIO_VERSION, "applies only with transport=mmio");
            }
            return VirtioPciTransport.attach(context, model, config.type());
        } catch (DeviceConfigException | RuntimeException e) {
            model.close();
            throw e;
        }
    }
}
