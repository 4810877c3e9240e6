package dev.hyperbundle.kernel.boot;

import dev.hyperbundle.cpu.Segment;
import dev.hyperbundle.cpu.X86CpuState;
import dev.hyperbundle.memory.PhysicalMemory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Direct Linux boot through the 32-bit boot protocol (Linux Documentation/arch/x86/boot.rst, "32-bit
 * Boot Protocol"): the protected-mode kernel at 1 MiB, boot_params (the "zero page") with the setup
 * header and an E820 map, the command line, the initramfs as high as allowed, a GDT with __BOOT_CS
 * (0x10) and __BOOT_DS (0x18) flat segments, and the CPU in flat protected mode with interrupts off at
 * code32_start and ESI pointing at boot_params.
 */
public final class LinuxBootLoader {
    public static final long GDT = 0x500;
    public static final long BOOT_PARAMS = 0x7000;
    public static final long CMDLINE = 0x20000;
    public static final long KERNEL = 0x100000;
    /** Linux without HIGHMEM maps only the first 896 MiB; the initramfs must be there (boot.rst: "lowmem"). */
    static final long LOWMEM_LIMIT = 0x38000000L;
    /** boot_params fields outside the setup header (arch/x86/include/uapi/asm/bootparam.h). */
    static final int ALT_MEM_K = 0x1e0, E820_ENTRIES = 0x1e8, E820_TABLE = 0x2d0, E820_MAX = 128;
    /** Start of the reserved area below 640 KiB (EBDA) and of the legacy BIOS area. */
    static final long EBDA = 0x9fc00, BIOS_AREA = 0xf0000;
    public static final int BOOT_CS = 0x10, BOOT_DS = 0x18;

    private final PhysicalMemory memory;
    private final long ramSize;

    /** @param ramSize bytes of RAM from physical address 0 */
    public LinuxBootLoader(PhysicalMemory memory, long ramSize) {
        this.memory = memory;
        this.ramSize = ramSize;
    }

    /** Where the pieces went, for logs and tests. */
    public record Layout(long kernelEnd, long initrdAddress, long initrdSize, List<E820Entry> e820) {
    }

    /** Loads kernel, initramfs (may be null) and command line; returns the CPU state to start from. */
    public X86CpuState load(Path kernelFile, Path initrdFile, String commandLine) throws BootImageException {
        return load(kernelFile, initrdFile, commandLine, new ArrayList<>());
    }

    /** As {@link #load(Path, Path, String)}, also reporting the layout into layoutOut. */
    public X86CpuState load(Path kernelFile, Path initrdFile, String commandLine, List<Layout> layoutOut)
            throws BootImageException {
        BzImage kernel = BzImage.parse(kernelFile, readFile(kernelFile, "kernel"));
        byte[] cmdline = commandLine.getBytes(StandardCharsets.US_ASCII);
        if (cmdline.length > kernel.cmdlineSize()) {
            throw new BootImageException(String.format("command line is %d bytes; %s accepts at most %d",
                    cmdline.length, kernelFile, kernel.cmdlineSize()));
        }
        long kernelEnd = KERNEL + kernel.protectedModeLength();
        // The kernel decompresses in place up to init_size past its load (or preferred) address.
        long needed = Math.max(kernelEnd, Math.max(KERNEL, kernel.preferredAddress()) + kernel.initSize());
        if (needed > ramSize) {
            throw new BootImageException(String.format("%s needs %d MiB of RAM to decompress; the VM has %d MiB",
                    kernelFile, (needed + (1 << 20) - 1) >> 20, ramSize >> 20));
        }
        memory.load(KERNEL, kernel.image(), kernel.protectedModeOffset(), kernel.protectedModeLength());

        long initrdAddress = 0;
        long initrdSize = 0;
        if (initrdFile != null) {
            byte[] initrd = readFile(initrdFile, "initramfs");
            initrdSize = initrd.length;
            long top = Math.min(Math.min(ramSize, LOWMEM_LIMIT), kernel.initrdAddressMax() + 1);
            initrdAddress = (top - initrdSize) & ~0xfffL;
            if (initrdAddress < needed) {
                throw new BootImageException(String.format("%s (%d bytes) does not fit in guest RAM above the kernel "
                        + "(kernel needs up to 0x%x, RAM ends at 0x%x); give the VM more memory", initrdFile, initrdSize,
                        needed, top));
            }
            memory.load(initrdAddress, initrd, 0, initrd.length);
        }

        byte[] cmd = new byte[cmdline.length + 1];
        System.arraycopy(cmdline, 0, cmd, 0, cmdline.length);
        memory.load(CMDLINE, cmd, 0, cmd.length);

        List<E820Entry> e820 = e820();
        memory.load(BOOT_PARAMS, bootParams(kernel, initrdAddress, initrdSize, e820), 0, 4096);
        memory.load(GDT, gdt(), 0, 32);
        layoutOut.add(new Layout(kernelEnd, initrdAddress, initrdSize, e820));
        return entryState(kernel);
    }

    private static byte[] readFile(Path file, String what) throws BootImageException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new BootImageException(file + ": " + what + " file not found");
        } catch (IOException e) {
            throw new BootImageException(file + ": cannot read " + what + ": " + e.getMessage());
        }
    }

    /** RAM below the EBDA, RAM from 1 MiB up; the EBDA and BIOS areas reserved, as a PC BIOS reports them. */
    List<E820Entry> e820() {
        List<E820Entry> map = new ArrayList<>();
        map.add(new E820Entry(0, EBDA, E820Entry.RAM));
        map.add(new E820Entry(EBDA, 0xa0000 - EBDA, E820Entry.RESERVED));
        map.add(new E820Entry(BIOS_AREA, 0x100000 - BIOS_AREA, E820Entry.RESERVED));
        map.add(new E820Entry(0x100000, ramSize - 0x100000, E820Entry.RAM));
        return map;
    }

    private byte[] bootParams(BzImage kernel, long initrdAddress, long initrdSize, List<E820Entry> e820) {
        byte[] zeroPage = new byte[4096];
        // boot.rst: copy the setup header from the image, then fill in the loader's fields.
        System.arraycopy(kernel.image(), BzImage.SETUP_SECTS, zeroPage, BzImage.SETUP_SECTS,
                kernel.headerEnd() - BzImage.SETUP_SECTS);
        ByteBuffer p = ByteBuffer.wrap(zeroPage).order(ByteOrder.LITTLE_ENDIAN);
        p.put(BzImage.TYPE_OF_LOADER, (byte) 0xff); // "undefined" boot loader id
        p.putInt(BzImage.CMD_LINE_PTR, (int) CMDLINE);
        p.putInt(BzImage.RAMDISK_IMAGE, (int) initrdAddress);
        p.putInt(BzImage.RAMDISK_SIZE, (int) initrdSize);
        p.putInt(BzImage.CODE32_START, (int) KERNEL);
        p.putInt(ALT_MEM_K, (int) Math.min((ramSize - 0x100000) >> 10, 0xffffffffL));
        p.put(E820_ENTRIES, (byte) e820.size());
        for (int i = 0; i < e820.size() && i < E820_MAX; i++) {
            E820Entry e = e820.get(i);
            p.putLong(E820_TABLE + 20 * i, e.address());
            p.putLong(E820_TABLE + 20 * i + 8, e.size());
            p.putInt(E820_TABLE + 20 * i + 16, e.type());
        }
        return zeroPage;
    }

    /** Null descriptor, an unused one, then __BOOT_CS and __BOOT_DS: flat 4 GiB, 32-bit, DPL 0. */
    private static byte[] gdt() {
        ByteBuffer g = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        g.putLong(0).putLong(0);
        g.putLong(0x00cf9b000000ffffL); // code: execute/read, accessed
        g.putLong(0x00cf93000000ffffL); // data: read/write, accessed
        return g.array();
    }

    private static X86CpuState entryState(BzImage kernel) {
        X86CpuState s = new X86CpuState();
        int flat32 = Segment.S | Segment.P | Segment.DB | Segment.G;
        s.seg[X86CpuState.CS].set(new Segment(BOOT_CS, 0, 0xffffffff, 0xb | flat32));
        for (int r : new int[] {X86CpuState.DS, X86CpuState.ES, X86CpuState.SS, X86CpuState.FS, X86CpuState.GS}) {
            s.seg[r].set(new Segment(BOOT_DS, 0, 0xffffffff, 0x3 | flat32));
        }
        s.ldtr.set(new Segment(0, 0, 0xffff, 0x2 | Segment.P));
        s.tr.set(new Segment(0, 0, 0xffff, 0xb | Segment.P));
        s.gdtBase = (int) GDT;
        s.gdtLimit = 31;
        s.idtBase = 0;
        s.idtLimit = 0;
        s.cr0 = 0x11; // PE, plus ET which the i686 hardwires to 1
        s.eflags = 0x2; // interrupts disabled (boot.rst: "interrupt must be disabled")
        s.eip = (int) KERNEL; // code32_start as loaded
        s.gpr[X86CpuState.ESI] = (int) BOOT_PARAMS;
        s.dr[6] = 0xffff0ff0;
        s.dr[7] = 0x400;
        return s;
    }
}
