package dev.hyperbundle.kernel.cli;

import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.machine.Hypervisor;
import java.io.PrintStream;
import java.util.Comparator;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code hyperbundle backends}: every CPU backend with its technique and availability. */
@Command(name = "backends", description = "List CPU backends and whether this host can run them.", mixinStandardHelpOptions = true)
final class BackendsCommand implements Callable<Integer> {
    private final Hypervisor hypervisor;
    private final PrintStream out;

    BackendsCommand(Hypervisor hypervisor, PrintStream out) {
        this.hypervisor = hypervisor;
        this.out = out;
    }

    @Override
    public Integer call() {
        for (CpuBackend b : hypervisor.backends().stream().sorted(Comparator.comparing(CpuBackend::id)).toList()) {
            out.printf("%-9s %-40s %s%n", b.id(), b.technique().description(), b.availability());
        }
        return 0;
    }
}
