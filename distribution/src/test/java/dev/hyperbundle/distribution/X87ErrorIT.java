package dev.hyperbundle.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The x87's MS-DOS compatibility mode on the whole machine: the interpreter, the 8259 pair and the fpu-error chipset
 * device of the default PC, in the real framework. The guest (src/test/resources/guests/x87-error.S) programs the
 * PICs, clears CR0.NE, divides by zero with the exception unmasked and executes WAIT with interrupts on. The CPU
 * freezes at the WAIT, FERR# raises IRQ 13, the guest's handler prints and writes port 0xF0 (IGNNE#), and after its
 * IRET the WAIT runs with the error still pending (SDM Vol. 1, 8.7.2 and D.2.1.3).
 */
class X87ErrorIT {
    @TempDir
    Path dir;

    @Test
    void aPendingX87ErrorWithoutCr0NeReachesTheGuestAsIrq13() throws Exception {
        Path kernel = dir.resolve("x87-error.bzImage");
        Files.write(kernel, bzImage(guest()));
        LauncherIT.Result r = LauncherIT.run(dir, 60, "run", "--memory", "32M", "--kernel", kernel.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("IRQ13 FERR\r\nWAIT RAN, ES=1\r\n", r.out());
        assertTrue(r.err().lines().anyMatch(l -> l.startsWith("hyperbundle: guest reset (i8042 reset);")), r.err());
    }

    private static byte[] guest() throws Exception {
        try (InputStream in = X87ErrorIT.class.getResourceAsStream("/guests/x87-error.bin")) {
            return in.readAllBytes();
        }
    }

    /**
     * The guest's 32-bit code behind a boot protocol 2.06 setup header with one setup sector and no real-mode code
     * (Linux Documentation/arch/x86/boot.rst, "The Real-Mode Kernel Header"): the loader takes the 32-bit entry.
     */
    static byte[] bzImage(byte[] code) {
        int kernelBytes = (code.length + 15) & ~15;
        ByteBuffer b = ByteBuffer.allocate(1024 + kernelBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0x1f1, (byte) 1); // setup_sects
        b.putInt(0x1f4, kernelBytes / 16); // syssize
        b.putShort(0x1fe, (short) 0xaa55); // boot_flag
        b.put(0x200, (byte) 0xeb).put(0x201, (byte) 0x3a); // jump over the header, which ends at 0x23c
        b.putInt(0x202, 0x53726448); // "HdrS"
        b.putShort(0x206, (short) 0x0206); // version 2.06
        b.put(0x211, (byte) 1); // loadflags: LOADED_HIGH
        b.putInt(0x214, 0x100000); // code32_start
        b.putInt(0x22c, 0x7fffffff); // initrd_addr_max
        b.putInt(0x238, 255); // cmdline_size
        b.put(1024, code);
        return b.array();
    }
}
