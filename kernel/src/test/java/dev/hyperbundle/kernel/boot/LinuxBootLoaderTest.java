package dev.hyperbundle.kernel.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hyperbundle.cpu.X86CpuState;
import dev.hyperbundle.memory.MemoryRegion;
import dev.hyperbundle.memory.PhysicalMemory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks boot_params against Linux Documentation/arch/x86/boot.rst with the real guest kernels. */
class LinuxBootLoaderTest {
    static final Path GUESTS = Path.of(System.getProperty("hyperbundle.guests", "../../shared/guests"));
    static final Path TINY = GUESTS.resolve("tiny/bzImage");
    static final Path DEBIAN = GUESTS.resolve("debian-686/vmlinuz");
    static final Path INITRD = GUESTS.resolve("initramfs.cpio.gz");

    @TempDir
    Path tmp;
    PhysicalMemory memory;

    @AfterEach
    void close() {
        if (memory != null) {
            memory.close();
        }
    }

    private LinuxBootLoader loader(long ram) {
        memory = new PhysicalMemory();
        memory.addRegion(0, ram, MemoryRegion.Kind.RAM, "ram");
        return new LinuxBootLoader(memory, ram);
    }

    @Test
    void tinyKernelBootParams() throws Exception {
        assumeTrue(Files.isRegularFile(TINY), "guest images not found at " + GUESTS + " (set -Dhyperbundle.guests)");
        long ram = 64L << 20;
        List<LinuxBootLoader.Layout> layout = new ArrayList<>();
        X86CpuState s = loader(ram).load(TINY, INITRD, "console=ttyS0 reboot=k", layout);
        byte[] image = Files.readAllBytes(TINY);
        int bp = (int) LinuxBootLoader.BOOT_PARAMS;
        // Setup header copied: setup_sects 31, "HdrS", protocol 2.15, boot flag.
        assertEquals(31, memory.read8(bp + 0x1f1));
        assertEquals(0x53726448, memory.read32(bp + 0x202));
        assertEquals(0x020f, memory.read16(bp + 0x206));
        assertEquals(0xaa55, memory.read16(bp + 0x1fe));
        assertEquals(0xff, memory.read8(bp + 0x210), "type_of_loader: undefined");
        assertEquals(0x100000, memory.read32(bp + 0x214), "code32_start");
        assertEquals(0x20000, memory.read32(bp + 0x228), "cmd_line_ptr");
        long initrdSize = Files.size(INITRD);
        int initrdAt = memory.read32(bp + 0x218);
        assertEquals(initrdSize, memory.read32(bp + 0x21c));
        assertEquals((ram - initrdSize) & ~0xfffL, initrdAt, "initramfs as high as RAM allows, page aligned");
        assertEquals(layout.get(0).initrdAddress(), initrdAt);
        assertEquals(Arrays.toString(Arrays.copyOf(Files.readAllBytes(INITRD), 16)),
                Arrays.toString(memory.read(initrdAt, 16)));
        // The command line, NUL-terminated.
        assertEquals("console=ttyS0 reboot=k", new String(memory.read(0x20000, 22)));
        assertEquals(0, memory.read8(0x20000 + 22));
        // E820: 4 entries, RAM below the EBDA and from 1 MiB to the end.
        assertEquals(4, memory.read8(bp + 0x1e8));
        assertEquals(0, memory.read64(bp + 0x2d0));
        assertEquals(0x9fc00, memory.read64(bp + 0x2d8));
        assertEquals(1, memory.read32(bp + 0x2e0));
        assertEquals(0x100000, memory.read64(bp + 0x2d0 + 60));
        assertEquals(ram - 0x100000, memory.read64(bp + 0x2d0 + 68));
        assertEquals(1, memory.read32(bp + 0x2d0 + 76));
        assertEquals((ram - 0x100000) >> 10, memory.read32(bp + 0x1e0), "alt_mem_k");
        // The protected-mode kernel at 1 MiB.
        int setup = (31 + 1) * 512;
        assertEquals(Arrays.toString(Arrays.copyOfRange(image, setup, setup + 32)),
                Arrays.toString(memory.read(0x100000, 32)));
        // Entry state: flat protected mode, interrupts off, ESI = boot_params.
        assertEquals(0x100000, s.eip);
        assertEquals(bp, s.gpr[X86CpuState.ESI]);
        assertEquals(0x10, s.seg[X86CpuState.CS].selector);
        assertEquals(0x18, s.seg[X86CpuState.DS].selector);
        assertEquals(0xffffffff, s.seg[X86CpuState.SS].limit);
        assertEquals(0, s.eflags & 0x200);
        assertEquals(1, s.cr0 & 1);
        assertEquals(0x00cf9b000000ffffL, memory.read64(LinuxBootLoader.GDT + 0x10));
        assertEquals(0x00cf93000000ffffL, memory.read64(LinuxBootLoader.GDT + 0x18));
    }

    @Test
    void debianKernelNeedsRoomToDecompress() throws Exception {
        assumeTrue(Files.isRegularFile(DEBIAN), "guest images not found at " + GUESTS);
        var e = assertThrows(BootImageException.class, () -> loader(16L << 20).load(DEBIAN, null, ""));
        assertEquals(DEBIAN + " needs 33 MiB of RAM to decompress; the VM has 16 MiB", e.getMessage());
        X86CpuState s = loader(256L << 20).load(DEBIAN, null, "console=ttyS0");
        assertEquals(0x100000, s.eip);
        assertEquals(39, memory.read8(LinuxBootLoader.BOOT_PARAMS + 0x1f1));
        assertEquals(0, memory.read32(LinuxBootLoader.BOOT_PARAMS + 0x218), "no initramfs");
    }

    /**
     * The unmodified Debian kernel (relocatable, protocol 2.15) with its initramfs in 256 MiB: every field the
     * 32-bit boot protocol asks the loader to fill, and the header copied from the image exactly up to its end.
     */
    @Test
    void debianKernelBootParams() throws Exception {
        assumeTrue(Files.isRegularFile(DEBIAN), "guest images not found at " + GUESTS);
        Path initrd = GUESTS.resolve("debian-686/initramfs.cpio.gz");
        long ram = 256L << 20;
        List<LinuxBootLoader.Layout> layout = new ArrayList<>();
        X86CpuState s = loader(ram).load(DEBIAN, initrd, "console=ttyS0 acpi=off", layout);
        byte[] image = Files.readAllBytes(DEBIAN);
        int bp = (int) LinuxBootLoader.BOOT_PARAMS;
        int headerEnd = 0x202 + (image[0x201] & 0xff);
        assertEquals(0x26c, headerEnd, "protocol 2.15 header ends after init_size... kernel_info_offset");
        // Read-only header fields as the image has them (boot.rst "Details of header fields").
        assertEquals(39, memory.read8(bp + 0x1f1), "setup_sects");
        assertEquals(0xffff, memory.read16(bp + 0x1fa), "vid_mode: normal");
        assertEquals(0xaa55, memory.read16(bp + 0x1fe), "boot_flag");
        assertEquals(0x53726448, memory.read32(bp + 0x202), "header");
        assertEquals(0x020f, memory.read16(bp + 0x206), "version 2.15");
        assertEquals(0x7fffffff, memory.read32(bp + 0x22c), "initrd_addr_max");
        assertEquals(0x1000000, memory.read32(bp + 0x230), "kernel_alignment");
        assertEquals(1, memory.read8(bp + 0x234), "relocatable_kernel");
        assertEquals(0x7ff, memory.read32(bp + 0x238), "cmdline_size");
        assertEquals(0x1000000L, memory.read64(bp + 0x258), "pref_address");
        assertEquals(0x100c000, memory.read32(bp + 0x260), "init_size");
        for (int off = 0x1f1; off < headerEnd; off++) {
            boolean written = off == 0x210 || (off >= 0x214 && off < 0x220) || (off >= 0x228 && off < 0x22c);
            if (!written) {
                assertEquals(image[off] & 0xff, memory.read8(bp + off), String.format("header byte 0x%x copied", off));
            }
        }
        for (int off = headerEnd; off < 0x2d0; off++) {
            assertEquals(0, memory.read8(bp + off), String.format("byte 0x%x after the header is zero", off));
        }
        // Fields the loader writes ("obligatory" for every protocol the kernel speaks).
        assertEquals(0xff, memory.read8(bp + 0x210), "type_of_loader: undefined");
        assertEquals(1, memory.read8(bp + 0x211) & 1, "loadflags LOADED_HIGH as the image says");
        assertEquals(0x100000, memory.read32(bp + 0x214), "code32_start: where the protected-mode kernel was loaded");
        assertEquals(0x20000, memory.read32(bp + 0x228), "cmd_line_ptr");
        assertEquals("console=ttyS0 acpi=off\0", new String(memory.read(0x20000, 23)));
        long size = Files.size(initrd);
        assertEquals((ram - size) & ~0xfffL, Integer.toUnsignedLong(memory.read32(bp + 0x218)), "ramdisk_image: page aligned, top of RAM");
        assertEquals(size, memory.read32(bp + 0x21c), "ramdisk_size");
        assertEquals(layout.get(0).initrdAddress() + size <= ram, true);
        assertEquals(true, layout.get(0).initrdAddress() >= 0x1000000 + 0x100c000, "above the decompressed kernel");
        // Outside the setup header: no screen_info, no EDD, the memory map.
        assertEquals(0, memory.read32(bp + 0x000), "screen_info");
        assertEquals((ram - 0x100000) >> 10, memory.read32(bp + 0x1e0), "alt_mem_k");
        assertEquals(4, memory.read8(bp + 0x1e8), "e820_entries");
        long[][] e820 = {{0, 0x9fc00, 1}, {0x9fc00, 0x400, 2}, {0xf0000, 0x10000, 2}, {0x100000, ram - 0x100000, 1}};
        for (int i = 0; i < 4; i++) {
            int e = bp + 0x2d0 + 20 * i;
            assertEquals(e820[i][0], memory.read64(e), "e820 " + i + " addr");
            assertEquals(e820[i][1], memory.read64(e + 8), "e820 " + i + " size");
            assertEquals(e820[i][2], memory.read32(e + 16), "e820 " + i + " type");
        }
        assertEquals(0, memory.read64(bp + 0x2d0 + 80), "no fifth entry");
        int setup = (39 + 1) * 512;
        assertEquals(Arrays.toString(Arrays.copyOfRange(image, setup, setup + 64)), Arrays.toString(memory.read(0x100000, 64)));
        assertEquals(Arrays.toString(Arrays.copyOfRange(image, image.length - 64, image.length)),
                Arrays.toString(memory.read(0x100000 + image.length - setup - 64, 64)), "the whole protected-mode kernel");
        assertEquals(0x100000, s.eip);
        assertEquals(bp, s.gpr[X86CpuState.ESI]);
        assertEquals(0, s.gpr[X86CpuState.EBP] | s.gpr[X86CpuState.EDI] | s.gpr[X86CpuState.EBX], "EBP, EDI, EBX zero");
    }

    /** Linux maps only 896 MiB as lowmem: a 1 GiB guest gets its initramfs below that, page aligned. */
    @Test
    void initramfsStaysInLowmem() throws Exception {
        assumeTrue(Files.isRegularFile(TINY), "guest images not found at " + GUESTS);
        long ram = 1L << 30;
        memory = new PhysicalMemory();
        // Only the parts the loader writes are backed, so the test does not commit 1 GiB.
        memory.addRegion(0, 32L << 20, MemoryRegion.Kind.RAM, "low");
        memory.addRegion(LinuxBootLoader.LOWMEM_LIMIT - (4L << 20), 4L << 20, MemoryRegion.Kind.RAM, "below 896M");
        new LinuxBootLoader(memory, ram).load(TINY, INITRD, "");
        long size = Files.size(INITRD);
        long at = Integer.toUnsignedLong(memory.read32(LinuxBootLoader.BOOT_PARAMS + 0x218));
        assertEquals((LinuxBootLoader.LOWMEM_LIMIT - size) & ~0xfffL, at);
        assertEquals(ram - 0x100000, memory.read64(LinuxBootLoader.BOOT_PARAMS + 0x2d0 + 68), "the e820 map has all of RAM");
    }

    @Test
    void badImagesAreNamedWithTheReason() throws Exception {
        Path text = Files.writeString(tmp.resolve("notes.txt"), "hello");
        var e = assertThrows(BootImageException.class, () -> loader(32L << 20).load(text, null, ""));
        assertEquals(text + ": not a Linux bzImage (only 5 bytes)", e.getMessage());

        Path zeros = Files.write(tmp.resolve("zeros"), new byte[4096]);
        e = assertThrows(BootImageException.class, () -> loader(32L << 20).load(zeros, null, ""));
        assertEquals(zeros + ": not a Linux bzImage (no boot flag 0xAA55 / \"HdrS\" header)", e.getMessage());

        e = assertThrows(BootImageException.class, () -> loader(32L << 20).load(tmp.resolve("absent"), null, ""));
        assertEquals(tmp.resolve("absent") + ": kernel file not found", e.getMessage());

        assumeTrue(Files.isRegularFile(TINY), "guest images not found at " + GUESTS);
        byte[] image = Files.readAllBytes(TINY);
        Path truncated = Files.write(tmp.resolve("truncated"), Arrays.copyOf(image, image.length / 2));
        e = assertThrows(BootImageException.class, () -> loader(32L << 20).load(truncated, null, ""));
        assertEquals(true, e.getMessage().startsWith(truncated + ": truncated: the header announces "), e.getMessage());

        byte[] old = image.clone();
        old[0x206] = 0x04;
        old[0x207] = 0x02;
        Path oldFile = Files.write(tmp.resolve("old"), old);
        e = assertThrows(BootImageException.class, () -> loader(32L << 20).load(oldFile, null, ""));
        assertEquals(oldFile + ": boot protocol 2.04 is too old (need 2.06 or newer)", e.getMessage());

        byte[] zimage = image.clone();
        zimage[0x211] &= ~1;
        Path zFile = Files.write(tmp.resolve("zImage"), zimage);
        e = assertThrows(BootImageException.class, () -> loader(32L << 20).load(zFile, null, ""));
        assertEquals(zFile + ": a zImage (loaded low) is not supported; need a bzImage", e.getMessage());

        e = assertThrows(BootImageException.class, () -> loader(32L << 20).load(TINY, tmp.resolve("no.cpio"), ""));
        assertEquals(tmp.resolve("no.cpio") + ": initramfs file not found", e.getMessage());

        Path huge = Files.write(tmp.resolve("huge.cpio"), new byte[40 << 20]);
        e = assertThrows(BootImageException.class, () -> loader(32L << 20).load(TINY, huge, ""));
        assertEquals(huge + " (41943040 bytes) does not fit in guest RAM above the kernel (kernel needs up to 0x1435000, RAM ends"
                + " at 0x2000000); give the VM more memory", e.getMessage(), "larger than all of RAM");

        Path big = Files.write(tmp.resolve("big.cpio"), new byte[20 << 20]);
        e = assertThrows(BootImageException.class, () -> loader(24L << 20).load(TINY, big, ""));
        assertEquals(true, e.getMessage().startsWith(big + " (20971520 bytes) does not fit in guest RAM above the kernel"),
                e.getMessage());

        String longLine = "x".repeat(5000);
        e = assertThrows(BootImageException.class, () -> loader(32L << 20).load(TINY, null, longLine));
        assertEquals("command line is 5000 bytes; " + TINY + " accepts at most 2047", e.getMessage());
    }
}
