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
 * guest.mode=clock prints CLOCK-A, sleeps 10 s and prints CLOCK-B (../shared/guests/README.md). The guest's
 * clock (jiffies behind /proc/uptime, calibrated against the PIT) must agree with the host's within 2 %.
 */
class ClockIT {
    @TempDir
    Path dir;

    @Test
    void tenGuestSecondsAreTenHostSeconds() throws Exception {
        Guests.assumePresent(Guests.TINY);
        List<String> command = List.of(LauncherIT.BIN.toString(), "run", "--memory", "32M", "--kernel", Guests.TINY.toString(),
                "--initrd", Guests.INITRD.toString(), "--append", "console=ttyS0 reboot=k panic=-1 guest.mode=clock");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        double[] guest = new double[2];
        long[] host = new long[2];
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
    }
}
