package dev.hyperbundle.virtio.testkit;

import dev.hyperbundle.device.Device;
import dev.hyperbundle.device.DeviceConfig;
import dev.hyperbundle.device.DeviceFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One virtio device in a fake machine with a driver that has set up all its queues. */
public final class DeviceRig implements AutoCloseable {
    public final FakeDeviceContext ctx;
    public final GuestAllocator alloc;
    public final Device device;
    public final VirtioDriver driver;
    public final List<DriverQueue> queues = new ArrayList<>();
    public final long features;

    public DeviceRig(FakeDeviceContext ctx, GuestAllocator alloc, DeviceFactory factory, String mode, int queueCount,
            long wanted, String... keyValues) throws Exception {
        this.ctx = ctx;
        this.alloc = alloc;
        Map<String, String> p = Transports.params(mode, keyValues);
        device = factory.create(ctx, new DeviceConfig(factory.type(), ctx.deviceId(), p, "test"));
        driver = Transports.driver(ctx, device, mode);
        features = driver.negotiate(wanted);
        for (int i = 0; i < queueCount; i++) {
            DriverQueue q = new DriverQueue(ctx.memory, alloc.alloc(0x10000, 4096), driver.queueMaxSize(i));
            driver.setupQueue(i, q);
            queues.add(q);
        }
        driver.driverOk();
    }

    public static DeviceRig start(DeviceFactory factory, String mode, int queueCount, String... keyValues) throws Exception {
        FakeDeviceContext ctx = new FakeDeviceContext(factory.type() + "0");
        return new DeviceRig(ctx, new GuestAllocator(0x100000), factory, mode, queueCount, -1L, keyValues);
    }

    public int irq() {
        return Transports.irq(device);
    }

    @Override
    public void close() {
        device.close();
    }
}
