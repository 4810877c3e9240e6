package dev.hyperbundle.legacy.ports;

import dev.hyperbundle.device.Device;
import dev.hyperbundle.device.DeviceConfig;
import dev.hyperbundle.device.DeviceConfigException;
import dev.hyperbundle.device.DeviceContext;
import dev.hyperbundle.device.DeviceFactory;
import org.osgi.service.component.annotations.Component;

/** Creates the POST code latch at port 0x80 (or {@code port=}). */
@Component(service = DeviceFactory.class)
public final class PostCodePortFactory implements DeviceFactory {
    @Override
    public String type() {
        return PostCodePort.TYPE;
    }

    @Override
    public String description() {
        return "POST code port (0x80): a latch Linux uses as its I/O delay port";
    }

    @Override
    public Device create(DeviceContext context, DeviceConfig config) throws DeviceConfigException {
        config.checkKeys("port");
        int port = (int) config.integer("port", 0x80, 0, 0xffff);
        PostCodePort p = new PostCodePort();
        context.registerPorts(port, 1, p);
        return p;
    }
}
