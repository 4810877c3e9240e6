package dev.hyperbundle.kernel.cli;

import dev.hyperbundle.machine.Hypervisor;
import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code hyperbundle} command line (picocli). */
@Command(name = "hyperbundle", description = "A VMM for 32-bit x86 PC guests on OSGi.", mixinStandardHelpOptions = true,
        version = "hyperbundle 0.1.0")
public final class Cli {
    private Cli() {
    }

    /** Runs args; returns the process exit code. */
    public static int execute(Hypervisor hypervisor, String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new Cli())
                .addSubcommand(new RunCommand(hypervisor, err))
                .addSubcommand(new BackendsCommand(hypervisor, out))
                .addSubcommand(new DevicesCommand(hypervisor, out));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("hyperbundle: " + ex.getMessage());
            err.println("Try 'hyperbundle " + (ex.getCommandLine().getCommandName().equals("hyperbundle") ? "" : ex.getCommandLine().getCommandName() + " ") + "--help'.");
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, c, p) -> {
            err.println("hyperbundle: " + ex.getMessage());
            return 1;
        });
        if (args.length == 0) {
            cl.usage(out);
            return 2;
        }
        return cl.execute(args);
    }
}
