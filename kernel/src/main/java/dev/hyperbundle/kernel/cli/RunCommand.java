package dev.hyperbundle.kernel.cli;

import dev.hyperbundle.kernel.config.MachineConfigReader;
import dev.hyperbundle.kernel.config.VmOptions;
import dev.hyperbundle.machine.ExitStatus;
import dev.hyperbundle.machine.Hypervisor;
import dev.hyperbundle.machine.Machine;
import dev.hyperbundle.machine.MachineConfigException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hyperbundle run}: one VM with COM1 on the terminal; exits when the guest resets or powers off. */
@Command(name = "run", description = "Run one VM with its first serial port on the terminal.", mixinStandardHelpOptions = true)
final class RunCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "VM configuration (.properties or .yaml)")
    String config;
    @Option(names = "--name", description = "machine name")
    String name;
    @Option(names = "--cpu", paramLabel = "ID", description = "CPU backend: interp, bt, hvassist (default interp)")
    String cpu;
    @Option(names = "--memory", paramLabel = "SIZE", description = "guest RAM, e.g. 256M (default 256M)")
    String memory;
    @Option(names = "--kernel", paramLabel = "FILE", description = "Linux bzImage")
    String kernel;
    @Option(names = "--initrd", paramLabel = "FILE", description = "initramfs")
    String initrd;
    @Option(names = "--append", paramLabel = "CMDLINE", description = "kernel command line")
    String append;
    @Option(names = "--serial", paramLabel = "CHARDEV", description = "COM1: stdio, null, file:PATH, tcp:PORT")
    String serial;
    @Option(names = "--device", paramLabel = "TYPE[,key=value...]", description = "add a device (repeatable)")
    List<String> devices = new ArrayList<>();
    @Option(names = "--no-defaults", description = "do not add the PC chipset devices")
    boolean noDefaults;
    @Option(names = "--reboot", description = "reboot on guest reset instead of exiting")
    boolean reboot;
    @Option(names = "--switch-to", paramLabel = "ID", description = "alternate the running VM between --cpu and this backend")
    String switchTo;
    @Option(names = "--switch-every", paramLabel = "SECONDS", description = "seconds between backend switches")
    Double switchEvery;

    private final Hypervisor hypervisor;
    private final PrintStream err;

    RunCommand(Hypervisor hypervisor, PrintStream err) {
        this.hypervisor = hypervisor;
        this.err = err;
    }

    /**
     * Without --config and --kernel, the default guest: conf/default-vm.properties (the tiny kernel from
     * ../shared/guests) or, where that is absent, conf/default-vm-recipe.properties (guests/build.sh's).
     */
    static String defaultConfig() {
        String home = System.getProperty("hyperbundle.home");
        String guests = System.getProperty("hyperbundle.guests");
        if (home == null) {
            return null;
        }
        boolean shared = guests != null && java.nio.file.Files.isRegularFile(java.nio.file.Path.of(guests, "tiny", "bzImage"));
        return java.nio.file.Path.of(home, "conf", shared ? "default-vm.properties" : "default-vm-recipe.properties").toString();
    }

    VmOptions options() {
        VmOptions o = new VmOptions();
        o.configFile = config == null && kernel == null ? defaultConfig() : config;
        o.name = name;
        o.cpu = cpu;
        o.memory = memory;
        o.kernel = kernel;
        o.initrd = initrd;
        o.append = append;
        o.serial = serial;
        o.defaults = noDefaults ? Boolean.FALSE : null;
        o.reboot = reboot ? Boolean.TRUE : null;
        o.devices.addAll(devices);
        return o;
    }

    @Override
    public Integer call() throws InterruptedException {
        if ((switchTo == null) != (switchEvery == null)) {
            err.println("hyperbundle: --switch-to and --switch-every go together");
            return 2;
        }
        if (switchEvery != null && !(switchEvery > 0)) {
            err.println("hyperbundle: --switch-every " + switchEvery + " must be a positive number of seconds");
            return 2;
        }
        Machine machine;
        try {
            machine = hypervisor.create(new MachineConfigReader().read(options()));
        } catch (MachineConfigException e) {
            err.println("hyperbundle: " + e.getMessage());
            return 2;
        }
        long started = System.nanoTime();
        machine.start();
        if (switchTo != null) {
            startSwitching(machine, machine.cpuBackend(), switchTo, Duration.ofMillis(Math.round(switchEvery * 1000)));
        }
        ExitStatus status = machine.awaitExit();
        double seconds = (System.nanoTime() - started) / 1e9;
        long instructions = machine.instructionsRetired();
        err.printf("hyperbundle: %s; %d instructions in %.2f s (%.1f MIPS) on %s%n", status.message(), instructions, seconds,
                instructions / seconds / 1e6, machine.cpuBackend());
        return status.exitCode();
    }

    private void startSwitching(Machine machine, String a, String b, Duration every) {
        Thread.ofPlatform().daemon().name("backend-switcher").start(() -> {
            int n = 0;
            try {
                while (true) {
                    Optional<ExitStatus> done = machine.awaitExit(every);
                    if (done.isPresent()) {
                        return;
                    }
                    String target = n % 2 == 0 ? b : a;
                    String from = machine.cpuBackend();
                    long t0 = System.nanoTime();
                    machine.switchBackend(target);
                    n++;
                    err.printf("hyperbundle: switch %d: %s -> %s in %.1f ms (%d instructions so far)%n", n, from, target,
                            (System.nanoTime() - t0) / 1e6, machine.instructionsRetired());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                err.println("hyperbundle: backend switch failed: " + e.getMessage());
                machine.stop();
            }
        });
    }
}
