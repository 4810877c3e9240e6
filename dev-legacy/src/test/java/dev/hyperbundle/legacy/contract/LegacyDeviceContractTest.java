package dev.hyperbundle.legacy.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperbundle.device.Device;
import dev.hyperbundle.device.DeviceConfig;
import dev.hyperbundle.device.DeviceFactory;
import dev.hyperbundle.device.DeviceState;
import dev.hyperbundle.legacy.fpuerror.FpuErrorLatchFactory;
import dev.hyperbundle.legacy.i8042.I8042Factory;
import dev.hyperbundle.legacy.pcihost.PciHostBridgeFactory;
import dev.hyperbundle.legacy.pic.PicFactory;
import dev.hyperbundle.legacy.pit.PitFactory;
import dev.hyperbundle.legacy.ports.DebugConsolePortFactory;
import dev.hyperbundle.legacy.ports.PostCodePortFactory;
import dev.hyperbundle.legacy.rtc.RtcFactory;
import dev.hyperbundle.legacy.uart.Uart16550Factory;
import dev.hyperbundle.testkit.DeviceTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract every dev-legacy device type passes (DESIGN.md, crosvm's suspendable tests), driven the same way
 * for all of them: a seeded random guest hammers the device's ports with every access size and any value, time
 * moves, input arrives, interrupts are taken. Then
 * <ul>
 *   <li>nothing ever throws out of the device (nonsense programming is what the guest may do);</li>
 *   <li>save, close, release its registrations, create a new instance, restore: save again gives the same bytes;</li>
 *   <li>a machine whose device was hot-swapped twice this way and an identical machine whose device never was
 *       see exactly the same reads, interrupt lines, vectors, console output and reset requests, and end in the
 *       same state: the guest cannot tell.</li>
 * </ul>
 */
class LegacyDeviceContractTest {
    record Kind(String type, Supplier<DeviceFactory> factory, String[] params) {
        @Override
        public String toString() {
            return type;
        }
    }

    static Stream<Arguments> devices() {
        return Stream.of(
                new Kind("pic", PicFactory::new, new String[0]),
                new Kind("pit", PitFactory::new, new String[0]),
                new Kind("rtc", RtcFactory::new, new String[] {"start", "2025-06-01T12:00:00", "clock", "vm", "memory", "67108864"}),
                new Kind("uart16550", Uart16550Factory::new, new String[] {"index", "0", "chardev", "mem"}),
                new Kind("i8042", I8042Factory::new, new String[0]),
                new Kind("pci-host", PciHostBridgeFactory::new, new String[0]),
                new Kind("post-port", PostCodePortFactory::new, new String[0]),
                new Kind("fpu-error", FpuErrorLatchFactory::new, new String[0]),
                new Kind("debugcon", DebugConsolePortFactory::new, new String[] {"chardev", "mem"}))
                .flatMap(k -> Stream.of(1, 2, 3).map(seed -> Arguments.of(k, seed)));
    }

    /** One machine with one device of the kind, played by a seeded random guest. */
    static final class Guest {
        final Kind kind;
        final DeviceTestContext ctx;
        final DeviceConfig config;
        final List<long[]> ranges = new ArrayList<>();
        final StringBuilder trace = new StringBuilder();
        SwapContext slot;
        Device device;

        Guest(Kind kind) throws Exception {
            this.kind = kind;
            ctx = DeviceTestContext.builder(kind.type() + "0").charBackendsOnDemand().build();
            config = DeviceTestContext.config(kind.type(), kind.params());
            slot = new SwapContext(ctx);
            device = kind.factory().get().create(slot, config);
            Pattern p = Pattern.compile("port 0x(\\p{XDigit}+)-0x(\\p{XDigit}+) " + Pattern.quote(ctx.deviceId()));
            for (String r : ctx.ports.describe()) {
                Matcher m = p.matcher(r);
                if (m.matches()) {
                    ranges.add(new long[] {Long.parseLong(m.group(1), 16), Long.parseLong(m.group(2), 16)});
                }
            }
            assertTrue(!ranges.isEmpty(), kind + " claims no ports: " + ctx.ports.describe());
        }

        int port(Random r) {
            long[] range = ranges.get(r.nextInt(ranges.size()));
            return (int) (range[0] + r.nextInt((int) (range[1] - range[0] + 1)));
        }

        /** count guest steps; what the guest sees goes into the trace. */
        void play(Random r, int count) {
            boolean pic = kind.type().equals("pic");
            for (int i = 0; i < count; i++) {
                int k = r.nextInt(100);
                int size = switch (r.nextInt(10)) {
                    case 0 -> 2;
                    case 1 -> 4;
                    default -> 1;
                };
                if (k < 45) {
                    ctx.out(port(r), size, r.nextBoolean() ? r.nextInt(256) : r.nextInt() & 0xffffffffL);
                } else if (k < 80) {
                    trace.append(Long.toHexString(ctx.in(port(r), size))).append(' ');
                } else if (k < 90) {
                    ctx.run(r.nextInt(2_000_000));
                } else if (k < 94) {
                    ctx.memoryCharBackend("mem").type(String.valueOf((char) ('a' + r.nextInt(26))));
                } else if (pic) {
                    ctx.irq(r.nextInt(16)).set(r.nextBoolean());
                }
                int levels = 0;
                for (int line = 0; line < 16; line++) {
                    levels |= ctx.irqLevel(line) ? 1 << line : 0;
                }
                trace.append(Integer.toHexString(levels));
                if (ctx.interrupts.intrAsserted()) {
                    trace.append('!');
                    if (r.nextInt(4) == 0) {
                        trace.append("v").append(Integer.toHexString(ctx.interrupts.acknowledge()));
                    }
                }
                trace.append('\n');
            }
        }

        /**
         * The hot-swap as the kernel does it. Without input meanwhile, checks save -> restore -> save; input typed
         * while no instance exists is taken by the restored one (so its state then has it, rightly).
         */
        void swap(String typedMeanwhile) throws Exception {
            DeviceState saved = device.saveState();
            device.close();
            slot.releaseAll();
            ctx.memoryCharBackend("mem").type(typedMeanwhile); // input while no instance exists is not lost
            slot = new SwapContext(ctx);
            device = kind.factory().get().create(slot, config);
            device.restoreState(saved);
            if (!typedMeanwhile.isEmpty()) {
                return;
            }
            DeviceState again = device.saveState();
            assertEquals(saved.type(), again.type());
            assertEquals(saved.version(), again.version());
            assertArrayEquals(saved.data(), again.data(), kind + ": save -> restore -> save must give the same state");
        }

        String observed() {
            return trace + "\nconsole=" + ctx.memoryCharBackend("mem").output() + "\nresets=" + ctx.resetRequests
                    + "\npower-offs=" + ctx.powerOffRequests + "\nclock=" + ctx.clock.nanos();
        }
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("devices")
    void randomGuestCannotTellAHotSwappedDevice(Kind kind, int seed) throws Exception {
        Guest swapped = new Guest(kind);
        Guest control = new Guest(kind);
        Random a = new Random(seed);
        Random b = new Random(seed);
        swapped.play(a, 3000);
        control.play(b, 3000);
        swapped.swap("");
        swapped.play(a, 3000);
        control.play(b, 3000);
        swapped.swap("Q");
        control.ctx.memoryCharBackend("mem").type("Q");
        swapped.play(a, 3000);
        control.play(b, 3000);
        assertEquals(List.of(), swapped.ctx.deviceExceptions, kind + " threw out of a guest access");
        assertEquals(List.of(), control.ctx.deviceExceptions, kind + " threw out of a guest access");
        assertSameTrace(swapped.observed(), control.observed(), kind);
        assertArrayEquals(control.device.saveState().data(), swapped.device.saveState().data(), kind + ": same final state");
        swapped.ctx.close();
        control.ctx.close();
    }

    private static void assertSameTrace(String swapped, String control, Kind kind) {
        if (swapped.equals(control)) {
            return;
        }
        int i = 0;
        while (i < Math.min(swapped.length(), control.length()) && swapped.charAt(i) == control.charAt(i)) {
            i++;
        }
        int from = Math.max(0, swapped.lastIndexOf('\n', Math.max(0, i - 200)));
        throw new AssertionError(kind + ": the guest saw a difference at character " + i + "\nswapped: "
                + swapped.substring(from, Math.min(swapped.length(), i + 80)) + "\ncontrol: "
                + control.substring(from, Math.min(control.length(), i + 80)));
    }

    /**
     * Ports a Linux boot probes for hardware this PC does not have (floppy, parallel ports, COM2-COM4, VGA, IDE,
     * the game port) read as all ones with the whole default chipset present, and writes there change nothing.
     */
    @Test
    void portsOfAbsentHardwareReadAllOnes() throws Exception {
        DeviceTestContext ctx = DeviceTestContext.builder("chipset").charBackendsOnDemand().build();
        for (Kind k : devices().map(a -> (Kind) a.get()[0]).distinct().toList()) {
            k.factory().get().create(ctx.onSameMachine(k.type()), DeviceTestContext.config(k.type(), k.params()));
        }
        int[][] absent = {{0x3f0, 0x3f7}, {0x370, 0x377}, {0x378, 0x37f}, {0x278, 0x27f}, {0x3bc, 0x3bf}, {0x2f8, 0x2ff},
                {0x3e8, 0x3ef}, {0x2e8, 0x2ef}, {0x3b0, 0x3df}, {0x1f0, 0x1f7}, {0x170, 0x177}, {0x201, 0x201}};
        for (int[] range : absent) {
            for (int port = range[0]; port <= range[1]; port++) {
                assertTrue(!ctx.ports.isClaimed(port), String.format("port 0x%x is claimed", port));
                ctx.out(port, 0x5a);
                assertEquals(0xff, ctx.in(port), String.format("port 0x%x", port));
                assertEquals(0xffffffffL, ctx.in(port, 4), String.format("port 0x%x", port));
            }
        }
        ctx.close();
    }
}
