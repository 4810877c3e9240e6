package dev.hyperbundle.legacy.pcihost;

import dev.hyperbundle.device.Device;
import dev.hyperbundle.device.DeviceConfig;
import dev.hyperbundle.device.DeviceConfigException;
import dev.hyperbundle.device.DeviceContext;
import dev.hyperbundle.device.DeviceFactory;
import org.osgi.service.component.annotations.Component;

/** Creates the i440FX-style host bridge: PCI device 0, configuration ports 0xCF8-0xCFF. */
@Component(service = DeviceFactory.class)
public final class PciHostBridgeFactory implements DeviceFactory {
    @Override
    public String type() {
        return PciHostBridge.TYPE;
    }

    @Override
    public String description() {
        return "i440FX PCI host bridge (configuration mechanism #1 at 0xCF8/0xCFC, reset control at 0xCF9)";
    }

    @Override
    public Device create(DeviceContext context, DeviceConfig config) throws DeviceConfigException {
        config.checkKeys();
        PciHostBridge bridge;
        try {
            bridge = new PciHostBridge(context.pci(), context.machine(), context.deviceId());
        } catch (IllegalArgumentException e) {
            throw new DeviceConfigException(config.origin() + ": " + config.type() + " " + e.getMessage());
        }
        try {
            context.registerPorts(0xcf8, 4, bridge.addressPort);
            context.registerPorts(0xcfc, 4, bridge.dataPort);
        } catch (DeviceConfigException e) {
            bridge.close();
            throw e;
        }
        return bridge;
    }
}
