package dev.hyperbundle.legacy.ports;

import dev.hyperbundle.bus.BusDevice;
import dev.hyperbundle.device.Device;
import dev.hyperbundle.device.DeviceState;
import dev.hyperbundle.device.DeviceStateException;
import dev.hyperbundle.device.StateWriter;

/**
 * Port 0x80, the POST diagnostic port: a latch that keeps the last byte written and reads it back.
 * Linux writes it as its I/O delay ({@code IO_DELAY_0X80}); a write has no other effect.
 */
public final class PostCodePort implements Device, BusDevice {
    public static final String TYPE = "post-port";
    static final int STATE_VERSION = 1;

    private int code;

    /** The last POST code the guest wrote. */
    public int code() {
        return code;
    }

    @Override
    public long read(long offset, int size) {
        return code;
    }

    @Override
    public void write(long offset, int size, long value) {
        code = (int) value & 0xff;
    }

    @Override
    public DeviceState saveState() {
        return new StateWriter().putInt(code).toState(TYPE, STATE_VERSION);
    }

    @Override
    public void restoreState(DeviceState state) throws DeviceStateException {
        code = state.reader(TYPE, STATE_VERSION).getInt() & 0xff;
    }

    @Override
    public void reset() {
        code = 0;
    }
}
