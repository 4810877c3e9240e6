package dev.hyperbundle.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

/**
 * A Linux guest prints a counter on ttyS0 every few milliseconds while the dev-legacy bundle (PIC, PIT,
 * RTC, UART, i8042, PCI host) is updated 20 times in the same framework with Gogo's {@code update ID}: not one line may be lost or
 * repeated, and the guest must go on to its end.
 */
class LegacyHotSwapIT {
    /**
     * Guest seconds the counter runs: longer than the 20 updates take at any interpreter speed (a fixed number
     * of lines let a faster interpreter finish before the last updates, which then swapped nothing).
     */
    static final int SECONDS = 12;
    /** Busybox's applets are not installed by this /init: call them through /bin/busybox. */
    static final String COUNTER_INIT = """
            #!/bin/sh
            /bin/busybox mkdir -p /proc
            /bin/busybox mount -t proc proc /proc
            read up rest < /proc/uptime
            end=$(( ${up%%.*} + %d ))
            i=0
            while :; do
              echo "COUNT $i"
              i=$((i+1))
              read up rest < /proc/uptime
              [ ${up%%.*} -ge $end ] && break
            done
            echo COUNT-DONE
            /bin/busybox reboot -f
            """.formatted(SECONDS);

    @TempDir
    Path dir;
    @TempDir
    Path storage;

    @Test
    void devLegacyUpdatedTwentyTimesUnderACountingGuest() throws Exception {
        Guests.assumePresent(Guests.TINY);
        Path initrd = Guests.withInit(dir, COUNTER_INIT);
        Path console = dir.resolve("ttyS0.txt");
        try (EmbeddedFramework f = new EmbeddedFramework(storage)) {
            f.awaitService("(osgi.command.scope=vm)");
            f.awaitService("(&(objectClass=dev.hyperbundle.device.DeviceFactory)(component.name=*Uart*))");
            Object commands = service(f, "(osgi.command.scope=vm)");
            String[] options = {"--name", "counter", "--memory", "32M", "--kernel", Guests.TINY.toString(), "--initrd",
                    initrd.toString(), "--append", "console=ttyS0 reboot=k panic=-1 quiet", "--serial", "file:" + console};
            commands.getClass().getMethod("start", String[].class).invoke(commands, (Object) options);
            Bundle legacy = f.bundles.stream().filter(b -> "dev.hyperbundle.dev-legacy".equals(b.getSymbolicName()))
                    .findFirst().orElseThrow();
            awaitLine(console, "COUNT 0", 300);
            // The updates go through Gogo's "update <bundle id>", as a person types it in bin/hyperbundle shell.
            // The shell bundle holds Gogo's converters (a bundle id to a Bundle); gosh.args=--nointeractive keeps it off stdin.
            f.bundles.stream().filter(b -> "org.apache.felix.gogo.shell".equals(b.getSymbolicName())).findFirst().orElseThrow().start();
            f.awaitService("(objectClass=org.apache.felix.service.command.CommandProcessor)");
            f.awaitService("(objectClass=org.apache.felix.service.command.Converter)");
            Object processor = service(f, "(objectClass=org.apache.felix.service.command.CommandProcessor)");
            java.io.ByteArrayOutputStream gogoOut = new java.io.ByteArrayOutputStream();
            java.io.PrintStream gogo = new java.io.PrintStream(gogoOut, true, java.nio.charset.StandardCharsets.UTF_8);
            Object session = processor.getClass().getMethod("createSession", java.io.InputStream.class, java.io.OutputStream.class,
                    java.io.OutputStream.class).invoke(processor, java.io.InputStream.nullInputStream(), gogo, gogo);
            java.lang.reflect.Method execute = session.getClass().getMethod("execute", CharSequence.class);
            execute.setAccessible(true);
            long modified = legacy.getLastModified();
            for (int i = 0; i < 20; i++) {
                Thread.sleep(150);
                execute.invoke(session, "update " + legacy.getBundleId());
                assertTrue(legacy.getLastModified() > modified, "update " + (i + 1) + " replaced the bundle");
                modified = legacy.getLastModified();
            }
            // What the command printed is what a person sees in the shell: why the machine waits.
            String shown = gogoOut.toString(java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(!shown.contains("gogo:") && !shown.contains("Exception"), shown);
            // Stopping the old build (inside "update", on this thread) pauses the machine and says why, once per device
            // type and update; the new build's factories arrive when Declarative Services activates them.
            for (String type : List.of("pic", "pit", "rtc", "uart16550", "i8042", "pci-host", "post-port", "fpu-error")) {
                assertEquals(20, shown.lines().filter(l -> l.equals("hyperbundle: machine counter paused: waiting for a device factory"
                        + " of type " + type)).count(), type + ":\n" + shown);
            }
            assertEquals(Bundle.ACTIVE, legacy.getState());
            long countedDuringUpdates = lines(console).stream().filter(l -> l.startsWith("COUNT ")).count();
            assertTrue(!lines(console).contains("COUNT-DONE"), "the guest was still counting when the 20th update was done");
            awaitLine(console, "COUNT-DONE", 600);
            List<String> counts = new ArrayList<>();
            for (String line : lines(console)) {
                if (line.startsWith("COUNT ")) {
                    counts.add(line);
                }
            }
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < counts.size(); i++) {
                expected.add("COUNT " + i);
            }
            assertEquals(expected, counts, "every counter line exactly once, in order");
            assertTrue(counts.size() > countedDuringUpdates, "the guest went on counting after the updates");
            System.out.printf("LegacyHotSwapIT: %d counter lines, %d of them before the 20th update was done%n", counts.size(),
                    countedDuringUpdates);
            assertTrue(lines(console).contains("COUNT-DONE"));
        }
    }

    private static Object service(EmbeddedFramework f, String filter) throws Exception {
        ServiceReference<?>[] refs = f.context().getAllServiceReferences(null, filter);
        return f.context().getService(refs[0]);
    }

    private static void awaitLine(Path file, String line, int seconds) throws Exception {
        long end = System.currentTimeMillis() + seconds * 1000L;
        while (System.currentTimeMillis() < end) {
            if (Files.exists(file) && lines(file).contains(line)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("'" + line + "' did not appear in " + file + " within " + seconds + " s; it holds:\n"
                + (Files.exists(file) ? String.join("\n", lines(file)) : "(nothing)"));
    }

    /** The console's lines without the tty's carriage returns. */
    private static List<String> lines(Path file) throws java.io.IOException {
        return Files.readAllLines(file, java.nio.charset.StandardCharsets.ISO_8859_1).stream().map(String::strip).toList();
    }
}
