package dev.hyperbundle.kernel.cli;

import dev.hyperbundle.machine.Hypervisor;
import java.util.concurrent.Callable;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The launcher's entry into the framework: the distribution's launcher passes the command-line
 * arguments in the framework property {@value #ARGS} (separated by {@value #SEPARATOR}), waits for this
 * service ({@code hyperbundle.main=true}) and calls it on its main thread for the exit code.
 */
@Component(service = Callable.class, property = "hyperbundle.main=true")
public final class MainCommand implements Callable<Integer> {
    public static final String ARGS = "hyperbundle.args";
    public static final String SEPARATOR = "\u001f";

    private final Hypervisor hypervisor;
    private final String args;

    @Activate
    public MainCommand(@Reference Hypervisor hypervisor, BundleContext context) {
        this.hypervisor = hypervisor;
        this.args = context.getProperty(ARGS);
    }

    @Override
    public Integer call() {
        String[] a = args == null || args.isEmpty() ? new String[0] : args.split(SEPARATOR, -1);
        return Cli.execute(hypervisor, a, System.out, System.err);
    }
}
