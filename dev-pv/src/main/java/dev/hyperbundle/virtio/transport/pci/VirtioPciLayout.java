package dev.hyperbundle.virtio.transport.pci;

/**
 * Where things are in a virtio-pci function (VIRTIO 1.2, 4.1): the legacy I/O BAR0 (4.1.4.8) and the
 * modern memory BAR1 with the common, ISR, device and notify structures that the vendor capabilities
 * (4.1.4) point at.
 */
final class VirtioPciLayout {
    static final int VENDOR = 0x1af4;
    static final int IO_BAR = 0, MEMORY_BAR = 1;
    static final int MEMORY_BAR_SIZE = 0x4000;
    static final int COMMON_OFFSET = 0x0000, ISR_OFFSET = 0x1000, DEVICE_OFFSET = 0x2000, NOTIFY_OFFSET = 0x3000;
    static final int REGION_LENGTH = 0x1000;
    static final int COMMON_LENGTH = 0x3c;
    static final int NOTIFY_OFF_MULTIPLIER = 4;

    /** 4.1.4 cfg_type values. */
    static final int CAP_COMMON = 1, CAP_NOTIFY = 2, CAP_ISR = 3, CAP_DEVICE = 4, CAP_PCI_CFG = 5;
    static final int CAP_VENDOR = 0x09;

    /** 4.1.4.3 common configuration fields. */
    static final int DEVICE_FEATURE_SELECT = 0x00, DEVICE_FEATURE = 0x04, DRIVER_FEATURE_SELECT = 0x08,
            DRIVER_FEATURE = 0x0c, CONFIG_MSIX_VECTOR = 0x10, NUM_QUEUES = 0x12, DEVICE_STATUS = 0x14,
            CONFIG_GENERATION = 0x15, QUEUE_SELECT = 0x16, QUEUE_SIZE = 0x18, QUEUE_MSIX_VECTOR = 0x1a,
            QUEUE_ENABLE = 0x1c, QUEUE_NOTIFY_OFF = 0x1e, QUEUE_DESC = 0x20, QUEUE_DRIVER = 0x28, QUEUE_DEVICE = 0x30,
            QUEUE_NOTIFY_DATA = 0x38, QUEUE_RESET = 0x3a;
    static final int NO_VECTOR = 0xffff;

    /** 4.1.4.8 legacy header (without MSI-X). */
    static final int LEGACY_HOST_FEATURES = 0x00, LEGACY_GUEST_FEATURES = 0x04, LEGACY_QUEUE_PFN = 0x08,
            LEGACY_QUEUE_SIZE = 0x0c, LEGACY_QUEUE_SELECT = 0x0e, LEGACY_QUEUE_NOTIFY = 0x10, LEGACY_STATUS = 0x12,
            LEGACY_ISR = 0x13, LEGACY_CONFIG = 0x14;
    /** 4.1.4.8: legacy queues are page-aligned with 4096-byte pages. */
    static final int LEGACY_PAGE_SHIFT = 12, LEGACY_ALIGN = 4096;

    private VirtioPciLayout() {
    }

    static int ioBarSize(int configSize) {
        int need = LEGACY_CONFIG + configSize;
        return Math.max(32, Integer.highestOneBit(need - 1) << 1);
    }
}
