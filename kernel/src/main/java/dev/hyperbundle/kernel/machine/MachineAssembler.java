package dev.hyperbundle.kernel.machine;

import com.google.inject.Guice;
import com.google.inject.ProvisionException;
import dev.hyperbundle.kernel.chardev.CharBackendSpec;
import dev.hyperbundle.machine.MachineConfig;
import dev.hyperbundle.machine.MachineConfigException;

/** Builds a machine's object graph with Guice. */
public final class MachineAssembler {
    private final ComponentRegistry registry;
    private final CharBackendSpec charBackends;

    public MachineAssembler(ComponentRegistry registry, CharBackendSpec charBackends) {
        this.registry = registry;
        this.charBackends = charBackends;
    }

    public VmMachine assemble(MachineConfig config) throws MachineConfigException {
        try {
            return Guice.createInjector(new MachineModule(config, registry, charBackends)).getInstance(VmMachine.class);
        } catch (ProvisionException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof MachineConfigException m) {
                    throw m;
                }
            }
            throw e;
        }
    }
}
