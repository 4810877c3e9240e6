package dev.hyperbundle.virtio.core;

import dev.hyperbundle.device.DeviceStateException;
import dev.hyperbundle.device.StateReader;
import dev.hyperbundle.device.StateWriter;
import dev.hyperbundle.memory.GuestMemory;
import dev.hyperbundle.memory.GuestMemoryException;
import dev.hyperbundle.virtio.queue.VirtQueue;
import dev.hyperbundle.virtio.queue.VirtQueueException;
import java.lang.System.Logger.Level;
import java.util.concurrent.Executor;

/**
 * The transport-independent part of a virtio device: device status and reset (VIRTIO 1.2, 2.1), feature
 * negotiation (2.2), the configuration generation (2.5), the virtqueues (2.7), the interrupt status, and
 * DEVICE_NEEDS_RESET when the driver breaks the rules (2.1.2). Transports call it from the vCPU thread.
 */
public final class VirtioDeviceCore implements VirtioLink {
    public static final int ISR_QUEUE = 1, ISR_CONFIG = 2;

    private final VirtioDeviceModel model;
    private final GuestMemory memory;
    private final Executor executor;
    private final System.Logger log;
    private final String name;
    private final VirtQueue[] queues;
    private final long allFeatures;
    private boolean legacyOnly;
    private InterruptSignal signal = status -> { };
    private Runnable resetListener = () -> { };

    private int status;
    private int deviceFeatureSelect;
    private int driverFeatureSelect;
    private long driverFeatures;
    private long negotiated;
    private int queueSelect;
    private int configGeneration;
    private int interruptStatus;
    private boolean legacyDriver;
    private volatile boolean closed;

    public VirtioDeviceCore(VirtioDeviceModel model, GuestMemory memory, Executor executor, System.Logger log, String name) {
        this.model = model;
        this.memory = memory;
        this.executor = executor;
        this.log = log;
        this.name = name;
        int[] sizes = model.queueSizes();
        this.queues = new VirtQueue[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            queues[i] = new VirtQueue(memory, sizes[i]);
        }
        this.allFeatures = model.features() | VirtioFeatures.COMMON;
    }

    /**
     * A transport with only a legacy interface (virtio-mmio version 1) does not offer VIRTIO_F_VERSION_1,
     * so drivers use the legacy negotiation without FEATURES_OK (4.2.4).
     */
    public void setLegacyOnly(boolean legacyOnly) {
        this.legacyOnly = legacyOnly;
    }

    public void setInterruptSignal(InterruptSignal signal) {
        this.signal = signal;
        signal.update(interruptStatus);
    }

    /** Told when the device resets, for transport registers that live outside the core (legacy PFNs). */
    public void setResetListener(Runnable listener) {
        this.resetListener = listener;
    }

    public VirtioDeviceModel model() {
        return model;
    }

    // ---- features (2.2) ----

    public long deviceFeatures() {
        return legacyOnly ? allFeatures & ~VirtioFeatures.bit(VirtioFeatures.VERSION_1) : allFeatures;
    }

    public int deviceFeatureSelect() {
        return deviceFeatureSelect;
    }

    public void setDeviceFeatureSelect(int select) {
        deviceFeatureSelect = select;
    }

    /** The 32 feature bits the select register points at (0 beyond bit 63). */
    public int deviceFeatureWord() {
        return word(deviceFeatures(), deviceFeatureSelect);
    }

    public int driverFeatureSelect() {
        return driverFeatureSelect;
    }

    public void setDriverFeatureSelect(int select) {
        driverFeatureSelect = select;
    }

    public long driverFeaturesLow() {
        return driverFeatures & 0xffffffffL;
    }

    public int driverFeatureWord() {
        return word(driverFeatures, driverFeatureSelect);
    }

    private static int word(long features, int select) {
        return switch (select) {
            case 0 -> (int) features;
            case 1 -> (int) (features >>> 32);
            default -> 0;
        };
    }

    /** 2.2.1: features are written before FEATURES_OK; later writes are ignored. */
    public void setDriverFeatureWord(int value) {
        if ((status & DeviceStatus.FEATURES_OK) != 0 || driverFeatureSelect > 1) {
            return;
        }
        int shift = 32 * driverFeatureSelect;
        driverFeatures = (driverFeatures & ~(0xffffffffL << shift)) | (Integer.toUnsignedLong(value) << shift);
    }

    /** Legacy interfaces (4.1.4.8, 4.2.4): the guest writes bits 0-31 and needs no FEATURES_OK. */
    public void setLegacyDriverFeatures(int value) {
        legacyDriver = true;
        if ((status & DeviceStatus.DRIVER_OK) == 0) {
            driverFeatures = Integer.toUnsignedLong(value) & deviceFeatures();
        }
    }

    @Override
    public long negotiatedFeatures() {
        return negotiated;
    }

    // ---- status (2.1) ----

    public int status() {
        return status;
    }

    /** A driver write of the device status; 0 resets the device (2.4). */
    public void writeStatus(int value, boolean legacy) {
        value &= 0xff;
        if (value == 0) {
            reset();
            return;
        }
        if (legacy) {
            legacyDriver = true;
        }
        int old = status;
        int next = value | (old & DeviceStatus.DEVICE_NEEDS_RESET);
        if ((next & DeviceStatus.FEATURES_OK) != 0 && (old & DeviceStatus.FEATURES_OK) == 0 && !acceptFeatures(legacy)) {
            next &= ~DeviceStatus.FEATURES_OK; // 2.2.2: the driver reads FEATURES_OK back and sees the refusal
        }
        status = next;
        if ((next & DeviceStatus.DRIVER_OK) != 0 && (old & DeviceStatus.DRIVER_OK) == 0
                && (next & DeviceStatus.DEVICE_NEEDS_RESET) == 0) {
            if (legacy || legacyDriver) {
                negotiated = driverFeatures & deviceFeatures();
            } else if ((next & DeviceStatus.FEATURES_OK) == 0) {
                fail("DRIVER_OK without FEATURES_OK"); // 3.1.1 step order
                return;
            }
            activate();
        }
    }

    private boolean acceptFeatures(boolean legacy) {
        long offered = deviceFeatures();
        if ((driverFeatures & ~offered) != 0) {
            log.log(Level.INFO, () -> String.format("%s: driver asked for features 0x%x it was not offered", name,
                    driverFeatures & ~offered));
            return false;
        }
        if (!legacy && !legacyDriver && !VirtioFeatures.has(driverFeatures, VirtioFeatures.VERSION_1)) {
            return false; // modern interface: VIRTIO_F_VERSION_1 is required (6.1)
        }
        negotiated = driverFeatures;
        return true;
    }

    private void activate() {
        boolean eventIdx = VirtioFeatures.has(negotiated, VirtioFeatures.EVENT_IDX);
        boolean indirect = VirtioFeatures.has(negotiated, VirtioFeatures.INDIRECT_DESC);
        guarded(() -> {
            for (VirtQueue q : queues) {
                q.setFeatures(eventIdx, indirect);
                if (q.ready()) {
                    q.validate();
                }
            }
            model.activate(this);
            for (int i = 0; i < queues.length; i++) {
                if (queues[i].ready()) {
                    model.queueNotified(i); // buffers the driver added before DRIVER_OK
                }
            }
        });
    }

    /** Device reset (2.4): status, features, queues and interrupt status back to their initial values. */
    public void reset() {
        status = 0;
        deviceFeatureSelect = driverFeatureSelect = 0;
        driverFeatures = negotiated = 0;
        queueSelect = 0;
        legacyDriver = false;
        for (VirtQueue q : queues) {
            q.reset();
        }
        model.reset();
        resetListener.run();
        setInterruptStatus(0);
    }

    @Override
    public boolean active() {
        return !closed && (status & DeviceStatus.DRIVER_OK) != 0 && (status & DeviceStatus.DEVICE_NEEDS_RESET) == 0;
    }

    public boolean needsReset() {
        return (status & DeviceStatus.DEVICE_NEEDS_RESET) != 0;
    }

    /** 2.1.2: the device cannot go on until the driver resets it; said once in the log. */
    public void fail(String reason) {
        if ((status & DeviceStatus.DEVICE_NEEDS_RESET) != 0) {
            return;
        }
        log.log(Level.WARNING, () -> name + ": " + reason + "; device needs reset");
        status |= DeviceStatus.DEVICE_NEEDS_RESET;
        if ((status & DeviceStatus.DRIVER_OK) != 0) {
            setInterruptStatus(interruptStatus | ISR_CONFIG);
        }
    }

    // ---- queues ----

    public int queueCount() {
        return queues.length;
    }

    public int queueSelect() {
        return queueSelect;
    }

    public void setQueueSelect(int select) {
        queueSelect = select & 0xffff;
    }

    /** The selected queue, or null when the selector is beyond the device's queues. */
    public VirtQueue selectedQueue() {
        return queueSelect < queues.length ? queues[queueSelect] : null;
    }

    @Override
    public VirtQueue queue(int index) {
        return queues[index];
    }

    /** A driver notification (2.7.13); ignored for unknown or disabled queues and before DRIVER_OK. */
    public void notifyQueue(int index) {
        if (index < 0 || index >= queues.length || !queues[index].ready()) {
            return;
        }
        guarded(() -> model.queueNotified(index));
    }

    @Override
    public GuestMemory memory() {
        return memory;
    }

    @Override
    public void notifyUsed(int queue) {
        try {
            if (queues[queue].needsInterrupt()) {
                setInterruptStatus(interruptStatus | ISR_QUEUE);
            }
        } catch (VirtQueueException e) {
            fail(e.getMessage());
        }
    }

    // ---- interrupts ----

    public int interruptStatus() {
        return interruptStatus;
    }

    /** MMIO InterruptACK (4.2.2). */
    public void acknowledgeInterrupt(int bits) {
        setInterruptStatus(interruptStatus & ~bits);
    }

    /** PCI ISR read (4.1.4.5): returns the status and clears it. */
    public int readAndClearInterruptStatus() {
        int v = interruptStatus;
        setInterruptStatus(0);
        return v;
    }

    private void setInterruptStatus(int v) {
        interruptStatus = v;
        signal.update(v);
    }

    // ---- configuration space (2.5) ----

    public int configGeneration() {
        return configGeneration & 0xff;
    }

    @Override
    public void configChanged() {
        configGeneration++;
        if ((status & DeviceStatus.DRIVER_OK) != 0) {
            setInterruptStatus(interruptStatus | ISR_CONFIG);
        }
    }

    /** A little-endian read of size bytes of device configuration (0 beyond its end). */
    public long readConfig(int offset, int size) {
        long v = 0;
        for (int i = 0; i < size; i++) {
            int at = offset + i;
            int b = at >= 0 && at < model.configSize() ? model.readConfig(at) & 0xff : 0;
            v |= (long) b << (8 * i);
        }
        return v;
    }

    public void writeConfig(int offset, int size, long value) {
        for (int i = 0; i < size; i++) {
            int at = offset + i;
            if (at >= 0 && at < model.configSize()) {
                model.writeConfig(at, (int) (value >>> (8 * i)) & 0xff);
            }
        }
    }

    // ---- running device work safely ----

    private void guarded(DeviceTask task) {
        try {
            task.run();
        } catch (VirtQueueException e) {
            fail(e.getMessage());
        } catch (GuestMemoryException e) {
            fail("guest memory access failed: " + e.getMessage());
        } catch (RuntimeException e) {
            log.log(Level.ERROR, name + ": device error", e);
            fail("device error: " + e);
        }
    }

    @Override
    public void post(DeviceTask task) {
        if (closed) {
            return;
        }
        executor.execute(() -> {
            if (active()) {
                guarded(task);
            }
        });
    }

    /** Runs work now on the vCPU thread with the failure handling of {@link #post}. */
    public void runNow(DeviceTask task) {
        if (active()) {
            guarded(task);
        }
    }

    public void close() {
        closed = true;
        model.close();
    }

    // ---- state ----

    public void save(StateWriter w) {
        w.putInt(status).putInt(deviceFeatureSelect).putInt(driverFeatureSelect).putLong(driverFeatures)
                .putLong(negotiated).putInt(queueSelect).putInt(configGeneration).putInt(interruptStatus)
                .putBoolean(legacyDriver).putInt(queues.length);
        for (VirtQueue q : queues) {
            q.save(w);
        }
        model.save(w);
    }

    public void restore(StateReader r, int version) throws DeviceStateException {
        status = r.getInt();
        deviceFeatureSelect = r.getInt();
        driverFeatureSelect = r.getInt();
        driverFeatures = r.getLong();
        negotiated = r.getLong();
        queueSelect = r.getInt();
        configGeneration = r.getInt();
        int isr = r.getInt();
        legacyDriver = r.getBoolean();
        int n = r.getInt();
        if (n != queues.length) {
            throw new DeviceStateException(name + ": saved state has " + n + " queues, this device has " + queues.length);
        }
        for (VirtQueue q : queues) {
            q.restore(r);
        }
        model.restore(r, version);
        setInterruptStatus(isr);
        if (active()) {
            // Re-arm the model's own sources (input listeners) after a hot-swap.
            guarded(() -> model.activate(this));
        }
    }
}
