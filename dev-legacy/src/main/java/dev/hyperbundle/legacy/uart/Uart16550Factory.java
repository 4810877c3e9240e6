package dev.hyperbundle.legacy.uart;

import dev.hyperbundle.chardev.CharBackend;
import dev.hyperbundle.device.Device;
import dev.hyperbundle.device.DeviceConfig;
import dev.hyperbundle.device.DeviceConfigException;
import dev.hyperbundle.device.DeviceContext;
import dev.hyperbundle.device.DeviceFactory;
import dev.hyperbundle.time.Timer;
import java.util.concurrent.atomic.AtomicReference;
import org.osgi.service.component.annotations.Component;

/**
 * Creates 16550A UARTs. Parameters: {@code index} 0-3 (COM1-COM4), or {@code port} and {@code irq};
 * {@code chardev} ("stdio" for index 0, else "null").
 */
@Component(service = DeviceFactory.class)
public final class Uart16550Factory implements DeviceFactory {
    @Override
    public String type() {
        return Uart16550.TYPE;
    }

    @Override
    public String description() {
        return "16550A UART (index=0-3 for COM1-COM4, or port=/irq=; chardev=stdio|null|file:PATH|tcp:PORT)";
    }

    @Override
    public Device create(DeviceContext context, DeviceConfig config) throws DeviceConfigException {
        config.checkKeys("index", "port", "irq", "chardev");
        int index = (int) config.integer("index", 0, 0, 3);
        ComPort com = ComPort.values()[index];
        int port = (int) config.integer("port", com.port, 0, 0xfff8);
        int irq = (int) config.integer("irq", com.irq, 0, 15);
        String chardev = config.string("chardev", index == 0 && !config.params().containsKey("port") ? "stdio" : "null");
        CharBackend backend = context.charBackend(chardev);

        AtomicReference<Uart16550> self = new AtomicReference<>();
        Timer timeout = context.createTimer(() -> self.get().characterTimeout());
        Uart16550 uart = new Uart16550(context.irq(irq), backend, context.clock(), timeout, context.executor());
        self.set(uart);
        try {
            context.registerPorts(port, 8, uart);
        } catch (DeviceConfigException e) {
            uart.close();
            throw e;
        }
        return uart;
    }
}
