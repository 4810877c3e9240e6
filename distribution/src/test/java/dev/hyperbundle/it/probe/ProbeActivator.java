package dev.hyperbundle.it.probe;

import dev.hyperbundle.cpu.X86CpuState;
import dev.hyperbundle.device.DeviceConfig;
import dev.hyperbundle.machine.Hypervisor;
import dev.hyperbundle.machine.Machine;
import dev.hyperbundle.machine.MachineConfig;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * Runs inside the framework for the hot-swap test. Two services ({@code Callable<String>} with
 * hyperbundle.probe=start|check): "start" creates and starts a machine with the counting backend and a
 * counter device; "check" pauses it and reports "steps=positive mismatches=M build=B state=S". Strings
 * cross the framework boundary, so the test needs no kernel classes of its own.
 */
public final class ProbeActivator implements BundleActivator {
    private Machine machine;

    @Override
    public void start(BundleContext context) {
        for (String command : List.of("start", "check")) {
            Hashtable<String, Object> props = new Hashtable<>();
            props.put("hyperbundle.probe", command);
            Callable<String> c = () -> command(context, command);
            context.registerService(Callable.class, c, props);
        }
    }

    private String command(BundleContext context, String what) throws Exception {
        ServiceReference<Hypervisor> ref = context.getServiceReference(Hypervisor.class);
        Hypervisor hypervisor = context.getService(ref);
        if (what.equals("start")) {
            machine = hypervisor.create(new MachineConfig("hotswap", "counting", 16L << 20, null, null, "",
                    List.of(new DeviceConfig("counter", "counter0", Map.of(), "probe")), false, "probe"));
            machine.start();
            return "started";
        }
        String state = machine.state().toString();
        X86CpuState s = progressed();
        String report = "steps=" + (s.gpr[X86CpuState.EAX] > 0 ? "positive" : "zero") + " mismatches=" + s.gpr[X86CpuState.EBP]
                + " build=" + s.gpr[X86CpuState.ESI] + " state=" + state;
        machine.resume();
        return report;
    }

    private int lastSteps;

    /** Pauses once the guest made 1000 steps since the last check (or 5 s passed: it may be paused). */
    private X86CpuState progressed() throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (true) {
            machine.pause();
            X86CpuState s = machine.cpuState();
            if (s.gpr[X86CpuState.EAX] - lastSteps >= 1000 || System.nanoTime() > end) {
                lastSteps = s.gpr[X86CpuState.EAX];
                return s;
            }
            machine.resume();
            Thread.sleep(1);
        }
    }

    @Override
    public void stop(BundleContext context) {
        if (machine != null) {
            machine.stop();
        }
    }
}
