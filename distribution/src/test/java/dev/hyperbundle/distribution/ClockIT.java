package dev.hyperbundle.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * guest.mode=clock prints CLOCK-A, sleeps 10 s and prints CLOCK-B (../shared/guests/README.md). Over that sleep the
 * guest's clocks must agree with the host's within 2 %: /proc/uptime, which the tiny kernel keeps on the TSC
 * clocksource (1 GHz, from CPUID), and jiffies, counted by the PIT's IRQ 0 at HZ=250 (periodic tick, no high-resolution
 * timers), which the shared /init here also prints (TICKS-A/TICKS-B, from /proc/interrupts) next to CLOCK-A/CLOCK-B.
 */
class ClockIT {
    @TempDir
    Path dir;

    @Test
    void tenGuestSecondsAreTenHostSeconds() throws Exception {
        Guests.assumePresent(Guests.TINY);
        String init = java.nio.file.Files.readString(Guests.DIR.resolve("init.sh"), StandardCharsets.ISO_8859_1);
        for (String mark : List.of("A", "B")) {
            String line = "            echo \"CLOCK-" + mark + " $(now) $(date +%s)\"\n";
            assertTrue(init.contains(line), "the shared init.sh changed its clock mode; update this test");
            init = init.replace(line, line + "            echo \"TICKS-" + mark + " $(grep '^ *0:' /proc/interrupts)\"\n");
        }
        Path initrd = Guests.withInit(dir, init);
        List<String> command = List.of(LauncherIT.BIN.toString(), "run", "--memory", "32M", "--kernel", Guests.TINY.toString(),
                "--initrd", initrd.toString(), "--append", "console=ttyS0 reboot=k panic=-1 guest.mode=clock");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        double[] guest = new double[2];
        long[] host = new long[2];
        long[] ticks = new long[2];
        long[] tickHost = new long[2];
        List<String> log = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.ISO_8859_1))) {
            String line;
            while ((line = in.readLine()) != null) {
                long now = System.nanoTime();
                line = line.strip();
                log.add(line);
                if (line.startsWith("CLOCK-A ") || line.startsWith("CLOCK-B ")) {
                    int i = line.charAt(6) == 'A' ? 0 : 1;
                    guest[i] = Double.parseDouble(line.split(" ")[1]);
                    host[i] = now;
                }
                if (line.startsWith("TICKS-A ") || line.startsWith("TICKS-B ")) { // "TICKS-A 0:   2730  XT-PIC  timer"
                    int i = line.charAt(6) == 'A' ? 0 : 1;
                    ticks[i] = Long.parseLong(line.split(" +")[2]);
                    tickHost[i] = now;
                }
            }
        }
        assertTrue(p.waitFor(300, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join("\n", log));
        assertTrue(host[0] != 0 && host[1] != 0, "CLOCK-A and CLOCK-B expected:\n" + String.join("\n", log));
        double hostSeconds = (host[1] - host[0]) / 1e9;
        double guestSeconds = guest[1] - guest[0];
        assertEquals(hostSeconds, guestSeconds, hostSeconds * 0.02,
                "guest " + guestSeconds + " s vs host " + hostSeconds + " s");
        assertTrue(log.stream().anyMatch(l -> l.contains("tsc: Detected 1000.")), "TSC calibrated to 1 GHz:\n" + String.join("\n", log));
        assertTrue(log.stream().anyMatch(l -> l.contains("clocksource: Switched to clocksource tsc")),
                "/proc/uptime runs on the TSC:\n" + String.join("\n", log));
        assertTrue(tickHost[0] != 0 && tickHost[1] != 0, "TICKS-A and TICKS-B expected:\n" + String.join("\n", log));
        double tickHostSeconds = (tickHost[1] - tickHost[0]) / 1e9;
        double jiffySeconds = (ticks[1] - ticks[0]) / 250.0;
        assertEquals(tickHostSeconds, jiffySeconds, tickHostSeconds * 0.02,
                "jiffies: " + (ticks[1] - ticks[0]) + " ticks at HZ=250 vs host " + tickHostSeconds + " s");
        System.out.printf("ClockIT: host %.3f s, uptime %.3f s (%+.2f %%), jiffies %.3f s (%+.2f %%)%n", hostSeconds, guestSeconds,
                100 * (guestSeconds / hostSeconds - 1), jiffySeconds, 100 * (jiffySeconds / tickHostSeconds - 1));
    }
}
