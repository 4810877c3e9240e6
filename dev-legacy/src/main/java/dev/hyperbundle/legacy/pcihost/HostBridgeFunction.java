package dev.hyperbundle.legacy.pcihost;

import dev.hyperbundle.pci.PciConfigSpace;

/** Device 0 on bus 0: the 82441FX PCI and memory controller's configuration header. */
final class HostBridgeFunction extends PciConfigSpace {
    static final int VENDOR_INTEL = 0x8086, DEVICE_82441FX = 0x1237, CLASS_HOST_BRIDGE = 0x060000, REVISION = 0x02;

    HostBridgeFunction() {
        super(VENDOR_INTEL, DEVICE_82441FX, CLASS_HOST_BRIDGE, REVISION, 0, 0);
        // 82441FX datasheet, PCICMD default 0006h (memory space, bus master) and PCISTS 0280h
        // (fast back-to-back capable, medium DEVSEL timing).
        put16(COMMAND, COMMAND_MEMORY | COMMAND_MASTER);
        put16(STATUS, 0x0280);
        // Chipset registers a firmware programs (PMCCFG 50h, DRAM control 57h, PAM 59h-5Fh, DRB 60h-67h,
        // SMRAM 72h): kept as written so a guest reads back what it set; they have no effect here.
        setWritable(0x50, 0x30);
    }
}
