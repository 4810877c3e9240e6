package dev.hyperbundle.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.ServiceReference;

/**
 * Two VMs in one framework, their NICs on the same in-process switch, ping each other with the guest /init's own
 * guest.ip / guest.ping / guest.linger (../shared/guests/README.md). The /init is the shared one with its battery
 * cut to the network test, so that two interpreted guests need not run sha256 and gzip first.
 */
class NetworkIT {
    /** The battery's tests before eth0: kept out, so only "eth0" and "ping" run. */
    static final String OTHER_TESTS = "    t_cpu\n    t_fpu\n    t_sha256\n    t_textproc\n    t_time\n    t_vda\n    t_hvc0\n    t_hwrng\n";

    @TempDir
    Path dir;
    @TempDir
    Path storage;

    @Test
    void twoVmsOnTheInProcessSwitchPingEachOther() throws Exception {
        Guests.assumePresent(Guests.TINY);
        String init = Files.readString(Guests.DIR.resolve("init.sh"), StandardCharsets.ISO_8859_1);
        assertTrue(init.contains(OTHER_TESTS), "the shared init.sh changed its run_tests; update this test");
        Path initrd = Guests.withInit(dir, init.replace(OTHER_TESTS, ""));
        try (EmbeddedFramework f = new EmbeddedFramework(storage)) {
            f.awaitService("(osgi.command.scope=vm)");
            f.awaitService("(&(objectClass=dev.hyperbundle.device.DeviceFactory)(component.name=*VirtioNet*))");
            ServiceReference<?>[] refs = f.context().getAllServiceReferences(null, "(osgi.command.scope=vm)");
            Object commands = f.context().getService(refs[0]);
            String[][] vms = {{"alpha", "169.254.7.1", "169.254.7.2"}, {"beta", "169.254.7.2", "169.254.7.1"}};
            for (String[] vm : vms) {
                String[] options = {"--name", vm[0], "--memory", "32M", "--kernel", Guests.TINY.toString(), "--initrd", initrd.toString(),
                        "--append", "console=ttyS0 reboot=k panic=-1 quiet guest.mode=test guest.ip=" + vm[1] + "/16 guest.ping=" + vm[2]
                                + " guest.linger=20",
                        "--device", "virtio-net,backend=switch:lan", "--serial", "file:" + dir.resolve(vm[0] + ".txt")};
                commands.getClass().getMethod("start", String[].class).invoke(commands, (Object) options);
            }
            for (String[] vm : vms) {
                awaitLine(dir.resolve(vm[0] + ".txt"), "ALL-TESTS-DONE", 600);
            }
            for (String[] vm : vms) {
                List<String> lines = lines(dir.resolve(vm[0] + ".txt"));
                String all = String.join("\n", lines);
                assertTrue(lines.stream().anyMatch(l -> l.startsWith("TEST eth0 PASS")), vm[0] + ":\n" + all);
                assertTrue(lines.stream().anyMatch(l -> l.startsWith("TEST ping PASS if=eth0 addr=" + vm[1] + "/16 peer=" + vm[2])),
                        vm[0] + " pings " + vm[2] + ":\n" + all);
                assertTrue(lines.contains("ALL-TESTS-DONE pass=2 fail=0"), vm[0] + ":\n" + all);
            }
            String macs = lines(dir.resolve("alpha.txt")).stream().filter(l -> l.startsWith("TEST eth0 ")).findFirst().orElseThrow()
                    .replaceAll(".* mac=(\\S+).*", "$1");
            String macsB = lines(dir.resolve("beta.txt")).stream().filter(l -> l.startsWith("TEST eth0 ")).findFirst().orElseThrow()
                    .replaceAll(".* mac=(\\S+).*", "$1");
            assertTrue(!macs.equals(macsB), "two VMs' first NICs have different default MACs: " + macs + " " + macsB);
        }
    }

    private static void awaitLine(Path file, String prefix, int seconds) throws Exception {
        long end = System.currentTimeMillis() + seconds * 1000L;
        while (System.currentTimeMillis() < end) {
            if (Files.exists(file) && lines(file).stream().anyMatch(l -> l.startsWith(prefix))) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("'" + prefix + "' did not appear in " + file + " within " + seconds + " s:\n"
                + (Files.exists(file) ? String.join("\n", lines(file)) : "(nothing)"));
    }

    private static List<String> lines(Path file) throws java.io.IOException {
        return Files.readAllLines(file, StandardCharsets.ISO_8859_1).stream().map(String::strip).toList();
    }
}
