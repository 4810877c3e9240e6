package dev.hyperbundle.legacy.pic;

import dev.hyperbundle.device.Device;
import dev.hyperbundle.device.DeviceConfig;
import dev.hyperbundle.device.DeviceConfigException;
import dev.hyperbundle.device.DeviceContext;
import dev.hyperbundle.device.DeviceFactory;
import org.osgi.service.component.annotations.Component;

/**
 * Device type "pic": the cascaded 8259A pair and the ELCR. Parameter {@code elcr} (16 bits, bit n =
 * IRQ n level-triggered; default 0x0E20: IRQs 5, 9, 10 and 11, as a PC BIOS leaves the PCI lines).
 */
@Component(service = DeviceFactory.class)
public final class PicFactory implements DeviceFactory {
    static final long DEFAULT_ELCR = 0x0e20;

    @Override
    public String type() {
        return DualPic.TYPE;
    }

    @Override
    public String description() {
        return "8259A PIC pair (master 0x20, slave 0xa0 on IR2) with ELCR at 0x4d0; the interrupt controller";
    }

    @Override
    public Device create(DeviceContext context, DeviceConfig config) throws DeviceConfigException {
        config.checkKeys("elcr");
        int elcr = (int) config.integer("elcr", DEFAULT_ELCR, 0, 0xffff);
        DualPic pic = new DualPic(elcr);
        context.registerPorts(0x20, 2, pic.masterPorts());
        context.registerPorts(0xa0, 2, pic.slavePorts());
        context.registerPorts(0x4d0, 2, pic.elcrPorts());
        pic.attach(context.installInterruptController(pic));
        return pic;
    }
}
