package dev.hyperbundle.virtio.transport;

import dev.hyperbundle.device.Device;
import dev.hyperbundle.device.DeviceState;
import dev.hyperbundle.device.DeviceStateException;
import dev.hyperbundle.device.StateReader;
import dev.hyperbundle.device.StateWriter;
import dev.hyperbundle.virtio.core.VirtioDeviceCore;

/**
 * A virtio device as the kernel sees it: a transport (mmio or pci) around the shared core and a device
 * model. The saved state is the transport's registers, then the core (status, features, queues,
 * interrupt status), then the model's own state.
 */
public abstract class VirtioTransport implements Device {
    /** Version 1 of the state layout. */
    public static final int STATE_VERSION = 1;

    protected final VirtioDeviceCore core;
    private final String stateType;

    protected VirtioTransport(VirtioDeviceCore core, String stateType) {
        this.core = core;
        this.stateType = stateType;
    }

    public VirtioDeviceCore core() {
        return core;
    }

    /** "mmio" or "pci": state of one transport cannot be restored into the other. */
    protected abstract String kind();

    protected abstract void saveTransport(StateWriter w);

    protected abstract void restoreTransport(StateReader r) throws DeviceStateException;

    /** Transport registers back to power-on (machine reset). */
    protected abstract void resetTransport();

    @Override
    public final DeviceState saveState() {
        StateWriter w = new StateWriter();
        w.putString(kind());
        saveTransport(w);
        core.save(w);
        return w.toState(stateType, STATE_VERSION);
    }

    @Override
    public final void restoreState(DeviceState state) throws DeviceStateException {
        StateReader r = state.reader(stateType, STATE_VERSION);
        String saved = r.getString();
        if (!saved.equals(kind())) {
            throw new DeviceStateException(stateType + " state was saved with transport=" + saved
                    + " and cannot be restored into transport=" + kind());
        }
        restoreTransport(r);
        core.restore(r, state.version());
    }

    @Override
    public final void reset() {
        core.reset();
        resetTransport();
    }

    @Override
    public void close() {
        core.close();
    }
}
