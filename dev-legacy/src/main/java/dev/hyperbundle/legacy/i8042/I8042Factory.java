package dev.hyperbundle.legacy.i8042;

import dev.hyperbundle.device.Device;
import dev.hyperbundle.device.DeviceConfig;
import dev.hyperbundle.device.DeviceConfigException;
import dev.hyperbundle.device.DeviceContext;
import dev.hyperbundle.device.DeviceFactory;
import org.osgi.service.component.annotations.Component;

/** Creates the keyboard controller at 0x60/0x64 (IRQ 1, aux IRQ 12) with System Control Port A at 0x92. */
@Component(service = DeviceFactory.class)
public final class I8042Factory implements DeviceFactory {
    @Override
    public String type() {
        return I8042Controller.TYPE;
    }

    @Override
    public String description() {
        return "i8042 keyboard controller with a PS/2 keyboard (ports 0x60, 0x64, 0x92; IRQ 1 and 12)";
    }

    @Override
    public Device create(DeviceContext context, DeviceConfig config) throws DeviceConfigException {
        config.checkKeys();
        I8042Controller c = new I8042Controller(context.irq(1), context.irq(12), context.machine(), context.executor());
        context.registerPorts(0x60, 1, c.dataPort);
        context.registerPorts(0x64, 1, c.commandPort);
        context.registerPorts(0x92, 1, c.controlPortA);
        return c;
    }
}
