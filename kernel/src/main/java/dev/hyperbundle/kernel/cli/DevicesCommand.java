package dev.hyperbundle.kernel.cli;

import dev.hyperbundle.machine.Hypervisor;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code hyperbundle devices}: every device type the installed bundles provide. */
@Command(name = "devices", description = "List the device types the installed bundles provide.", mixinStandardHelpOptions = true)
final class DevicesCommand implements Callable<Integer> {
    private final Hypervisor hypervisor;
    private final PrintStream out;

    DevicesCommand(Hypervisor hypervisor, PrintStream out) {
        this.hypervisor = hypervisor;
        this.out = out;
    }

    @Override
    public Integer call() {
        hypervisor.deviceTypes().forEach((type, description) -> out.printf("%-16s %s%n", type, description));
        return 0;
    }
}
