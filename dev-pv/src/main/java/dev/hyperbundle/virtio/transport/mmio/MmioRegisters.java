package dev.hyperbundle.virtio.transport.mmio;

/** virtio-mmio register offsets (VIRTIO 1.2, 4.2.2 and the legacy layout of 4.2.4). */
final class MmioRegisters {
    static final int MAGIC_VALUE = 0x000, VERSION = 0x004, DEVICE_ID = 0x008, VENDOR_ID = 0x00c,
            DEVICE_FEATURES = 0x010, DEVICE_FEATURES_SEL = 0x014, DRIVER_FEATURES = 0x020, DRIVER_FEATURES_SEL = 0x024,
            GUEST_PAGE_SIZE = 0x028, QUEUE_SEL = 0x030, QUEUE_NUM_MAX = 0x034, QUEUE_NUM = 0x038, QUEUE_ALIGN = 0x03c,
            QUEUE_PFN = 0x040, QUEUE_READY = 0x044, QUEUE_NOTIFY = 0x050, INTERRUPT_STATUS = 0x060,
            INTERRUPT_ACK = 0x064, STATUS = 0x070, QUEUE_DESC_LOW = 0x080, QUEUE_DESC_HIGH = 0x084,
            QUEUE_DRIVER_LOW = 0x090, QUEUE_DRIVER_HIGH = 0x094, QUEUE_DEVICE_LOW = 0x0a0, QUEUE_DEVICE_HIGH = 0x0a4,
            SHM_SEL = 0x0ac, SHM_LEN_LOW = 0x0b0, SHM_LEN_HIGH = 0x0b4, SHM_BASE_LOW = 0x0b8, SHM_BASE_HIGH = 0x0bc,
            QUEUE_RESET = 0x0c0, CONFIG_GENERATION = 0x0fc, CONFIG = 0x100;

    /** "virt" in little-endian. */
    static final int MAGIC = 0x74726976;
    static final int VENDOR = 0x1af4;

    private MmioRegisters() {
    }
}
