package dev.hyperbundle.kernel.machine;

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

/** A test device at port 0x510 counting writes (reads return the count); "build" tells factory instances apart. */
final class CounterDevice implements Device, BusDevice {
    static final String TYPE = "counter";
    static final int PORT = 0x510;
    long writes;
    long last = -1;
    final int build;

    CounterDevice(int build) {
        this.build = build;
    }

    static DeviceFactory factory(int build, java.util.List<CounterDevice> created) {
        return new DeviceFactory() {
            @Override
            public String type() {
                return TYPE;
            }

            @Override
            public String description() {
                return "test counter build " + build;
            }

            @Override
            public Device create(DeviceContext context, DeviceConfig config) throws DeviceConfigException {
                config.checkKeys();
                CounterDevice d = new CounterDevice(build);
                context.registerPorts(PORT, 8, d);
                created.add(d);
                return d;
            }
        };
    }

    @Override
    public long read(long offset, int size) {
        return writes;
    }

    @Override
    public void write(long offset, int size, long value) {
        writes++;
        last = value;
    }

    @Override
    public DeviceState saveState() {
        return new StateWriter().putLong(writes).putLong(last).toState(TYPE, 1);
    }

    @Override
    public void restoreState(DeviceState state) throws DeviceStateException {
        StateReader r = state.reader(TYPE, 1);
        writes = r.getLong();
        last = r.getLong();
    }

    @Override
    public void reset() {
        writes = 0;
        last = -1;
    }
}
