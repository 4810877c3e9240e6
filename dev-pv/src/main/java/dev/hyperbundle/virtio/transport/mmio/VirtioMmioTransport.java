package dev.hyperbundle.virtio.transport.mmio;

import static dev.hyperbundle.virtio.transport.mmio.MmioRegisters.*;

import dev.hyperbundle.bus.BusDevice;
import dev.hyperbundle.bus.BusRegistration;
import dev.hyperbundle.device.DeviceConfigException;
import dev.hyperbundle.device.DeviceContext;
import dev.hyperbundle.device.DeviceStateException;
import dev.hyperbundle.device.StateReader;
import dev.hyperbundle.device.StateWriter;
import dev.hyperbundle.irq.IrqLine;
import dev.hyperbundle.virtio.core.VirtioDeviceCore;
import dev.hyperbundle.virtio.core.VirtioDeviceModel;
import dev.hyperbundle.virtio.queue.VirtQueue;
import dev.hyperbundle.virtio.transport.VirtioTransport;

/**
 * virtio over MMIO (VIRTIO 1.2, 4.2): version 2, or the legacy version 1 layout (4.2.4). Device n of a
 * machine sits at 0xFEB00000 + n * 0x200 with IRQ 5, 9, 10 or 11 (round robin, level-triggered, shared
 * lines allowed); it announces itself to Linux with {@code virtio_mmio.device=512@base:irq}. The IRQ line
 * is high while InterruptStatus is not 0.
 */
public final class VirtioMmioTransport extends VirtioTransport implements BusDevice {
    public static final long BASE = 0xfeb00000L;
    public static final int WINDOW = 0x200;
    public static final int MAX_DEVICES = 32;
    public static final int[] IRQS = {5, 9, 10, 11};

    private final DeviceContext context;
    private final int version;
    private int index;
    private BusRegistration registration;
    private IrqLine irq;
    // Legacy (version 1) registers.
    private int guestPageSize;
    private final int[] queueAlign;
    private final int[] queuePfn;
    private int shmSelect;

    private VirtioMmioTransport(DeviceContext context, VirtioDeviceCore core, String type, int version) {
        super(core, type);
        this.context = context;
        this.version = version;
        this.queueAlign = new int[core.queueCount()];
        this.queuePfn = new int[core.queueCount()];
        core.setLegacyOnly(version == 1);
        core.setResetListener(this::resetQueueRegisters);
        resetTransport();
    }

    public static VirtioMmioTransport attach(DeviceContext context, VirtioDeviceModel model, String type, int version)
            throws DeviceConfigException {
        VirtioDeviceCore core = new VirtioDeviceCore(model, context.memory(), context.executor(), context.logger(),
                context.deviceId());
        VirtioMmioTransport t = new VirtioMmioTransport(context, core, type, version);
        for (int n = 0; n < MAX_DEVICES; n++) {
            try {
                t.registration = context.registerMmio(base(n), WINDOW, t);
            } catch (DeviceConfigException taken) {
                continue;
            }
            t.index = n;
            t.irq = context.irq(irqOf(n));
            core.setInterruptSignal(t::updateInterrupt);
            context.addKernelArgument(String.format("virtio_mmio.device=512@0x%x:%d", base(n), irqOf(n)));
            return t;
        }
        throw new DeviceConfigException(context.deviceId() + ": all " + MAX_DEVICES + " virtio-mmio windows from 0x"
                + Long.toHexString(BASE) + " are taken");
    }

    static long base(int n) {
        return BASE + (long) n * WINDOW;
    }

    static int irqOf(int n) {
        return IRQS[n % IRQS.length];
    }

    public long base() {
        return base(index);
    }

    public int irqNumber() {
        return irqOf(index);
    }

    private void updateInterrupt(int interruptStatus) {
        if (irq != null) {
            irq.set(interruptStatus != 0);
        }
    }

    @Override
    public long read(long offset, int size) {
        if (offset >= CONFIG) {
            if (version == 1 || size <= 4) {
                return core.readConfig((int) (offset - CONFIG), size);
            }
            return 0;
        }
        if (size != 4 || (offset & 3) != 0) {
            return 0; // 4.2.2.2: control registers are 32 bits wide
        }
        VirtQueue q = core.selectedQueue();
        return Integer.toUnsignedLong(switch ((int) offset) {
            case MAGIC_VALUE -> MAGIC;
            case VERSION -> version;
            case DEVICE_ID -> core.model().type().id();
            case VENDOR_ID -> VENDOR;
            case DEVICE_FEATURES -> core.deviceFeatureWord();
            case QUEUE_NUM_MAX -> q == null ? 0 : q.maxSize();
            case QUEUE_NUM -> q == null ? 0 : q.size();
            case QUEUE_PFN -> version == 1 && q != null ? queuePfn[core.queueSelect()] : 0;
            case QUEUE_READY -> version == 2 && q != null && q.ready() ? 1 : 0;
            case INTERRUPT_STATUS -> core.interruptStatus();
            case STATUS -> core.status();
            case QUEUE_DESC_LOW -> q == null ? 0 : (int) q.descTable();
            case QUEUE_DESC_HIGH -> q == null ? 0 : (int) (q.descTable() >>> 32);
            case QUEUE_DRIVER_LOW -> q == null ? 0 : (int) q.availRing();
            case QUEUE_DRIVER_HIGH -> q == null ? 0 : (int) (q.availRing() >>> 32);
            case QUEUE_DEVICE_LOW -> q == null ? 0 : (int) q.usedRing();
            case QUEUE_DEVICE_HIGH -> q == null ? 0 : (int) (q.usedRing() >>> 32);
            case SHM_LEN_LOW, SHM_LEN_HIGH, SHM_BASE_LOW, SHM_BASE_HIGH -> -1; // no shared memory regions
            case CONFIG_GENERATION -> version == 2 ? core.configGeneration() : 0;
            default -> 0;
        });
    }

    @Override
    public void write(long offset, int size, long value) {
        if (offset >= CONFIG) {
            if (size <= 4) {
                core.writeConfig((int) (offset - CONFIG), size, value);
            }
            return;
        }
        if (size != 4 || (offset & 3) != 0) {
            return;
        }
        int v = (int) value;
        VirtQueue q = core.selectedQueue();
        // 4.2.2.3: queue registers may only change while the queue is not in use.
        boolean queueWritable = q != null && !q.ready();
        switch ((int) offset) {
            case DEVICE_FEATURES_SEL -> core.setDeviceFeatureSelect(v);
            case DRIVER_FEATURES -> core.setDriverFeatureWord(v);
            case DRIVER_FEATURES_SEL -> core.setDriverFeatureSelect(v);
            case GUEST_PAGE_SIZE -> guestPageSize = v;
            case QUEUE_SEL -> core.setQueueSelect(v);
            case QUEUE_NUM -> {
                if (queueWritable) {
                    q.setSize(v);
                }
            }
            case QUEUE_ALIGN -> {
                if (version == 1 && q != null) {
                    queueAlign[core.queueSelect()] = v;
                }
            }
            case QUEUE_PFN -> {
                if (version == 1 && q != null) {
                    writeLegacyPfn(q, v);
                }
            }
            case QUEUE_READY -> {
                if (version == 2 && q != null) {
                    q.setReady((v & 1) != 0);
                }
            }
            case QUEUE_NOTIFY -> core.notifyQueue(v & 0xffff);
            case INTERRUPT_ACK -> core.acknowledgeInterrupt(v);
            case STATUS -> core.writeStatus(v, version == 1);
            case QUEUE_DESC_LOW -> setLow(q, queueWritable, v, VirtQueue::descTable, VirtQueue::setDescTable);
            case QUEUE_DESC_HIGH -> setHigh(q, queueWritable, v, VirtQueue::descTable, VirtQueue::setDescTable);
            case QUEUE_DRIVER_LOW -> setLow(q, queueWritable, v, VirtQueue::availRing, VirtQueue::setAvailRing);
            case QUEUE_DRIVER_HIGH -> setHigh(q, queueWritable, v, VirtQueue::availRing, VirtQueue::setAvailRing);
            case QUEUE_DEVICE_LOW -> setLow(q, queueWritable, v, VirtQueue::usedRing, VirtQueue::setUsedRing);
            case QUEUE_DEVICE_HIGH -> setHigh(q, queueWritable, v, VirtQueue::usedRing, VirtQueue::setUsedRing);
            case SHM_SEL -> shmSelect = v;
            default -> { } // read-only or unknown: dropped
        }
    }

    /** 4.2.4: the legacy queue lives at PFN * GuestPageSize, used ring aligned to QueueAlign; 0 stops it. */
    private void writeLegacyPfn(VirtQueue q, int pfn) {
        int sel = core.queueSelect();
        queuePfn[sel] = pfn;
        if (pfn == 0) {
            q.setReady(false);
            return;
        }
        long pageSize = guestPageSize > 0 && Integer.bitCount(guestPageSize) == 1 ? guestPageSize : 4096;
        long align = queueAlign[sel] > 0 && Integer.bitCount(queueAlign[sel]) == 1 ? queueAlign[sel] : 4096;
        q.setLegacyLayout(Integer.toUnsignedLong(pfn) * pageSize, align);
        q.setReady(true);
    }

    private interface Getter {
        long get(VirtQueue q);
    }

    private interface Setter {
        void set(VirtQueue q, long v);
    }

    private static void setLow(VirtQueue q, boolean writable, int v, Getter get, Setter set) {
        if (writable) {
            set.set(q, (get.get(q) & ~0xffffffffL) | Integer.toUnsignedLong(v));
        }
    }

    private static void setHigh(VirtQueue q, boolean writable, int v, Getter get, Setter set) {
        if (writable) {
            set.set(q, (get.get(q) & 0xffffffffL) | (Integer.toUnsignedLong(v) << 32));
        }
    }

    @Override
    protected String kind() {
        return "mmio";
    }

    @Override
    protected void saveTransport(StateWriter w) {
        w.putInt(version).putInt(index).putInt(guestPageSize).putInts(queueAlign).putInts(queuePfn).putInt(shmSelect);
    }

    @Override
    protected void restoreTransport(StateReader r) throws DeviceStateException {
        int savedVersion = r.getInt();
        if (savedVersion != version) {
            throw new DeviceStateException(context.deviceId() + ": state of a virtio-mmio version " + savedVersion
                    + " device cannot be restored into version " + version);
        }
        int savedIndex = r.getInt();
        guestPageSize = r.getInt();
        int[] align = r.getInts();
        int[] pfn = r.getInts();
        if (align.length != queueAlign.length || pfn.length != queuePfn.length) {
            throw new DeviceStateException(context.deviceId() + ": saved virtio-mmio state has another number of queues");
        }
        System.arraycopy(align, 0, queueAlign, 0, align.length);
        System.arraycopy(pfn, 0, queuePfn, 0, pfn.length);
        shmSelect = r.getInt();
        if (savedIndex != index) {
            moveTo(savedIndex);
        }
    }

    /** Puts the window back where the guest found it before a hot-swap. */
    private void moveTo(int n) throws DeviceStateException {
        if (n < 0 || n >= MAX_DEVICES) {
            throw new DeviceStateException(context.deviceId() + ": saved virtio-mmio window " + n + " does not exist");
        }
        BusRegistration old = registration;
        old.close();
        try {
            registration = context.registerMmio(base(n), WINDOW, this);
        } catch (DeviceConfigException e) {
            try {
                registration = context.registerMmio(old.base(), WINDOW, this);
            } catch (DeviceConfigException again) {
                registration = null;
            }
            throw new DeviceStateException(context.deviceId() + ": cannot move back to the saved window: " + e.getMessage());
        }
        if (irq != null) {
            irq.lower();
        }
        index = n;
        irq = context.irq(irqOf(n));
    }

    @Override
    public void close() {
        super.close();
        if (irq != null) {
            irq.lower();
        }
        if (registration != null) {
            registration.close();
        }
    }

    @Override
    protected void resetTransport() {
        guestPageSize = 0;
        resetQueueRegisters();
    }

    private void resetQueueRegisters() {
        java.util.Arrays.fill(queueAlign, 0);
        java.util.Arrays.fill(queuePfn, 0);
        shmSelect = 0;
    }
}
