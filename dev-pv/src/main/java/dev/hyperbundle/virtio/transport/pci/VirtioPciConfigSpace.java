package dev.hyperbundle.virtio.transport.pci;

import static dev.hyperbundle.virtio.transport.pci.VirtioPciLayout.*;

import dev.hyperbundle.pci.PciConfigSpace;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The configuration header of a transitional virtio-pci function (4.1.2): ids, BARs and the virtio
 * vendor capabilities, including the VIRTIO_PCI_CAP_PCI_CFG window (4.1.4.9) through which the driver can
 * reach the BARs with configuration cycles.
 */
final class VirtioPciConfigSpace extends PciConfigSpace {
    /** Accesses the BARs for the PCI configuration access capability. */
    interface BarAccess {
        long read(int bar, long offset, int size);

        void write(int bar, long offset, int size, long value);
    }

    private final int pciCfgCap;
    private BarAccess barAccess;

    VirtioPciConfigSpace(int deviceId, int pciClass, int virtioId, int ioBarSize) {
        super(VENDOR, deviceId, pciClass, 0, VENDOR, virtioId);
        defineBar(IO_BAR, ioBarSize, true);
        defineBar(MEMORY_BAR, MEMORY_BAR_SIZE, false);
        addCapability(CAP_VENDOR, cap(CAP_COMMON, COMMON_OFFSET, COMMON_LENGTH, -1));
        addCapability(CAP_VENDOR, cap(CAP_ISR, ISR_OFFSET, 1, -1));
        addCapability(CAP_VENDOR, cap(CAP_DEVICE, DEVICE_OFFSET, REGION_LENGTH, -1));
        addCapability(CAP_VENDOR, cap(CAP_NOTIFY, NOTIFY_OFFSET, REGION_LENGTH, NOTIFY_OFF_MULTIPLIER));
        // struct virtio_pci_cfg_cap: the cap, then pci_cfg_data[4]; bar, offset, length and data are writable.
        byte[] body = new byte[18];
        System.arraycopy(cap(CAP_PCI_CFG, 0, 0, -1), 0, body, 0, 14);
        body[0] = 20;
        pciCfgCap = addCapability(CAP_VENDOR, body);
        setWritable(pciCfgCap + 4, 1);
        setWritable(pciCfgCap + 8, 8);
    }

    void setBarAccess(BarAccess access) {
        this.barAccess = access;
    }

    /** struct virtio_pci_cap after cap_vndr and cap_next (4.1.4), plus notify_off_multiplier for notify. */
    private static byte[] cap(int type, int offset, int length, int multiplier) {
        ByteBuffer b = ByteBuffer.allocate(multiplier >= 0 ? 18 : 14).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) (multiplier >= 0 ? 20 : 16)); // cap_len
        b.put((byte) type);
        b.put((byte) (type == CAP_PCI_CFG ? 0 : MEMORY_BAR));
        b.put((byte) 0); // id
        b.put((byte) 0).put((byte) 0); // padding
        b.putInt(offset);
        b.putInt(length);
        if (multiplier >= 0) {
            b.putInt(multiplier);
        }
        return b.array();
    }

    private int dataOffset() {
        return pciCfgCap + 16;
    }

    @Override
    public int configRead(int offset, int size) {
        if (barAccess != null && offset >= dataOffset() && offset < dataOffset() + 4) {
            int length = get32(pciCfgCap + 12);
            if (offset == dataOffset() && (length == 1 || length == 2 || length == 4) && size >= length) {
                return (int) barAccess.read(config[pciCfgCap + 4] & 0xff, Integer.toUnsignedLong(get32(pciCfgCap + 8)), length);
            }
            return 0;
        }
        return super.configRead(offset, size);
    }

    @Override
    public void configWrite(int offset, int size, int value) {
        if (barAccess != null && offset >= dataOffset() && offset < dataOffset() + 4) {
            int length = get32(pciCfgCap + 12);
            if (offset == dataOffset() && (length == 1 || length == 2 || length == 4) && size >= length) {
                barAccess.write(config[pciCfgCap + 4] & 0xff, Integer.toUnsignedLong(get32(pciCfgCap + 8)), length,
                        Integer.toUnsignedLong(value));
            }
            return;
        }
        super.configWrite(offset, size, value);
    }
}
