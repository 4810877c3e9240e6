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
}
