package dev.hyperbundle.kernel.service;

import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.device.DeviceFactory;
import dev.hyperbundle.kernel.chardev.CharBackendSpec;
import dev.hyperbundle.kernel.machine.ComponentRegistry;
import dev.hyperbundle.kernel.machine.MachineAssembler;
import dev.hyperbundle.kernel.machine.VmMachine;
import dev.hyperbundle.machine.Hypervisor;
import dev.hyperbundle.machine.Machine;
import dev.hyperbundle.machine.MachineConfig;
import dev.hyperbundle.machine.MachineConfigException;
import dev.hyperbundle.machine.MachineState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The kernel's {@link Hypervisor}: tracks every {@link CpuBackend} and {@link DeviceFactory} service in
 * the framework and drives the hot-swap protocol: a factory leaving pauses the machines using it (after
 * saving and closing their devices), a factory arriving restores them and resumes.
 */
@Component(service = Hypervisor.class, immediate = true)
public final class HypervisorService implements Hypervisor, ComponentRegistry {
    /** How long machine creation waits for a backend or device type whose bundle is still starting. */
    private static final long SETTLE_MILLIS = 5000;

    private final CopyOnWriteArrayList<CpuBackend> backends = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<DeviceFactory> factories = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<VmMachine> machines = new CopyOnWriteArrayList<>();
    private final MachineAssembler assembler = new MachineAssembler(this, new CharBackendSpec(System.in, System.out));

    @Reference(service = CpuBackend.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeBackend")
    void addBackend(CpuBackend b) {
        backends.add(b);
    }

    void removeBackend(CpuBackend b) {
        backends.remove(b);
    }

    @Reference(service = DeviceFactory.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeFactory")
    void addFactory(DeviceFactory f) {
        factories.add(f);
        for (VmMachine m : machines) {
            m.factoryArrived(f);
        }
    }

    void removeFactory(DeviceFactory f) {
        factories.remove(f);
        for (VmMachine m : machines) {
            if (m.factoryLeaving(f)) {
                factory(f.type()).ifPresent(m::factoryArrived);
            }
        }
    }

    @Deactivate
    void deactivate() {
        for (VmMachine m : machines) {
            m.stop();
        }
    }

    @Override
    public Optional<CpuBackend> backend(String id) {
        return backends.stream().filter(b -> b.id().equals(id)).findFirst();
    }

    @Override
    public Optional<DeviceFactory> factory(String type) {
        return factories.stream().filter(f -> f.type().equals(type)).findFirst();
    }

    @Override
    public Machine create(MachineConfig config) throws MachineConfigException {
        if (machine(config.name()).isPresent()) {
            throw new MachineConfigException(config.origin("name") + ": name=" + config.name() + " is taken: a machine of that name exists"
                    + " already; expected a new name");
        }
        awaitComponents(config);
        VmMachine m = assembler.assemble(config);
        machines.add(m);
        Thread.ofPlatform().daemon().name(config.name() + "-reaper").start(() -> {
            try {
                m.awaitExit();
            } catch (InterruptedException e) {
                return;
            }
            machines.remove(m);
        });
        return m;
    }

    /** Bundles start in parallel with the caller: give a missing backend or device type a moment to appear. */
    private void awaitComponents(MachineConfig config) {
        long end = System.currentTimeMillis() + SETTLE_MILLIS;
        while (System.currentTimeMillis() < end) {
            boolean missing = backend(config.cpu()).isEmpty()
                    || config.devices().stream().anyMatch(d -> factory(d.type()).isEmpty());
            if (!missing) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public SortedSet<String> backendIds() {
        SortedSet<String> ids = new TreeSet<>();
        backends.forEach(b -> ids.add(b.id()));
        return ids;
    }

    @Override
    public SortedSet<String> deviceTypeNames() {
        return new TreeSet<>(deviceTypes().keySet());
    }

    @Override
    public List<Machine> machines() {
        return new ArrayList<>(machines.stream().filter(m -> m.state() != MachineState.STOPPED).toList());
    }

    @Override
    public Optional<Machine> machine(String name) {
        return machines().stream().filter(m -> m.name().equals(name)).findFirst();
    }

    @Override
    public List<CpuBackend> backends() {
        return List.copyOf(backends);
    }

    @Override
    public Map<String, String> deviceTypes() {
        Map<String, String> out = new TreeMap<>();
        for (DeviceFactory f : factories) {
            out.putIfAbsent(f.type(), f.description());
        }
        return out;
    }
}
