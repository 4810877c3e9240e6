package dev.hyperbundle.virtio.rng;

import dev.hyperbundle.device.Device;
import dev.hyperbundle.device.DeviceConfig;
import dev.hyperbundle.device.DeviceConfigException;
import dev.hyperbundle.device.DeviceContext;
import dev.hyperbundle.device.DeviceFactory;
import dev.hyperbundle.virtio.transport.VirtioTransports;
import java.security.SecureRandom;
import org.osgi.service.component.annotations.Component;

/** "virtio-rng": transport=pci|mmio. */
@Component(service = DeviceFactory.class)
public final class VirtioRngFactory implements DeviceFactory {
    @Override
    public String type() {
        return "virtio-rng";
    }

    @Override
    public String description() {
        return "virtio entropy source fed by the host's SecureRandom (transport=pci|mmio)";
    }

    @Override
    public Device create(DeviceContext context, DeviceConfig config) throws DeviceConfigException {
        config.checkKeys(VirtioTransports.TRANSPORT, VirtioTransports.MMIO_VERSION);
        return VirtioTransports.attach(context, config, new VirtioRng(new SecureRandom()));
    }
}
