package dev.hyperbundle.it.counter;

import dev.hyperbundle.bus.BusDevice;
import dev.hyperbundle.device.Device;
import dev.hyperbundle.device.DeviceConfig;
import dev.hyperbundle.device.DeviceConfigException;
import dev.hyperbundle.device.DeviceContext;
import dev.hyperbundle.device.DeviceFactory;
import dev.hyperbundle.device.DeviceState;
import dev.hyperbundle.device.DeviceStateException;
import dev.hyperbundle.device.StateReader;
import dev.hyperbundle.device.StateWriter;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * A test device bundle: type "counter" at ports 0x510-0x517. Writes to 0x510 are counted; a read of 0x510
 * returns the count, a read of 0x514 the build number from the manifest header Counter-Build, so a test can
 * see which build serves the guest after a bundle update.
 */
public final class CounterActivator implements BundleActivator {
    @Override
    public void start(BundleContext context) {
        int build = Integer.parseInt(context.getBundle().getHeaders().get("Counter-Build"));
        context.registerService(DeviceFactory.class, new DeviceFactory() {
            @Override
            public String type() {
                return "counter";
            }

            @Override
            public String description() {
                return "test counter, build " + build;
            }

            @Override
            public Device create(DeviceContext ctx, DeviceConfig config) throws DeviceConfigException {
                Counter c = new Counter(build);
                ctx.registerPorts(0x510, 8, c);
                return c;
            }
        }, null);
    }

    @Override
    public void stop(BundleContext context) {
    }

    static final class Counter implements Device, BusDevice {
        final int build;
        long writes;

        Counter(int build) {
            this.build = build;
        }

        @Override
        public long read(long offset, int size) {
            return offset < 4 ? writes : build;
        }

        @Override
        public void write(long offset, int size, long value) {
            writes++;
        }

        @Override
        public DeviceState saveState() {
            return new StateWriter().putLong(writes).toState("counter", 1);
        }

        @Override
        public void restoreState(DeviceState state) throws DeviceStateException {
            writes = state.reader("counter", 1).getLong();
        }

        @Override
        public void reset() {
            writes = 0;
        }
    }
}
