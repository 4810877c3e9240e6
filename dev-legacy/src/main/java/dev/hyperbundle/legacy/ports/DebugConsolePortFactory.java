package dev.hyperbundle.legacy.ports;

import dev.hyperbundle.device.Device;
import dev.hyperbundle.device.DeviceConfig;
import dev.hyperbundle.device.DeviceConfigException;
import dev.hyperbundle.device.DeviceContext;
import dev.hyperbundle.device.DeviceFactory;
import org.osgi.service.component.annotations.Component;

/** Creates the 0xE9 debug console; {@code chardev} (default "null") receives the bytes, {@code port=} moves it. */
@Component(service = DeviceFactory.class)
public final class DebugConsolePortFactory implements DeviceFactory {
    @Override
    public String type() {
        return DebugConsolePort.TYPE;
    }

    @Override
    public String description() {
        return "Bochs/QEMU debug console port (0xE9; chardev=null|stdio|file:PATH|tcp:PORT)";
    }

    @Override
    public Device create(DeviceContext context, DeviceConfig config) throws DeviceConfigException {
        config.checkKeys("chardev", "port");
        int port = (int) config.integer("port", 0xe9, 0, 0xffff);
        DebugConsolePort d = new DebugConsolePort(context.charBackend(config.string("chardev", "null")));
        context.registerPorts(port, 1, d);
        return d;
    }
}
