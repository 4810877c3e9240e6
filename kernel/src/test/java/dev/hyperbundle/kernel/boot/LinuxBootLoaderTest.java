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

        Path big = Files.write(tmp.resolve("big.cpio"), new byte[20 << 20]);
        e = assertThrows(BootImageException.class, () -> loader(24L << 20).load(TINY, big, ""));
        assertEquals(true, e.getMessage().startsWith(big + " (20971520 bytes) does not fit in guest RAM above the kernel"),
                e.getMessage());

        String longLine = "x".repeat(5000);
        e = assertThrows(BootImageException.class, () -> loader(32L << 20).load(TINY, null, longLine));
        assertEquals("command line is 5000 bytes; " + TINY + " accepts at most 2047", e.getMessage());
    }
}
