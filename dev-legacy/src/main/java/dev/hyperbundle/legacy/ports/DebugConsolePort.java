package dev.hyperbundle.legacy.ports;

import dev.hyperbundle.bus.BusDevice;
import dev.hyperbundle.chardev.CharBackend;
import dev.hyperbundle.device.Device;
import dev.hyperbundle.device.DeviceState;
import dev.hyperbundle.device.DeviceStateException;
import dev.hyperbundle.device.StateWriter;

/**
 * The Bochs "port E9 hack" debug console: each byte written goes to the host stream; a read returns 0xE9
 * so that software can tell the port is there (Bochs and QEMU's isa-debugcon do the same).
 */
public final class DebugConsolePort implements Device, BusDevice {
    public static final String TYPE = "debugcon";
    static final int STATE_VERSION = 1;
    static final int PRESENCE = 0xe9;

    private final CharBackend backend;

    public DebugConsolePort(CharBackend backend) {
        this.backend = backend;
    }

    @Override
    public long read(long offset, int size) {
        return PRESENCE;
    }

    @Override
    public void write(long offset, int size, long value) {
        backend.write((int) value & 0xff);
        backend.flush();
    }

    /** No state: the device holds nothing between accesses. */
    @Override
    public DeviceState saveState() {
        return new StateWriter().toState(TYPE, STATE_VERSION);
    }

    @Override
    public void restoreState(DeviceState state) throws DeviceStateException {
        state.reader(TYPE, STATE_VERSION);
    }

    @Override
    public void reset() {
    }
}
