package dev.hyperbundle.virtio.net;

import dev.hyperbundle.device.Device;
import dev.hyperbundle.device.DeviceConfig;
import dev.hyperbundle.device.DeviceConfigException;
import dev.hyperbundle.device.DeviceContext;
import dev.hyperbundle.device.DeviceFactory;
import dev.hyperbundle.virtio.net.ethswitch.SwitchBackend;
import dev.hyperbundle.virtio.net.tap.TapBackend;
import dev.hyperbundle.virtio.transport.VirtioTransports;
import org.osgi.service.component.annotations.Component;

/** "virtio-net": mac=, backend=switch:NAME|tap:IFNAME|none, transport=pci|mmio. */
@Component(service = DeviceFactory.class)
public final class VirtioNetFactory implements DeviceFactory {
    @Override
    public String type() {
        return "virtio-net";
    }

    @Override
    public String description() {
        return "virtio network card (mac=, backend=switch:NAME|tap:IFNAME|none, transport=pci|mmio)";
    }

    @Override
    public Device create(DeviceContext context, DeviceConfig config) throws DeviceConfigException {
        config.checkKeys("mac", "backend", VirtioTransports.TRANSPORT, VirtioTransports.MMIO_VERSION);
        byte[] mac;
        String macText = config.string("mac", null);
        if (macText == null) {
            // Per machine and device: two VMs' "virtio-net0" on one switch must not share an address.
            mac = MacAddress.derive(context.machineName().isEmpty() ? context.deviceId() : context.machineName() + "/" + context.deviceId());
        } else {
            mac = MacAddress.parse(macText);
            if (mac == null) {
                throw config.error("mac", "is not an Ethernet address; expected six hex pairs like 52:54:00:12:34:56");
            }
            if (MacAddress.isMulticast(mac)) {
                throw config.error("mac", "is a multicast address; a NIC needs a unicast one");
            }
        }
        String backendSpec = config.string("backend", "none");
        NetBackend backend;
        if (backendSpec.equals("none")) {
            backend = new UnpluggedBackend();
        } else if (backendSpec.startsWith("switch:") && backendSpec.length() > 7) {
            backend = new SwitchBackend(backendSpec.substring(7), context.deviceId(), mac);
        } else if (backendSpec.startsWith("tap:")) {
            try {
                backend = TapBackend.open(backendSpec.substring(4), context.logger());
            } catch (DeviceConfigException e) {
                throw config.error("backend", "cannot be used: " + e.getMessage());
            }
        } else {
            throw config.error("backend", "is not valid; expected switch:NAME, tap:IFNAME or none");
        }
        return VirtioTransports.attach(context, config, new VirtioNet(mac, backend));
    }
}
