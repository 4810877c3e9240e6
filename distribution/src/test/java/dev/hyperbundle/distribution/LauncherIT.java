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
        return run(dir, TIMEOUT_SECONDS, args);
    }

    /** As {@link #run(Path, String...)}, failing when the run takes longer than timeoutSeconds. */
    static Result run(Path dir, long timeoutSeconds, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(BIN.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("hb-out", ".txt");
        Path err = Files.createTempFile("hb-err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("HYPERBUNDLE_GUESTS", Guests.DIR.toAbsolutePath().toString());
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("bin/hyperbundle " + String.join(" ", args) + " did not finish in " + timeoutSeconds + " s");
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
                + " expected one of debugcon, fpu-error, i8042, kvmclock, pci-host, pic, pit, post-port, rtc, uart16550, virtio-blk,"
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

    /**
     * bin/hyperbundle shell as a person uses it: the Gogo prompt, vm:backends, vm:devices, and a machine started,
     * listed, paused (its instruction count stands still), resumed, stopped; end of input ends the shell and the VMM.
     */
    @Test
    void shellCommandsListStartPauseResumeAndStopMachines() throws Exception {
        Guests.assumePresent(Guests.TINY);
        Path console = dir.resolve("a.txt");
        Process p = new ProcessBuilder(BIN.toString(), "shell").directory(dir.toFile()).redirectErrorStream(true).start();
        StringBuffer out = new StringBuffer();
        Thread reader = collect(p, out);
        var shell = new java.io.PrintStream(p.getOutputStream(), true, StandardCharsets.UTF_8);
        try {
            await(out, 0, "g! ", 60);
            assertTrue(out.toString().contains("Welcome to Apache Felix Gogo"), out.toString());
            int mark = out.length();
            shell.println("vm:backends");
            await(out, mark, "interp    full virtualization, interpreter         available", 20);
            mark = out.length();
            shell.println("vm:devices");
            await(out, mark, "virtio-rng ", 20);
            for (String type : List.of("pic ", "pit ", "rtc ", "uart16550 ", "i8042 ", "pci-host ", "virtio-blk ", "kvmclock ")) {
                assertTrue(out.substring(mark).lines().anyMatch(l -> l.replace("g! ", "").startsWith(type)), type + ":\n" + out);
            }
            mark = out.length();
            shell.println("vm:start --name a --memory 32M --kernel " + Guests.TINY + " --initrd " + Guests.INITRD
                    + " --serial file:" + console);
            await(out, mark, "starting", 20);
            long running = 0;
            for (long end = System.currentTimeMillis() + 60_000; running == 0 && System.currentTimeMillis() < end; ) {
                mark = out.length();
                shell.println("vm:list");
                String line = find(out, mark, "a +RUNNING +interp +\\d+", 2);
                running = line == null ? 0 : count(line);
            }
            assertTrue(running > 0, "the machine runs guest instructions:\n" + out);
            mark = out.length();
            shell.println("vm:pause a");
            await(out, mark, "a paused", 20);
            mark = out.length();
            shell.println("vm:list");
            long paused = count(await(out, mark, "a +PAUSED +interp +\\d+", 20));
            Thread.sleep(500);
            mark = out.length();
            shell.println("vm:list");
            assertEquals(paused, count(await(out, mark, "a +PAUSED +interp +\\d+", 20)), "no instruction runs while paused");
            mark = out.length();
            shell.println("vm:resume a");
            await(out, mark, "a resumed", 20);
            Thread.sleep(500);
            mark = out.length();
            shell.println("vm:list");
            assertTrue(count(await(out, mark, "a +RUNNING +interp +\\d+", 20)) > paused, "resumed:\n" + out);
            mark = out.length();
            shell.println("vm:stop a");
            await(out, mark, "a stopping", 20);
            String list = "";
            for (long end = System.currentTimeMillis() + 20_000; System.currentTimeMillis() < end; Thread.sleep(200)) {
                mark = out.length();
                shell.println("vm:list");
                await(out, mark, "g! ", 20);
                Thread.sleep(200);
                list = out.substring(mark);
                if (!list.contains("a ")) {
                    break;
                }
            }
            assertTrue(!list.contains("a "), "a stopped machine leaves the list:\n" + list);
            mark = out.length();
            shell.println("vm:pause nope");
            await(out, mark, "no machine named nope", 20);
            assertTrue(Files.exists(console), "COM1 went to the file given with --serial");
        } finally {
            shell.close(); // end of input: Gogo stops the shell and the framework
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out.toString());
        reader.join(10_000);
        assertEquals(0, p.exitValue(), out.toString());
        assertTrue(out.toString().contains("gosh: stopping shell and framework"), out.toString());
    }

    /**
     * The README's first command, bin/hyperbundle run with no arguments, as a person uses it: the default guest
     * boots to the busybox prompt on the terminal, runs what is typed there and ends the VMM (exit 0) on exit.
     */
    @Test
    void runWithoutArgumentsGivesTheDefaultGuestsShell() throws Exception {
        Guests.assumePresent(Guests.TINY);
        ProcessBuilder pb = new ProcessBuilder(BIN.toString(), "run").directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("HYPERBUNDLE_GUESTS", Guests.DIR.toAbsolutePath().toString());
        Process p = pb.start();
        StringBuffer out = new StringBuffer();
        Thread reader = collect(p, out);
        var terminal = new java.io.PrintStream(p.getOutputStream(), true, StandardCharsets.US_ASCII);
        try {
            await(out, 0, "guest# ", 300);
            int mark = out.length();
            terminal.print("echo $((6*7))-typed\n");
            terminal.flush();
            await(out, mark, "\n42-typed\r?\n", 60);
            await(out, mark, "guest# ", 60);
            mark = out.length();
            terminal.print("uname -r\n");
            terminal.flush();
            await(out, mark, "\n6\\.1\\.\\d+-tiny\r?\n", 60);
            await(out, mark, "guest# ", 60);
            terminal.print("exit\n");
            terminal.flush();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "exit ends the VMM:\n" + out);
        } finally {
            p.destroyForcibly();
            terminal.close();
        }
        reader.join(10_000);
        assertEquals(0, p.exitValue(), out.toString());
        assertTrue(out.toString().contains("\nSHELL-EXIT"), out.toString());
        assertTrue(out.toString().contains("hyperbundle: guest reset (i8042 reset);"), out.toString());
    }

    /** Copies what p prints into out, on a daemon thread. */
    private static Thread collect(Process p, StringBuffer out) {
        return Thread.ofPlatform().daemon().start(() -> {
            try (var in = p.getInputStream()) {
                byte[] b = new byte[4096];
                for (int n; (n = in.read(b)) > 0; ) {
                    out.append(new String(b, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // the process ended
            }
        });
    }

    /** Waits until the output after mark matches regex somewhere; returns the first match. */
    private static String await(StringBuffer out, int mark, String regex, int seconds) throws InterruptedException {
        String found = find(out, mark, regex, seconds);
        if (found == null) {
            throw new AssertionError("'" + regex + "' did not appear within " + seconds + " s; the shell printed:\n" + out);
        }
        return found;
    }

    /** As await, null when nothing matched in time. */
    private static String find(StringBuffer out, int mark, String regex, int seconds) throws InterruptedException {
        java.util.regex.Pattern p = java.util.regex.Pattern.compile(regex);
        long end = System.currentTimeMillis() + seconds * 1000L;
        while (System.currentTimeMillis() < end) {
            java.util.regex.Matcher m = p.matcher(out.substring(Math.min(mark, out.length())));
            if (m.find()) {
                return m.group();
            }
            Thread.sleep(20);
        }
        return null;
    }

    /** The instructions-retired column of a vm:list line. */
    private static long count(String listLine) {
        String[] f = listLine.trim().split(" +");
        return Long.parseLong(f[f.length - 1]);
    }

    static String errWithoutJvmNoise(Result r) {
        StringBuilder b = new StringBuilder();
        r.err().lines().filter(l -> !l.startsWith("WARNING:")).forEach(l -> b.append(l).append('\n'));
        return b.toString();
    }
}
