package dev.hyperbundle.virtio.transport.pci;

import static dev.hyperbundle.virtio.transport.pci.VirtioPciLayout.*;

import dev.hyperbundle.bus.BusDevice;
import dev.hyperbundle.bus.BusRegistration;
import dev.hyperbundle.device.DeviceConfigException;
import dev.hyperbundle.device.DeviceContext;
import dev.hyperbundle.device.DeviceStateException;
import dev.hyperbundle.device.StateReader;
import dev.hyperbundle.device.StateWriter;
import dev.hyperbundle.irq.IrqLine;
import dev.hyperbundle.pci.PciBus;
import dev.hyperbundle.pci.PciConfigSpace;
import dev.hyperbundle.pci.PciSlot;
import dev.hyperbundle.virtio.core.VirtioDeviceCore;
import dev.hyperbundle.virtio.core.VirtioDeviceModel;
import dev.hyperbundle.virtio.queue.VirtQueue;
import dev.hyperbundle.virtio.transport.VirtioTransport;
import java.lang.System.Logger.Level;

/**
 * virtio over PCI (VIRTIO 1.2, 4.1) as a transitional device: vendor 0x1AF4, legacy device id
 * 0x1000 + n, subsystem id = virtio device id, revision 0. Modern drivers use the vendor capabilities
 * in memory BAR1, legacy drivers the I/O BAR0 (4.1.4.8). Interrupts are INTx on the slot's IRQ; reading
 * ISR clears it and lowers the line (4.1.4.5). There is no MSI-X. The BARs are assigned at creation as a
 * PC BIOS would, with I/O and memory decoding on.
 */
public final class VirtioPciTransport extends VirtioTransport {
    private final DeviceContext context;
    private final VirtioPciConfigSpace config;
    private final int ioBarSize;
    private PciBus bus;
    private PciSlot slot;
    private IrqLine irq;
    private BusRegistration ioRegistration;
    private BusRegistration memoryRegistration;
    private byte[] powerOnConfig;
    private final BusDevice legacyIo = new BusDevice() {
        @Override
        public long read(long offset, int size) {
            return readLegacy((int) offset, size);
        }

        @Override
        public void write(long offset, int size, long value) {
            writeLegacy((int) offset, size, value);
        }
    };
    private final BusDevice modernMemory = new BusDevice() {
        @Override
        public long read(long offset, int size) {
            return readModern(offset, size);
        }

        @Override
        public void write(long offset, int size, long value) {
            writeModern(offset, size, value);
        }
    };

    private VirtioPciTransport(DeviceContext context, VirtioDeviceCore core, String type) {
        super(core, type);
        this.context = context;
        VirtioDeviceModel model = core.model();
        this.ioBarSize = ioBarSize(model.configSize());
        this.config = new VirtioPciConfigSpace(model.type().transitionalPciId(), model.type().pciClass(),
                model.type().id(), ioBarSize);
        config.setBarAccess(new VirtioPciConfigSpace.BarAccess() {
            @Override
            public long read(int bar, long offset, int size) {
                return bar == MEMORY_BAR ? readModern(offset, size) : bar == IO_BAR ? readLegacy((int) offset, size) : 0;
            }

            @Override
            public void write(int bar, long offset, int size, long value) {
                if (bar == MEMORY_BAR) {
                    writeModern(offset, size, value);
                } else if (bar == IO_BAR) {
                    writeLegacy((int) offset, size, value);
                }
            }
        });
    }

    public static VirtioPciTransport attach(DeviceContext context, VirtioDeviceModel model, String type)
            throws DeviceConfigException {
        PciBus bus = context.pci();
        if (bus == null) {
            throw new DeviceConfigException(context.deviceId() + ": " + type
                    + " transport=pci needs a PCI host bridge in the machine (or use transport=mmio)");
        }
        VirtioDeviceCore core = new VirtioDeviceCore(model, context.memory(), context.executor(), context.logger(),
                context.deviceId());
        VirtioPciTransport t = new VirtioPciTransport(context, core, type);
        t.bus = bus;
        try {
            t.slot = bus.plug(t.config, context.deviceId());
            t.config.setInterrupt(1, t.slot.irq());
            t.irq = context.irq(t.slot.irq());
            t.config.setBarListener(t::barChanged);
            core.setInterruptSignal(t::updateInterrupt);
            // What a PC BIOS does before the OS starts: assign the BARs and turn decoding on.
            t.config.configWrite(PciConfigSpace.BAR0 + 4 * IO_BAR, 4, bus.allocateIo(t.ioBarSize));
            t.config.configWrite(PciConfigSpace.BAR0 + 4 * MEMORY_BAR, 4, (int) bus.allocateMmio(MEMORY_BAR_SIZE));
            t.config.configWrite(PciConfigSpace.COMMAND, 2, PciConfigSpace.COMMAND_IO | PciConfigSpace.COMMAND_MEMORY);
        } catch (IllegalStateException | IllegalArgumentException e) {
            t.closeRegistrations();
            throw new DeviceConfigException(context.deviceId() + ": " + type + " cannot be plugged: " + e.getMessage());
        }
        if (t.ioRegistration == null || t.memoryRegistration == null) {
            t.closeRegistrations();
            throw new DeviceConfigException(context.deviceId() + ": " + type + " BARs could not be registered");
        }
        t.powerOnConfig = t.config.snapshot();
        return t;
    }

    public int slotNumber() {
        return slot.device();
    }

    public int irqNumber() {
        return slot.irq();
    }

    /** The PCI function, for tests and the bus. */
    public PciConfigSpace configSpace() {
        return config;
    }

    private void barChanged(int bar, long address) {
        if (bar == IO_BAR) {
            ioRegistration = move(ioRegistration, address, true, legacyIo);
        } else if (bar == MEMORY_BAR) {
            memoryRegistration = move(memoryRegistration, address, false, modernMemory);
        }
    }

    private BusRegistration move(BusRegistration current, long address, boolean io, BusDevice target) {
        if (current != null && current.base() == address) {
            return current;
        }
        if (current != null) {
            current.close();
        }
        if (address < 0) {
            return null;
        }
        try {
            return io ? context.registerPorts((int) address, ioBarSize, target)
                    : context.registerMmio(address, MEMORY_BAR_SIZE, target);
        } catch (DeviceConfigException e) {
            context.logger().log(Level.WARNING, () -> context.deviceId() + ": BAR moved onto a taken range, not decoded: "
                    + e.getMessage());
            return null;
        }
    }

    private void updateInterrupt(int interruptStatus) {
        boolean pending = interruptStatus != 0;
        config.setInterruptStatus(pending);
        if (irq != null) {
            irq.set(pending && !config.intxDisabled());
        }
    }

    // ---- modern interface (4.1.4) ----

    private long readModern(long offset, int size) {
        if (offset >= COMMON_OFFSET && offset < COMMON_OFFSET + REGION_LENGTH) {
            return readCommon((int) (offset - COMMON_OFFSET), size);
        }
        if (offset >= ISR_OFFSET && offset < ISR_OFFSET + REGION_LENGTH) {
            return offset == ISR_OFFSET ? core.readAndClearInterruptStatus() : 0;
        }
        if (offset >= DEVICE_OFFSET && offset < DEVICE_OFFSET + REGION_LENGTH && size <= 4) {
            return core.readConfig((int) (offset - DEVICE_OFFSET), size);
        }
        return 0;
    }

    private void writeModern(long offset, int size, long value) {
        if (offset >= COMMON_OFFSET && offset < COMMON_OFFSET + REGION_LENGTH) {
            writeCommon((int) (offset - COMMON_OFFSET), size, value);
        } else if (offset >= DEVICE_OFFSET && offset < DEVICE_OFFSET + REGION_LENGTH && size <= 4) {
            core.writeConfig((int) (offset - DEVICE_OFFSET), size, value);
        } else if (offset >= NOTIFY_OFFSET && offset < NOTIFY_OFFSET + REGION_LENGTH) {
            // 4.1.4.4: the driver writes the queue index at queue_notify_off * multiplier.
            core.notifyQueue((int) (value & 0xffff));
        }
    }

    private long readCommon(int offset, int size) {
        VirtQueue q = core.selectedQueue();
        long v = switch (offset) {
            case DEVICE_FEATURE_SELECT -> core.deviceFeatureSelect();
            case DEVICE_FEATURE -> core.deviceFeatureWord();
            case DRIVER_FEATURE_SELECT -> core.driverFeatureSelect();
            case DRIVER_FEATURE -> core.driverFeatureWord();
            case CONFIG_MSIX_VECTOR, QUEUE_MSIX_VECTOR -> NO_VECTOR;
            case NUM_QUEUES -> core.queueCount();
            case DEVICE_STATUS -> core.status();
            case CONFIG_GENERATION -> core.configGeneration();
            case QUEUE_SELECT -> core.queueSelect();
            case QUEUE_SIZE -> q == null ? 0 : q.size();
            case QUEUE_ENABLE -> q != null && q.ready() ? 1 : 0;
            case QUEUE_NOTIFY_OFF -> core.queueSelect();
            case QUEUE_DESC -> q == null ? 0 : q.descTable();
            case QUEUE_DESC + 4 -> q == null ? 0 : q.descTable() >>> 32;
            case QUEUE_DRIVER -> q == null ? 0 : q.availRing();
            case QUEUE_DRIVER + 4 -> q == null ? 0 : q.availRing() >>> 32;
            case QUEUE_DEVICE -> q == null ? 0 : q.usedRing();
            case QUEUE_DEVICE + 4 -> q == null ? 0 : q.usedRing() >>> 32;
            default -> 0;
        };
        return size >= 8 ? v : v & ((1L << (8 * size)) - 1);
    }

    private void writeCommon(int offset, int size, long value) {
        int v = (int) value;
        VirtQueue q = core.selectedQueue();
        boolean queueWritable = q != null && !q.ready(); // 4.1.4.3.2: no changes to an enabled queue
        switch (offset) {
            case DEVICE_FEATURE_SELECT -> core.setDeviceFeatureSelect(v);
            case DRIVER_FEATURE_SELECT -> core.setDriverFeatureSelect(v);
            case DRIVER_FEATURE -> core.setDriverFeatureWord(v);
            case DEVICE_STATUS -> core.writeStatus(v & 0xff, false);
            case QUEUE_SELECT -> core.setQueueSelect(v);
            case QUEUE_SIZE -> {
                if (queueWritable) {
                    q.setSize(v);
                }
            }
            case QUEUE_ENABLE -> {
                if (q != null && (v & 1) != 0) {
                    q.setReady(true);
                }
            }
            case QUEUE_DESC, QUEUE_DESC + 4, QUEUE_DRIVER, QUEUE_DRIVER + 4, QUEUE_DEVICE, QUEUE_DEVICE + 4 -> {
                if (queueWritable) {
                    writeQueueAddress(q, offset, size, value);
                }
            }
            default -> { } // read-only, MSI-X vectors (none), unknown
        }
    }

    private static void writeQueueAddress(VirtQueue q, int offset, int size, long value) {
        int field = offset & ~7;
        boolean high = (offset & 4) != 0;
        long old = switch (field) {
            case QUEUE_DESC -> q.descTable();
            case QUEUE_DRIVER -> q.availRing();
            default -> q.usedRing();
        };
        long next;
        if (size == 8) {
            next = value;
        } else if (high) {
            next = (old & 0xffffffffL) | ((value & 0xffffffffL) << 32);
        } else {
            next = (old & ~0xffffffffL) | (value & 0xffffffffL);
        }
        switch (field) {
            case QUEUE_DESC -> q.setDescTable(next);
            case QUEUE_DRIVER -> q.setAvailRing(next);
            default -> q.setUsedRing(next);
        }
    }

    // ---- legacy interface (4.1.4.8) ----

    private long readLegacy(int offset, int size) {
        if (offset >= LEGACY_CONFIG) {
            return core.readConfig(offset - LEGACY_CONFIG, size);
        }
        VirtQueue q = core.selectedQueue();
        long v = switch (offset) {
            case LEGACY_HOST_FEATURES -> core.deviceFeatures() & 0xffffffffL;
            case LEGACY_GUEST_FEATURES -> core.driverFeaturesLow();
            case LEGACY_QUEUE_PFN -> q != null && q.ready() ? q.descTable() >>> LEGACY_PAGE_SHIFT : 0;
            case LEGACY_QUEUE_SIZE -> q == null ? 0 : q.maxSize();
            case LEGACY_QUEUE_SELECT -> core.queueSelect();
            case LEGACY_STATUS -> core.status();
            case LEGACY_ISR -> core.readAndClearInterruptStatus();
            default -> 0;
        };
        return v & ((1L << (8 * size)) - 1);
    }

    private void writeLegacy(int offset, int size, long value) {
        if (offset >= LEGACY_CONFIG) {
            core.writeConfig(offset - LEGACY_CONFIG, size, value);
            return;
        }
        int v = (int) value;
        VirtQueue q = core.selectedQueue();
        switch (offset) {
            case LEGACY_GUEST_FEATURES -> core.setLegacyDriverFeatures(v);
            case LEGACY_QUEUE_PFN -> {
                if (q != null) {
                    if (v == 0) {
                        q.setReady(false);
                    } else if (!q.ready()) {
                        q.setSize(q.maxSize());
                        q.setLegacyLayout(Integer.toUnsignedLong(v) << LEGACY_PAGE_SHIFT, LEGACY_ALIGN);
                        q.setReady(true);
                    }
                }
            }
            case LEGACY_QUEUE_SELECT -> core.setQueueSelect(v);
            case LEGACY_QUEUE_NOTIFY -> core.notifyQueue(v & 0xffff);
            case LEGACY_STATUS -> core.writeStatus(v & 0xff, true);
            default -> { }
        }
    }

    // ---- lifecycle and state ----

    @Override
    protected String kind() {
        return "pci";
    }

    @Override
    protected void saveTransport(StateWriter w) {
        w.putInt(slot.device()).putBytes(config.snapshot());
    }

    @Override
    protected void restoreTransport(StateReader r) throws DeviceStateException {
        int savedSlot = r.getInt();
        byte[] bytes = r.getBytes();
        if (bytes.length != 256) {
            throw new DeviceStateException(context.deviceId() + ": saved PCI configuration space has " + bytes.length + " bytes");
        }
        if (savedSlot != slot.device()) {
            try {
                PciSlot moved = bus.plug(savedSlot, config, context.deviceId());
                slot.close();
                slot = moved;
            } catch (IllegalArgumentException e) {
                throw new DeviceStateException(context.deviceId() + ": cannot return to PCI slot " + savedSlot + ": " + e.getMessage());
            }
            if (irq != null) {
                irq.lower();
            }
            irq = context.irq(slot.irq());
        }
        config.restore(bytes);
    }

    @Override
    protected void resetTransport() {
        config.restore(powerOnConfig);
        updateInterrupt(core.interruptStatus());
    }

    private void closeRegistrations() {
        if (ioRegistration != null) {
            ioRegistration.close();
            ioRegistration = null;
        }
        if (memoryRegistration != null) {
            memoryRegistration.close();
            memoryRegistration = null;
        }
        if (slot != null) {
            slot.close();
        }
    }

    @Override
    public void close() {
        super.close();
        if (irq != null) {
            irq.lower();
        }
        closeRegistrations();
    }
}
