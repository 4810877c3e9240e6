package dev.hyperbundle.virtio.testkit;

import dev.hyperbundle.device.Device;
import dev.hyperbundle.device.DeviceConfig;
import dev.hyperbundle.device.DeviceFactory;
import dev.hyperbundle.testkit.DeviceTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One virtio device in a fake machine with a driver that has set up all its queues. */
public final class DeviceRig implements AutoCloseable {
    /** Guest RAM of the machine a rig's device runs in (from address 0). */
    public static final long RAM_SIZE = DeviceTestContext.DEFAULT_RAM_SIZE;

    public final DeviceTestContext ctx;
    public final GuestAllocator alloc;
    public final Device device;
    public final VirtioDriver driver;
    public final List<DriverQueue> queues = new ArrayList<>();
    public final long features;

    public DeviceRig(DeviceTestContext ctx, GuestAllocator alloc, DeviceFactory factory, String mode, int queueCount,
            long wanted, String... keyValues) throws Exception {
        this.ctx = ctx;
        this.alloc = alloc;
        Map<String, String> p = Transports.params(mode, keyValues);
        device = factory.create(ctx, new DeviceConfig(factory.type(), ctx.deviceId(), p, "test"));
        driver = Transports.driver(ctx, device, mode);
        features = driver.negotiate(wanted);
        for (int i = 0; i < queueCount; i++) {
            DriverQueue q = new DriverQueue(ctx.physicalMemory, alloc.alloc(0x10000, 4096), driver.queueMaxSize(i));
            driver.setupQueue(i, q);
            queues.add(q);
        }
        driver.driverOk();
    }

    /**
     * The machine a virtio device is tested in: RAM for its queues, tasks posted by device threads wait
     * for {@link DeviceTestContext#runTasks()}, and any chardev spec opens an in-memory backend.
     */
    public static DeviceTestContext context(String deviceId) {
        return DeviceTestContext.builder(deviceId).ram(RAM_SIZE).queuedExecutor().charBackendsOnDemand().build();
    }

    public static DeviceRig start(DeviceFactory factory, String mode, int queueCount, String... keyValues) throws Exception {
        DeviceTestContext ctx = context(factory.type() + "0");
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
