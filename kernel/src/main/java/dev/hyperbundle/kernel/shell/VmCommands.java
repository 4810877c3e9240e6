package dev.hyperbundle.kernel.shell;

import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.kernel.cli.Cli;
import dev.hyperbundle.machine.Hypervisor;
import dev.hyperbundle.machine.Machine;
import java.util.ArrayList;
import java.util.List;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Gogo shell commands in scope {@code vm}: list, start, pause, resume, stop, switchcpu, backends, devices. */
@Component(service = VmCommands.class, property = {
        "osgi.command.scope=vm",
        "osgi.command.function=list", "osgi.command.function=start", "osgi.command.function=pause",
        "osgi.command.function=resume", "osgi.command.function=stop", "osgi.command.function=reset",
        "osgi.command.function=switchcpu", "osgi.command.function=backends", "osgi.command.function=devices"})
public final class VmCommands {
    private final Hypervisor hypervisor;

    @Activate
    public VmCommands(@Reference Hypervisor hypervisor) {
        this.hypervisor = hypervisor;
    }

    @Descriptor("list machines: name, state, CPU backend, instructions retired, devices waiting for their bundle")
    public List<String> list() {
        List<String> out = new ArrayList<>();
        for (Machine m : hypervisor.machines()) {
            String line = String.format("%-12s %-8s %-9s %d", m.name(), m.state(), m.cpuBackend(), m.instructionsRetired());
            // A machine paused by a hot-swap says which device waits for a factory ("com1 uart16550 waiting for ...").
            List<String> waiting = m.describeDevices().stream().filter(d -> d.contains(" waiting for ")).toList();
            out.add(waiting.isEmpty() ? line : line + " (" + String.join("; ", waiting) + ")");
        }
        return out;
    }

    @Descriptor("start a machine in the background; takes the options of 'hyperbundle run' (use --serial tcp:PORT or file:PATH)")
    public String start(@Descriptor("run options, e.g. --name a --kernel K --initrd I --serial tcp:4555") String... options) {
        String[] args = new String[options.length + 1];
        args[0] = "run";
        System.arraycopy(options, 0, args, 1, options.length);
        Thread.ofPlatform().daemon().name("vm-start").start(() -> Cli.execute(hypervisor, args, System.out, System.err));
        return "starting";
    }

    @Descriptor("pause a machine (every vCPU stops at an instruction boundary)")
    public String pause(@Descriptor("machine name") String name) {
        machine(name).pause();
        return name + " paused";
    }

    @Descriptor("resume a paused machine")
    public String resume(@Descriptor("machine name") String name) {
        machine(name).resume();
        return name + " resumed";
    }

    @Descriptor("stop a machine")
    public String stop(@Descriptor("machine name") String name) {
        machine(name).stop();
        return name + " stopping";
    }

    @Descriptor("reset a machine")
    public String reset(@Descriptor("machine name") String name) {
        machine(name).reset();
        return name + " reset requested";
    }

    @Descriptor("move a running machine to another CPU backend (live switch)")
    public String switchcpu(@Descriptor("machine name") String name, @Descriptor("backend id") String backend) {
        Machine m = machine(name);
        String from = m.cpuBackend();
        m.switchBackend(backend);
        return name + ": " + from + " -> " + backend;
    }

    @Descriptor("list CPU backends with their availability")
    public List<String> backends() {
        List<String> out = new ArrayList<>();
        for (CpuBackend b : hypervisor.backends()) {
            out.add(String.format("%-9s %-40s %s", b.id(), b.technique().description(), b.availability()));
        }
        return out;
    }

    @Descriptor("list device types")
    public List<String> devices() {
        List<String> out = new ArrayList<>();
        hypervisor.deviceTypes().forEach((t, d) -> out.add(String.format("%-16s %s", t, d)));
        return out;
    }

    private Machine machine(String name) {
        return hypervisor.machine(name).orElseThrow(() -> new IllegalArgumentException("no machine named " + name));
    }
}
