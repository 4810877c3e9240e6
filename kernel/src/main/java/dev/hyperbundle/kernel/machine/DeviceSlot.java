package dev.hyperbundle.kernel.machine;

import dev.hyperbundle.chardev.CharBackend;
import dev.hyperbundle.device.Device;
import dev.hyperbundle.device.DeviceConfig;
import dev.hyperbundle.device.DeviceConfigException;
import dev.hyperbundle.device.DeviceFactory;
import dev.hyperbundle.device.DeviceState;
import dev.hyperbundle.device.DeviceStateException;
import dev.hyperbundle.irq.InterruptRouter;
import dev.hyperbundle.irq.IrqLine;
import java.util.HashMap;
import java.util.Map;

/**
 * One configured device of a machine: its configuration, and the instance currently serving it (from
 * whichever factory is registered now). Between a factory leaving and a new one arriving the slot holds
 * only the saved state.
 */
final class DeviceSlot {
    private final DeviceConfig config;
    private final Map<Integer, IrqLine> irqLines = new HashMap<>();
    private CharBackend charBackend;
    private String charBackendSpec;
    private Device device;
    private DeviceFactory factory;
    private SlotContext context;
    private DeviceState saved;

    DeviceSlot(DeviceConfig config) {
        this.config = config;
    }

    String id() {
        return config.id();
    }

    String type() {
        return config.type();
    }

    DeviceConfig config() {
        return config;
    }

    boolean attached() {
        return device != null;
    }

    DeviceFactory factory() {
        return factory;
    }

    Device device() {
        return device;
    }

    IrqLine irqLine(int line, InterruptRouter router) {
        return irqLines.computeIfAbsent(line, router::line);
    }

    CharBackend charBackend(String spec, MachineServices machine) throws DeviceConfigException {
        if (charBackend == null) {
            try {
                charBackend = machine.openCharBackend(spec);
                charBackendSpec = spec;
            } catch (IllegalArgumentException e) {
                throw new DeviceConfigException(config.origin() + ": " + config.type() + " chardev: " + e.getMessage());
            }
        } else if (!spec.equals(charBackendSpec)) {
            throw new DeviceConfigException(config.origin() + ": " + id() + " already uses chardev " + charBackendSpec);
        }
        return charBackend;
    }

    /** Creates the instance from a factory; restores the saved state when there is one (hot-swap). */
    void attach(DeviceFactory f, MachineServices machine) throws DeviceConfigException, DeviceStateException {
        SlotContext ctx = new SlotContext(this, machine);
        Device d;
        try {
            d = f.create(ctx, config);
            if (saved != null) {
                d.restoreState(saved);
            }
        } catch (DeviceConfigException | DeviceStateException | RuntimeException e) {
            ctx.releaseAll();
            throw e;
        }
        device = d;
        factory = f;
        context = ctx;
        saved = null;
    }

    /** Saves the instance's state, closes it and releases its registrations. */
    DeviceState detach() {
        if (device == null) {
            return saved;
        }
        DeviceState state = device.saveState();
        try {
            device.close();
        } finally {
            context.releaseAll();
            device = null;
            factory = null;
            context = null;
            saved = state;
        }
        return state;
    }

    /** Releases everything, also the slot's own handles (machine end). */
    void dispose() {
        if (device != null) {
            try {
                device.close();
            } catch (RuntimeException e) {
                // The machine is ending; nothing more to do for this device.
            }
            context.releaseAll();
            device = null;
        }
        for (IrqLine l : irqLines.values()) {
            l.lower();
        }
        if (charBackend != null) {
            charBackend.close();
            charBackend = null;
        }
    }
}
