package dev.hyperbundle.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Linux guest whose vCPU is re-created from its saved state twice a second passes its self-test. */
class LiveSwitchIT {
    @TempDir
    Path dir;

    @Test
    void tinyGuestSelfTestWhileTheVcpuIsRecreatedTwiceASecond() throws Exception {
        Guests.assumePresent(Guests.TINY);
        LauncherIT.Result r = LauncherIT.run(dir, "run", "--cpu", "interp", "--switch-to", "interp", "--switch-every", "0.5",
                "--memory", "64M", "--kernel", Guests.TINY.toString(), "--initrd", Guests.INITRD.toString(),
                "--append", Guests.TEST_CMDLINE);
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("\nALL-TESTS-DONE pass=5 fail=0"), r.out());
        long switches = r.err().lines().filter(l -> l.matches("hyperbundle: switch \\d+: interp -> interp in .*")).count();
        assertTrue(switches >= 10, "at least 10 switches expected, saw " + switches + ":\n" + r.err());
    }

    /**
     * The benchmark guest (issue acceptance: every BENCH line and BENCH-CHECK OK, the right sha256 digest)
     * while its vCPU is re-created from saved state every second. About four minutes on these machines.
     */
    @Test
    void benchGuestChecksOkWhileTheVcpuIsRecreatedEverySecond() throws Exception {
        Guests.assumePresent(Guests.TINY);
        LauncherIT.Result r = LauncherIT.run(dir, "run", "--cpu", "interp", "--switch-to", "interp", "--switch-every", "1",
                "--memory", "64M", "--kernel", Guests.TINY.toString(), "--initrd", Guests.INITRD.toString(),
                "--append", "console=ttyS0 reboot=k panic=-1 guest.mode=bench");
        assertEquals(0, r.exit(), r.err());
        for (String check : new String[] {
            "BENCH-CHECK sha256-16MiB OK 080acf35a507ac9849cfcba47dc2ad83e01b75663a516279c8b9d243b719643e",
            "BENCH-CHECK gendata-8MiB OK 3a6d916b2c25e61316c2a783f7a2036965964b5f5b470e42d4ed95f7f791eef2",
            "BENCH-CHECK gzip1-8MiB OK 4777917",
            "BENCH-CHECK awk-loop-2M OK 235197"}) {
            assertTrue(r.out().contains("\n" + check), () -> "missing '" + check + "':\n" + r.out());
        }
        for (String bench : new String[] {"sha256-16MiB", "gendata-8MiB", "gzip1-8MiB", "awk-loop-2M"}) {
            assertTrue(r.out().lines().anyMatch(l -> l.matches("BENCH " + bench + " \\d+\\.\\d\\d")), bench + ":\n" + r.out());
        }
        assertTrue(r.out().contains("\nBENCH-DONE"), r.out());
        long switches = r.err().lines().filter(l -> l.matches("hyperbundle: switch \\d+: interp -> interp in .*")).count();
        assertTrue(switches >= 60, "a switch every second expected, saw " + switches + ":\n" + r.err());
    }
}
