package dev.hyperbundle.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real Linux guests booted by bin/hyperbundle, checked by the marker lines their /init prints. */
class GuestBootIT {
    @TempDir
    Path dir;

    private static void assertCleanBoot(LauncherIT.Result r) {
        for (String bad : List.of("Oops", "BUG:", "invalid opcode", "Kernel panic", "general protection")) {
            assertFalse(r.out().contains(bad), "guest log contains '" + bad + "':\n" + r.out());
        }
        assertTrue(r.err().lines().anyMatch(l -> l.startsWith("hyperbundle: guest reset (i8042 reset);")), r.err());
    }

    @Test
    void tinyGuestPassesItsSelfTestOnTheInterpreter() throws Exception {
        Guests.assumePresent(Guests.TINY);
        LauncherIT.Result r = LauncherIT.run(dir, "run", "--cpu", "interp", "--memory", "64M", "--kernel", Guests.TINY.toString(),
                "--initrd", Guests.INITRD.toString(), "--append", Guests.TEST_CMDLINE);
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("INIT-OK"), r.out());
        assertTrue(r.out().contains("\nALL-TESTS-DONE pass=5 fail=0"), r.out());
        assertTrue(r.out().contains("TEST time PASS"), r.out());
        assertTrue(r.out().contains("serial8250: ttyS0 at I/O 0x3f8 (irq = 4, base_baud = 115200) is a 16550A"), r.out());
        assertCleanBoot(r);
    }

    /** With the paravirtual clock the kernel detects KVM, takes kvm-clock and knows the TSC rate without calibrating. */
    @Test
    void tinyGuestUsesTheParavirtualClock() throws Exception {
        Guests.assumePresent(Guests.TINY);
        LauncherIT.Result r = LauncherIT.run(dir, "run", "--memory", "64M", "--kernel", Guests.TINY.toString(),
                "--initrd", Guests.INITRD.toString(), "--append", Guests.TEST_CMDLINE, "--device", "kvmclock");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("Hypervisor detected: KVM"), r.out());
        assertTrue(r.out().contains("kvm-clock: Using msrs 4b564d01 and 4b564d00"), r.out());
        assertTrue(r.out().contains("tsc: Detected 1000.000 MHz processor"), r.out());
        assertTrue(r.out().contains("clocksource: Switched to clocksource kvm-clock"), r.out());
        assertTrue(r.out().contains("\nALL-TESTS-DONE pass=5 fail=0"), r.out());
        assertCleanBoot(r);
    }

    @Test
    void tinyGuestWithVirtioMmioDevices() throws Exception {
        virtioRun("mmio");
    }

    @Test
    void tinyGuestWithVirtioPciDevices() throws Exception {
        virtioRun("pci");
    }

    /**
     * The guest writes its marker sector, syncs and reads it back; the VMM is killed with SIGKILL as soon
     * as the guest reports that: what the guest flushed must be in the image.
     */
    @Test
    void flushedDiskDataSurvivesSigkillOfTheVmm() throws Exception {
        Guests.assumePresent(Guests.TINY);
        Path disk = dir.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(1 << 20);
        }
        java.util.List<String> command = java.util.List.of(LauncherIT.BIN.toString(), "run", "--memory", "64M", "--kernel",
                Guests.TINY.toString(), "--initrd", Guests.INITRD.toString(), "--append", Guests.TEST_CMDLINE,
                "--device", "virtio-blk,file=" + disk + ",transport=mmio");
        Process p = new ProcessBuilder(command).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        StringBuilder log = new StringBuilder();
        boolean killed = false;
        try (java.io.BufferedReader in = new java.io.BufferedReader(
                new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.ISO_8859_1))) {
            String line;
            while ((line = in.readLine()) != null) {
                log.append(line).append('\n');
                if (line.startsWith("TEST vda PASS")) {
                    // bin/hyperbundle execs nothing: kill the JVM (the script's child) and the script.
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    killed = true;
                    break;
                }
            }
        }
        p.waitFor();
        assertTrue(killed, "the guest never reported TEST vda PASS:\n" + log);
        byte[] sector = new byte[512];
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "r")) {
            f.seek(65536);
            f.readFully(sector);
        }
        assertTrue(new String(sector, StandardCharsets.US_ASCII).startsWith("VMM-GUEST-DISK-MARKER uptime="));
    }

    /**
     * The tiny guest on hardware assist. Where this host's KVM cannot run 32-bit paged guests (the backend
     * says so), the run must stop with that one-line reason and a non-zero exit when Linux turns paging on;
     * elsewhere it must pass its self-test like on the interpreter.
     */
    @Test
    void tinyGuestOnHardwareAssist() throws Exception {
        Guests.assumePresent(Guests.TINY);
        LauncherIT.Result backends = LauncherIT.run(dir, "backends");
        String line = backends.out().lines().filter(l -> l.startsWith("hvassist ")).findFirst().orElseThrow();
        assumeTrue(line.contains(" available"), () -> "hvassist is not usable here: " + line);
        long t0 = System.nanoTime();
        LauncherIT.Result r = LauncherIT.run(dir, "run", "--cpu", "hvassist", "--memory", "64M", "--kernel",
                Guests.TINY.toString(), "--initrd", Guests.INITRD.toString(), "--append", Guests.TEST_CMDLINE + " earlyprintk=ttyS0");
        System.out.printf("tiny guest on hvassist: exit %d after %.1f s%n", r.exit(), (System.nanoTime() - t0) / 1e9);
        if (line.contains("cannot run 32-bit paged guests")) {
            assertEquals(1, r.exit(), r.err());
            assertTrue(r.out().contains("Booting the kernel"), r.out()); // the decompressor ran, unpaged
            assertTrue(r.err().lines().anyMatch(l -> l.startsWith(
                    "hyperbundle: this host's KVM cannot run 32-bit paged guests (the guest turned on paging);")), r.err());
        } else {
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().contains("\nALL-TESTS-DONE pass=5 fail=0"), r.out());
            assertCleanBoot(r);
        }
    }

    /** The unmodified Debian 686 kernel with its virtio modules, the devices on PCI. */
    @Test
    void debianKernelWithVirtioPciDevices() throws Exception {
        Guests.assumePresent(Guests.DEBIAN);
        Path disk = dir.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(4 << 20);
        }
        Path hvc = dir.resolve("hvc0.txt");
        LauncherIT.Result r = LauncherIT.run(dir, "run", "--memory", "256M", "--kernel", Guests.DEBIAN.toString(),
                "--initrd", Guests.DEBIAN_INITRD.toString(), "--append", Guests.TEST_CMDLINE,
                "--device", "virtio-blk,file=" + disk, "--device", "virtio-console,chardev=file:" + hvc,
                "--device", "virtio-rng", "--device", "virtio-net");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("\nMODULES loaded=11 failed=0"), r.out());
        assertTrue(r.out().contains("\nALL-TESTS-DONE pass=9 fail=0"), r.out());
        assertTrue(r.out().contains("INFO kernel 6.1.0-50-686"), r.out());
        assertEquals("HVC0-HELLO-FROM-GUEST", Files.readString(hvc).trim());
        assertCleanBoot(r);
    }

    private void virtioRun(String transport) throws Exception {
        Guests.assumePresent(Guests.TINY);
        Path disk = dir.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(4 << 20);
        }
        Path hvc = dir.resolve("hvc0.txt");
        String t = ",transport=" + transport;
        LauncherIT.Result r = LauncherIT.run(dir, "run", "--memory", "64M", "--kernel", Guests.TINY.toString(),
                "--initrd", Guests.INITRD.toString(), "--append", Guests.TEST_CMDLINE,
                "--device", "virtio-blk,file=" + disk + t, "--device", "virtio-console,chardev=file:" + hvc + t,
                "--device", "virtio-rng" + t, "--device", "virtio-net" + t);
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("\nALL-TESTS-DONE pass=9 fail=0"), r.out());
        assertTrue(r.out().contains("INFO virtio virtio0=0x0002/v1.0 virtio1=0x0003/v1.0 virtio2=0x0004/v1.0 virtio3=0x0001/v1.0"),
                r.out());
        if (transport.equals("pci")) {
            assertTrue(r.out().contains("0000:00:01.0=1af4:1001@irq10"), r.out());
        } else {
            assertTrue(r.out().contains("virtio_mmio.device=512@0xfeb00000:5"), r.out());
        }
        // The marker the guest wrote and flushed is in the image after the VMM exits.
        byte[] sector = new byte[512];
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "r")) {
            f.seek(65536);
            f.readFully(sector);
        }
        String marker = new String(sector, StandardCharsets.US_ASCII);
        assertTrue(marker.startsWith("VMM-GUEST-DISK-MARKER uptime="), marker);
        assertEquals('\n', marker.charAt(511));
        assertEquals("HVC0-HELLO-FROM-GUEST", Files.readString(hvc).trim());
        assertCleanBoot(r);
    }
}
