package dev.hyperbundle.virtio.console;

import dev.hyperbundle.device.Device;
import dev.hyperbundle.device.DeviceConfig;
import dev.hyperbundle.device.DeviceConfigException;
import dev.hyperbundle.device.DeviceContext;
import dev.hyperbundle.device.DeviceFactory;
import dev.hyperbundle.virtio.transport.VirtioTransports;
import org.osgi.service.component.annotations.Component;

/** "virtio-console": chardev=stdio|null|file:PATH|tcp:PORT (default stdio), transport=pci|mmio. */
@Component(service = DeviceFactory.class)
public final class VirtioConsoleFactory implements DeviceFactory {
    @Override
    public String type() {
        return "virtio-console";
    }

    @Override
    public String description() {
        return "virtio console with one port, hvc0 (chardev=, transport=pci|mmio)";
    }

    @Override
    public Device create(DeviceContext context, DeviceConfig config) throws DeviceConfigException {
        config.checkKeys("chardev", VirtioTransports.TRANSPORT, VirtioTransports.MMIO_VERSION);
        VirtioConsole console = new VirtioConsole(context.charBackend(config.string("chardev", "stdio")));
        return VirtioTransports.attach(context, config, console);
    }
}
