package dev.hyperbundle.legacy.fpuerror;

import dev.hyperbundle.device.Device;
import dev.hyperbundle.device.DeviceConfig;
import dev.hyperbundle.device.DeviceConfigException;
import dev.hyperbundle.device.DeviceContext;
import dev.hyperbundle.device.DeviceFactory;
import org.osgi.service.component.annotations.Component;

/** Creates the coprocessor-error logic at port 0xF0 on IRQ 13 and wires it to the CPU's FERR# and IGNNE#. */
@Component(service = DeviceFactory.class)
public final class FpuErrorLatchFactory implements DeviceFactory {
    @Override
    public String type() {
        return FpuErrorLatch.TYPE;
    }

    @Override
    public String description() {
        return "x87 error logic: FERR# to IRQ 13, port 0xF0 clears it and asserts IGNNE# (CR0.NE = 0 guests)";
    }

    @Override
    public Device create(DeviceContext context, DeviceConfig config) throws DeviceConfigException {
        config.checkKeys();
        FpuErrorLatch latch = new FpuErrorLatch(context.irq(FpuErrorLatch.IRQ));
        context.registerPorts(FpuErrorLatch.PORT, 1, latch);
        latch.attach(context.installFpuErrorLogic(latch));
        return latch;
    }
}
