package dev.hyperbundle.legacy.pcihost;

import dev.hyperbundle.bus.BusDevice;
import dev.hyperbundle.device.Device;
import dev.hyperbundle.device.DeviceState;
import dev.hyperbundle.device.DeviceStateException;
import dev.hyperbundle.device.StateReader;
import dev.hyperbundle.device.StateWriter;
import dev.hyperbundle.machine.MachineControl;
import dev.hyperbundle.pci.PciBus;
import dev.hyperbundle.pci.PciSlot;

/**
 * Configuration mechanism #1 (PCI Local Bus Specification 3.0, 3.2.2.3.2): only a full dword access to
 * 0xCF8 reaches CONFIG_ADDRESS; byte and word accesses in 0xCF8-0xCFB are ordinary I/O, which is how
 * Linux's {@code pci_check_type1} and {@code pci_check_type2} tell the mechanisms apart. Nothing answers
 * the mechanism #2 registers (0xCF8 and 0xCFA as bytes read 0xFF), so the type 2 probe fails.
 * Port 0xCF9 is the PIIX3 Reset Control Register.
 */
public final class PciHostBridge implements Device {
    public static final String TYPE = "pci-host";
    static final int STATE_VERSION = 1;

    static final int CONFIG_ENABLE = 0x80000000;
    /** CONFIG_ADDRESS: bit 31, bus, device, function, register; 30:24 reserved and 1:0 read as 0. */
    static final int CONFIG_ADDRESS_MASK = 0x80fffffc;
    /** Reset Control Register bits (82371SB PIIX3 datasheet, RC 0CF9h). */
    static final int RCR_SYSTEM_RESET = 0x02, RCR_RESET_CPU = 0x04, RCR_FULL_RESET = 0x08;

    private final PciBus bus;
    private final MachineControl machine;
    private final HostBridgeFunction function = new HostBridgeFunction();
    private final PciSlot slot;
    private int configAddress;
    private int resetControl;

    /** 0xCF8-0xCFB: CONFIG_ADDRESS (dword) and the Reset Control Register (byte at 0xCF9). */
    final BusDevice addressPort = new BusDevice() {
        @Override
        public long read(long offset, int size) {
            if (offset == 0 && size == 4) {
                return configAddress & 0xffffffffL;
            }
            long v = 0;
            for (int i = 0; i < size; i++) {
                v |= (long) (offset + i == 1 ? resetControl : 0xff) << (8 * i);
            }
            return v;
        }

        @Override
        public void write(long offset, int size, long value) {
            if (offset == 0 && size == 4) {
                configAddress = (int) value & CONFIG_ADDRESS_MASK;
                return;
            }
            for (int i = 0; i < size; i++) {
                if (offset + i == 1) {
                    writeResetControl((int) (value >>> (8 * i)) & 0xff);
                }
            }
        }
    };

    /** 0xCFC-0xCFF: CONFIG_DATA; byte lanes select the register bytes. */
    final BusDevice dataPort = new BusDevice() {
        @Override
        public long read(long offset, int size) {
            int lane = (int) offset;
            if (size > 1 && (lane & (size - 1)) != 0) {
                long v = 0; // unaligned: one byte at a time
                for (int i = 0; i < size; i++) {
                    v |= (long) configRead(lane + i, 1) << (8 * i);
                }
                return v;
            }
            return configRead(lane, size) & 0xffffffffL;
        }

        @Override
        public void write(long offset, int size, long value) {
            int lane = (int) offset;
            if (size > 1 && (lane & (size - 1)) != 0) {
                for (int i = 0; i < size; i++) {
                    configWrite(lane + i, 1, (int) (value >>> (8 * i)) & 0xff);
                }
                return;
            }
            configWrite(lane, size, (int) value);
        }
    };

    public PciHostBridge(PciBus bus, MachineControl machine, String owner) {
        this.bus = bus;
        this.machine = machine;
        this.slot = bus.plug(0, function, owner);
    }

    private int configRead(int lane, int size) {
        if ((configAddress & CONFIG_ENABLE) == 0) {
            return size == 4 ? -1 : (1 << (8 * size)) - 1; // not a configuration cycle: nothing answers
        }
        return bus.configRead(busNumber(), deviceNumber(), functionNumber(), register() + lane, size);
    }

    private void configWrite(int lane, int size, int value) {
        if ((configAddress & CONFIG_ENABLE) != 0) {
            bus.configWrite(busNumber(), deviceNumber(), functionNumber(), register() + lane, size, value);
        }
    }

    private int busNumber() {
        return (configAddress >>> 16) & 0xff;
    }

    private int deviceNumber() {
        return (configAddress >>> 11) & 0x1f;
    }

    private int functionNumber() {
        return (configAddress >>> 8) & 7;
    }

    private int register() {
        return configAddress & 0xfc;
    }

    private void writeResetControl(int value) {
        int old = resetControl;
        resetControl = value & (RCR_SYSTEM_RESET | RCR_FULL_RESET); // RC (bit 2) reads back 0
        // PIIX3: a 0 -> 1 transition of bit 2 resets, hard when bit 1 (SRST) is set, else a soft reset
        // (INIT). Both restart the CPU at the reset vector; the kernel has no INIT-only request.
        if ((value & RCR_RESET_CPU) != 0 && (old & RCR_RESET_CPU) == 0) {
            machine.requestReset((value & RCR_SYSTEM_RESET) != 0 ? "port 0xcf9 hard reset" : "port 0xcf9 soft reset");
        }
    }

    @Override
    public DeviceState saveState() {
        return new StateWriter().putInt(configAddress).putInt(resetControl).putBytes(function.snapshot())
                .toState(TYPE, STATE_VERSION);
    }

    @Override
    public void restoreState(DeviceState state) throws DeviceStateException {
        StateReader r = state.reader(TYPE, STATE_VERSION);
        int address = r.getInt();
        int rcr = r.getInt();
        byte[] config = r.getBytes();
        if (config.length != 256) {
            throw new DeviceStateException(TYPE + " state holds " + config.length + " configuration bytes, not 256");
        }
        configAddress = address & CONFIG_ADDRESS_MASK;
        resetControl = rcr & (RCR_SYSTEM_RESET | RCR_FULL_RESET);
        function.restore(config);
    }

    @Override
    public void reset() {
        configAddress = 0;
        resetControl = 0;
        function.restore(new HostBridgeFunction().snapshot());
    }

    @Override
    public void close() {
        slot.close();
    }
}
