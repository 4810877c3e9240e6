package dev.hyperbundle.kernel.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.cpu.X86CpuState;
import dev.hyperbundle.device.Device;
import dev.hyperbundle.device.DeviceConfig;
import dev.hyperbundle.device.DeviceContext;
import dev.hyperbundle.device.DeviceFactory;
import dev.hyperbundle.device.DeviceState;
import dev.hyperbundle.irq.InterruptController;
import dev.hyperbundle.irq.InterruptPin;
import dev.hyperbundle.kernel.chardev.CharBackendSpec;
import dev.hyperbundle.machine.ExitStatus;
import dev.hyperbundle.machine.MachineConfig;
import dev.hyperbundle.machine.MachineConfigException;
import dev.hyperbundle.machine.MachineState;
import dev.hyperbundle.testkit.PortCounterBackend;
import dev.hyperbundle.time.Timer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class VmMachineTest {
    final PortCounterBackend a = new PortCounterBackend("a", CounterDevice.PORT);
    final PortCounterBackend b = new PortCounterBackend("b", CounterDevice.PORT);
    final Map<String, DeviceFactory> factories = new ConcurrentHashMap<>();
    final List<CounterDevice> counters = new CopyOnWriteArrayList<>();
    final ComponentRegistry registry = new ComponentRegistry() {
        @Override
        public Optional<CpuBackend> backend(String id) {
            return Optional.ofNullable(id.equals("a") ? a : id.equals("b") ? b : null);
        }

        @Override
        public Optional<DeviceFactory> factory(String type) {
            return Optional.ofNullable(factories.get(type));
        }

        @Override
        public java.util.SortedSet<String> backendIds() {
            return new java.util.TreeSet<>(List.of("a", "b"));
        }

        @Override
        public java.util.SortedSet<String> deviceTypeNames() {
            return new java.util.TreeSet<>(factories.keySet());
        }
    };
    VmMachine machine;

    @AfterEach
    void stop() throws InterruptedException {
        if (machine != null) {
            machine.stop();
            machine.awaitExit(Duration.ofSeconds(10));
        }
    }

    private VmMachine create(List<DeviceConfig> devices) throws MachineConfigException {
        MachineConfig config = new MachineConfig("t", "a", 16L << 20, null, null, "", devices, false, "test");
        machine = new MachineAssembler(registry, new CharBackendSpec(null, new PrintStream(PrintStream.nullOutputStream())))
                .assemble(config);
        return machine;
    }

    private static DeviceConfig counter() {
        return new DeviceConfig(CounterDevice.TYPE, "counter0", Map.of(), "test");
    }

    @Test
    void pauseStopsAtAnInstructionBoundaryAndTimeStandsStill() throws Exception {
        factories.put(CounterDevice.TYPE, CounterDevice.factory(1, counters));
        VmMachine m = create(List.of(counter()));
        m.start();
        Thread.sleep(50);
        m.pause();
        assertEquals(MachineState.PAUSED, m.state());
        long guestTime = m.platform().clock().nanos();
        int eax = m.cpuState().gpr[X86CpuState.EAX];
        Thread.sleep(50);
        assertEquals(eax, m.cpuState().gpr[X86CpuState.EAX], "no instruction runs while paused");
        assertEquals(guestTime, m.platform().clock().nanos());
        assertEquals(eax, counters.get(0).writes, "every executed instruction reached the device");
        assertTrue(eax > 0);
        m.resume();
        Thread.sleep(20);
        assertTrue(m.cpuState().gpr[X86CpuState.EAX] > eax);
        assertEquals(MachineState.RUNNING, m.state());
    }

    @Test
    void hotSwapTwentyTimesLosesNoWrite() throws Exception {
        DeviceFactory build1 = CounterDevice.factory(1, counters);
        DeviceFactory build2 = CounterDevice.factory(2, counters);
        factories.put(CounterDevice.TYPE, build1);
        VmMachine m = create(List.of(counter()));
        m.start();
        DeviceFactory current = build1;
        PrintStream stderr = System.err;
        java.io.ByteArrayOutputStream said = new java.io.ByteArrayOutputStream();
        System.setErr(new PrintStream(said, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            for (int i = 0; i < 20; i++) {
                Thread.sleep(5);
                assertTrue(m.factoryLeaving(current));
                assertEquals(MachineState.PAUSED, m.state());
                assertEquals(java.util.Set.of("waiting for a device factory of type counter"), m.pauseReasons());
                assertEquals(List.of("counter0 counter waiting for a counter factory"), m.describeDevices());
                DeviceFactory next = current == build1 ? build2 : build1;
                m.factoryArrived(next);
                current = next;
            }
        } finally {
            System.setErr(stderr);
        }
        assertEquals("hyperbundle: machine t paused: waiting for a device factory of type counter\n"
                + "hyperbundle: machine t: counter devices restored from the new bundle\n", said.toString().lines().limit(2)
                .map(l -> l + "\n").reduce("", String::concat), "the console says why the machine waits");
        assertEquals(40, said.toString().lines().count());
        assertEquals(java.util.Set.of(), m.pauseReasons());
        assertEquals(MachineState.RUNNING, m.state());
        Thread.sleep(20);
        m.pause();
        X86CpuState s = m.cpuState();
        CounterDevice last = counters.get(counters.size() - 1);
        assertEquals(21, counters.size());
        assertEquals(1, last.build);
        assertEquals(s.gpr[X86CpuState.EAX], last.writes, "every write the guest made was counted across 20 swaps");
        assertEquals(s.gpr[X86CpuState.EAX] - 1, last.last);
        assertEquals(0, s.gpr[X86CpuState.EBP], "every read-back saw the write count the CPU expected");
    }

    /** A user's pause and a wait for a factory are separate: the machine runs again only when both are over. */
    @Test
    void aUserPauseOutlastsTheWaitForAFactory() throws Exception {
        DeviceFactory build1 = CounterDevice.factory(1, counters);
        factories.put(CounterDevice.TYPE, build1);
        VmMachine m = create(List.of(counter()));
        m.start();
        PrintStream stderr = System.err;
        System.setErr(new PrintStream(PrintStream.nullOutputStream()));
        try {
            assertTrue(m.factoryLeaving(build1));
            m.pause();
            assertEquals(java.util.Set.of("waiting for a device factory of type counter", "paused by user"), m.pauseReasons());
            m.factoryArrived(CounterDevice.factory(2, counters));
        } finally {
            System.setErr(stderr);
        }
        assertEquals(java.util.Set.of("paused by user"), m.pauseReasons());
        assertEquals(MachineState.PAUSED, m.state());
        assertEquals(List.of("counter0 counter attached"), m.describeDevices());
        m.resume();
        assertEquals(MachineState.RUNNING, m.state());
    }

    @Test
    void liveSwitchBetweenBackendsKeepsTheGuestGoing() throws Exception {
        factories.put(CounterDevice.TYPE, CounterDevice.factory(1, counters));
        VmMachine m = create(List.of(counter()));
        m.start();
        int previous = 0;
        for (int i = 0; i < 10; i++) {
            Thread.sleep(5);
            m.switchBackend(i % 2 == 0 ? "b" : "a");
            int eax = m.cpuState().gpr[X86CpuState.EAX];
            assertTrue(eax >= previous);
            previous = eax;
        }
        assertEquals(6, a.created(), "a: the first vCPU plus five switches back");
        assertEquals(5, b.created());
        m.pause();
        assertEquals(m.cpuState().gpr[X86CpuState.EAX], counters.get(0).writes);
        assertEquals(counters.get(0).writes, m.instructionsRetired());
        var e = assertThrows(IllegalArgumentException.class, () -> m.switchBackend("nope"));
        assertEquals("'nope' is not a known CPU backend (no installed bundle provides it); expected one of a, b", e.getMessage());
    }

    /** A 1 kHz interrupt source: the CPU must wake from HLT and take interrupts while halted. */
    static final class Ticker implements Device, InterruptController {
        InterruptPin pin;
        Timer timer;
        int acks;

        @Override
        public void setIrq(int irq, boolean high) {
        }

        @Override
        public int acknowledge() {
            acks++;
            pin.set(false);
            return 0x20;
        }

        @Override
        public DeviceState saveState() {
            return new DeviceState("ticker", 1, new byte[0]);
        }

        @Override
        public void restoreState(DeviceState state) {
        }

        @Override
        public void reset() {
        }
    }

    @Test
    void timersWakeAHaltedCpu() throws Exception {
        Ticker ticker = new Ticker();
        factories.put(CounterDevice.TYPE, CounterDevice.factory(1, counters));
        factories.put("ticker", new DeviceFactory() {
            @Override
            public String type() {
                return "ticker";
            }

            @Override
            public String description() {
                return "1 kHz interrupts";
            }

            @Override
            public Device create(DeviceContext context, DeviceConfig config) {
                ticker.pin = context.installInterruptController(ticker);
                ticker.timer = context.createTimer(() -> {
                    ticker.pin.set(true);
                    ticker.timer.armAt(context.clock().nanos() + 1_000_000);
                });
                ticker.timer.armAt(1_000_000);
                return ticker;
            }
        });
        a.haltAt = 1000;
        a.interruptsOn = true;
        VmMachine m = create(List.of(new DeviceConfig("ticker", "ticker", Map.of(), "test"), counter()));
        m.start();
        Thread.sleep(300);
        m.pause();
        X86CpuState s = m.cpuState();
        assertTrue(s.gpr[X86CpuState.EDI] >= 20, "interrupts taken: " + s.gpr[X86CpuState.EDI]);
        assertEquals(0x20, s.gpr[X86CpuState.EBX]);
        assertEquals(ticker.acks, s.gpr[X86CpuState.EDI]);
        assertTrue(s.gpr[X86CpuState.EAX] > 1000, "the halted CPU was woken and went on");
    }

    @Test
    void aTripleFaultEndsTheRunAsAReset() throws Exception {
        factories.put(CounterDevice.TYPE, CounterDevice.factory(1, counters));
        a.shutdownAt = 5000;
        VmMachine m = create(List.of(counter()));
        m.start();
        ExitStatus status = m.awaitExit(Duration.ofSeconds(10)).orElseThrow();
        assertEquals(new ExitStatus(ExitStatus.Kind.RESET, "guest reset (triple fault)"), status);
        assertEquals(0, status.exitCode());
        assertEquals(MachineState.STOPPED, m.state());
        machine = null;
    }

    @Test
    void powerOffRequestEndsTheRun() throws Exception {
        factories.put(CounterDevice.TYPE, CounterDevice.factory(1, counters));
        VmMachine m = create(List.of(counter()));
        m.start();
        m.requestPowerOff("debug exit");
        assertEquals(new ExitStatus(ExitStatus.Kind.POWER_OFF, "guest powered off (debug exit)"),
                m.awaitExit(Duration.ofSeconds(10)).orElseThrow());
        machine = null;
    }

    @Test
    void unknownDeviceTypesAndBadParametersAreNamed() {
        var e = assertThrows(MachineConfigException.class,
                () -> create(List.of(new DeviceConfig("nic9000", "nic", Map.of(), "vm.yaml, devices(3)"))));
        assertEquals("vm.yaml, devices(3): unknown device type 'nic9000' (no installed bundle provides it); expected one of "
                + "(none installed)", e.getMessage());
        factories.put(CounterDevice.TYPE, CounterDevice.factory(1, counters));
        e = assertThrows(MachineConfigException.class,
                () -> create(List.of(new DeviceConfig("nic9000", "nic", Map.of(), "vm.yaml, devices(3)"))));
        assertEquals("vm.yaml, devices(3): unknown device type 'nic9000' (no installed bundle provides it); expected one of "
                + "counter", e.getMessage());
        e = assertThrows(MachineConfigException.class,
                () -> create(List.of(new DeviceConfig(CounterDevice.TYPE, "c", Map.of("speed", "9"), "--device #1"))));
        assertEquals("--device #1: counter speed=9 is not a parameter of counter; expected one of id", e.getMessage());
        machine = null;
    }

    @Test
    void unknownOrUnavailableBackendsNameTheKeyAndWhereItWasSet() {
        MachineConfig quantum = new MachineConfig("t", "quantum", 16L << 20, null, null, "", List.of(), false, "vm.yaml",
                Map.of("cpu", "command line"));
        var e = assertThrows(MachineConfigException.class, () -> new MachineAssembler(registry,
                new CharBackendSpec(null, new PrintStream(PrintStream.nullOutputStream()))).assemble(quantum));
        assertEquals("command line: cpu=quantum is not a known CPU backend (no installed bundle provides it); "
                + "expected one of a, b", e.getMessage());
        CpuBackend offline = new CpuBackend() {
            @Override
            public String id() {
                return "a";
            }

            @Override
            public dev.hyperbundle.backend.Technique technique() {
                return a.technique();
            }

            @Override
            public dev.hyperbundle.backend.Availability availability() {
                return dev.hyperbundle.backend.Availability.no("/dev/kvm not found");
            }

            @Override
            public dev.hyperbundle.backend.Vcpu createVcpu(dev.hyperbundle.backend.VcpuContext context) {
                throw new AssertionError("an unavailable backend is never asked for a vCPU");
            }
        };
        ComponentRegistry kvmless = new ComponentRegistry() {
            @Override
            public Optional<CpuBackend> backend(String id) {
                return Optional.of(offline);
            }

            @Override
            public Optional<DeviceFactory> factory(String type) {
                return Optional.empty();
            }
        };
        MachineConfig a = new MachineConfig("t", "a", 16L << 20, null, null, "", List.of(), false, "vm.yaml");
        e = assertThrows(MachineConfigException.class, () -> new MachineAssembler(kvmless,
                new CharBackendSpec(null, new PrintStream(PrintStream.nullOutputStream()))).assemble(a));
        assertEquals("vm.yaml: cpu=a is unavailable: /dev/kvm not found (this host cannot run that backend)", e.getMessage());
    }

    @Test
    void twoDevicesOnOnePortAreAConfigError() {
        factories.put(CounterDevice.TYPE, CounterDevice.factory(1, counters));
        var e = assertThrows(MachineConfigException.class, () -> create(List.of(counter(),
                new DeviceConfig(CounterDevice.TYPE, "counter1", Map.of(), "--device #2"))));
        assertEquals("--device #2: port range 0x510-0x517 for counter1 overlaps port 0x510-0x517 counter0", e.getMessage());
        machine = null;
    }
}
