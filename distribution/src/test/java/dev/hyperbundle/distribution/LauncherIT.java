package dev.hyperbundle.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/hyperbundle as a user runs it: exit codes and the one-line errors. */
class LauncherIT {
    static final Path BIN = EmbeddedFramework.DIST.resolve("bin/hyperbundle").toAbsolutePath();

    static final long TIMEOUT_SECONDS = 900;

    record Result(int exit, String out, String err) {
    }

    static Result run(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(BIN.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("hb-out", ".txt");
        Path err = Files.createTempFile("hb-err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("HYPERBUNDLE_GUESTS", Guests.DIR.toAbsolutePath().toString());
        Process p = pb.start();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("bin/hyperbundle " + String.join(" ", args) + " did not finish in " + TIMEOUT_SECONDS + " s");
        }
        Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    @TempDir
    Path dir;

    @Test
    void backendsListsEveryBackendWithItsAvailability() throws Exception {
        Result r = run(dir, "backends");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("interp    full virtualization, interpreter         available"), r.out());
    }

    @Test
    void devicesListsTheChipset() throws Exception {
        Result r = run(dir, "devices");
        assertEquals(0, r.exit(), r.err());
        for (String type : List.of("pic ", "pit ", "rtc ", "uart16550 ", "i8042 ", "pci-host ")) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(type)), type + " missing in:\n" + r.out());
        }
    }

    @Test
    void configurationErrorsAreOneLineAndExitNonZero() throws Exception {
        Result r = run(dir, "run", "--kernel", "missing.bzImage");
        assertEquals(2, r.exit());
        assertEquals("hyperbundle: command line: kernel=" + dir.resolve("missing.bzImage") + ": file "
                + dir.resolve("missing.bzImage") + " not found\n", errWithoutJvmNoise(r));
        Files.writeString(dir.resolve("vm.yaml"), "kernel: k\nmemory: lots\n");
        Files.write(dir.resolve("k"), new byte[] {1});
        r = run(dir, "run", "--config", "vm.yaml");
        assertEquals(2, r.exit());
        assertEquals("hyperbundle: vm.yaml: memory=lots is not a size; expected a number with an optional K, M or G suffix"
                + " (e.g. 256M)\n", errWithoutJvmNoise(r));
        r = run(dir, "run", "--kernel", "k", "--cpu", "quantum");
        assertEquals(2, r.exit());
        assertEquals("hyperbundle: command line: cpu=quantum is not a known CPU backend (no installed bundle provides it); expected one"
                + " of hvassist, interp\n",
                errWithoutJvmNoise(r));
        r = run(dir, "run", "--kernel", "k", "--device", "nic9000,model=x");
        assertEquals(2, r.exit());
        assertEquals("hyperbundle: command line --device #1: unknown device type 'nic9000' (no installed bundle provides it);"
                + " expected one of debugcon, i8042, kvmclock, pci-host, pic, pit, post-port, rtc, uart16550, virtio-blk,"
                + " virtio-console, virtio-net, virtio-rng\n", errWithoutJvmNoise(r));
        r = run(dir, "run", "--kernel", "k", "--device", "virtio-blk,transport=mmio,file=nope.img");
        assertEquals(2, r.exit());
        assertTrue(errWithoutJvmNoise(r).startsWith("hyperbundle: command line --device #1: virtio-blk file=nope.img "), r.err());
        r = run(dir, "run", "--kernel", "k", "--serial", "tcp:99999");
        assertEquals(2, r.exit());
        assertEquals("hyperbundle: command line: serial=tcp:99999 has no valid port; expected tcp:PORT with PORT 0-65535\n",
                errWithoutJvmNoise(r));
        r = run(dir, "run", "--kernel", "k");
        assertEquals(2, r.exit());
        assertEquals("hyperbundle: " + dir.resolve("k") + ": not a Linux bzImage (only 1 bytes)\n", errWithoutJvmNoise(r));
        r = run(dir, "run", "--frobnicate");
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("hyperbundle: Unknown option: '--frobnicate'"), r.err());
    }

    static String errWithoutJvmNoise(Result r) {
        StringBuilder b = new StringBuilder();
        r.err().lines().filter(l -> !l.startsWith("WARNING:")).forEach(l -> b.append(l).append('\n'));
        return b.toString();
    }
}
