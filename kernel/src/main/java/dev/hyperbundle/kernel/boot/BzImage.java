package dev.hyperbundle.kernel.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * A parsed Linux bzImage: the real-mode setup header and the protected-mode kernel
 * (Linux Documentation/arch/x86/boot.rst, "The Real-Mode Kernel Header").
 */
public final class BzImage {
    /** Offsets into the image (= offsets into boot_params for the header part). */
    static final int SETUP_SECTS = 0x1f1, SYSSIZE = 0x1f4, BOOT_FLAG = 0x1fe, JUMP = 0x200, HEADER_MAGIC = 0x202,
            VERSION = 0x206, TYPE_OF_LOADER = 0x210, LOADFLAGS = 0x211, CODE32_START = 0x214, RAMDISK_IMAGE = 0x218,
            RAMDISK_SIZE = 0x21c, HEAP_END_PTR = 0x224, CMD_LINE_PTR = 0x228, INITRD_ADDR_MAX = 0x22c,
            KERNEL_ALIGNMENT = 0x230, RELOCATABLE = 0x234, CMDLINE_SIZE = 0x238, PREF_ADDRESS = 0x258, INIT_SIZE = 0x260;
    /** "HdrS" */
    static final int MAGIC = 0x53726448;
    /** 2.06 added cmdline_size; the 32-bit entry with a GDT set up by the loader is documented from 2.02. */
    public static final int MIN_VERSION = 0x0206;
    static final int LOADED_HIGH = 0x01;

    private final Path file;
    private final byte[] image;
    private final ByteBuffer header;
    private final int setupSectors;

    private BzImage(Path file, byte[] image) throws BootImageException {
        this.file = file;
        this.image = image;
        if (image.length < 0x264) {
            throw new BootImageException(file + ": not a Linux bzImage (only " + image.length + " bytes)");
        }
        header = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        if ((header.getShort(BOOT_FLAG) & 0xffff) != 0xaa55 || header.getInt(HEADER_MAGIC) != MAGIC) {
            throw new BootImageException(file + ": not a Linux bzImage (no boot flag 0xAA55 / \"HdrS\" header)");
        }
        int version = version();
        if (version < MIN_VERSION) {
            throw new BootImageException(String.format("%s: boot protocol %d.%02d is too old (need %d.%02d or newer)", file,
                    version >> 8, version & 0xff, MIN_VERSION >> 8, MIN_VERSION & 0xff));
        }
        if ((image[LOADFLAGS] & LOADED_HIGH) == 0) {
            throw new BootImageException(file + ": a zImage (loaded low) is not supported; need a bzImage");
        }
        int sects = image[SETUP_SECTS] & 0xff;
        setupSectors = sects == 0 ? 4 : sects;
        long kernelBytes = Integer.toUnsignedLong(header.getInt(SYSSIZE)) * 16;
        if (setupBytes() + kernelBytes > image.length) {
            throw new BootImageException(String.format("%s: truncated: the header announces %d bytes of kernel after %d bytes "
                    + "of setup, the file has %d bytes", file, kernelBytes, setupBytes(), image.length));
        }
    }

    public static BzImage parse(Path file, byte[] image) throws BootImageException {
        return new BzImage(file, image);
    }

    public Path file() {
        return file;
    }

    public int version() {
        return header.getShort(VERSION) & 0xffff;
    }

    /** Bytes of real-mode code before the protected-mode kernel: (setup_sects + 1) * 512. */
    public int setupBytes() {
        return (setupSectors + 1) * 512;
    }

    public int protectedModeOffset() {
        return setupBytes();
    }

    public int protectedModeLength() {
        return image.length - setupBytes();
    }

    public byte[] image() {
        return image;
    }

    /** End of the setup header: 0x202 + the byte at 0x201 (boot.rst: "the header ends at 0x202 + hdr[0x201]"). */
    public int headerEnd() {
        return Math.min(JUMP + 2 + (image[JUMP + 1] & 0xff), 0x290);
    }

    public int code32Start() {
        return header.getInt(CODE32_START);
    }

    public long initrdAddressMax() {
        return Integer.toUnsignedLong(header.getInt(INITRD_ADDR_MAX));
    }

    public long cmdlineSize() {
        return Integer.toUnsignedLong(header.getInt(CMDLINE_SIZE));
    }

    public boolean relocatable() {
        return image[RELOCATABLE] != 0;
    }

    public long initSize() {
        return version() >= 0x020a ? Integer.toUnsignedLong(header.getInt(INIT_SIZE)) : 0;
    }

    public long preferredAddress() {
        return version() >= 0x020a ? header.getLong(PREF_ADDRESS) : 0x100000;
    }
}
