package dev.hyperbundle.legacy.pit;

import dev.hyperbundle.device.Device;
import dev.hyperbundle.device.DeviceConfig;
import dev.hyperbundle.device.DeviceConfigException;
import dev.hyperbundle.device.DeviceContext;
import dev.hyperbundle.device.DeviceFactory;
import org.osgi.service.component.annotations.Component;

/** Device type "pit": the 8254 at 0x40-0x43 (counter 0 on IRQ 0) and port B at 0x61. No parameters. */
@Component(service = DeviceFactory.class)
public final class PitFactory implements DeviceFactory {
    @Override
    public String type() {
        return Pit8254.TYPE;
    }

    @Override
    public String description() {
        return "8254 PIT at 0x40-0x43 (counter 0 on IRQ 0) with system control port B at 0x61 (speaker gate, OUT2)";
    }

    @Override
    public Device create(DeviceContext context, DeviceConfig config) throws DeviceConfigException {
        config.checkKeys();
        Pit8254 pit = new Pit8254(context.clock(), context.irq(0), context::createTimer);
        context.registerPorts(0x40, 4, pit.timerPorts());
        context.registerPorts(0x61, 1, pit.portBPort());
        return pit;
    }
}
