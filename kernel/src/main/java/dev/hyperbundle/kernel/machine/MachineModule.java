package dev.hyperbundle.kernel.machine;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.hyperbundle.kernel.chardev.CharBackendSpec;
import dev.hyperbundle.machine.MachineConfig;
import dev.hyperbundle.time.MachineClock;

/** The Guice bindings of one machine's object graph. */
final class MachineModule extends AbstractModule {
    private final MachineConfig config;
    private final ComponentRegistry registry;
    private final CharBackendSpec charBackends;

    MachineModule(MachineConfig config, ComponentRegistry registry, CharBackendSpec charBackends) {
        this.config = config;
        this.registry = registry;
        this.charBackends = charBackends;
    }

    @Override
    protected void configure() {
        bind(MachineConfig.class).toInstance(config);
        bind(ComponentRegistry.class).toInstance(registry);
        bind(CharBackendSpec.class).toInstance(charBackends);
    }

    @Provides
    @Singleton
    MachineClock clock() {
        MachineClock clock = MachineClock.realtime();
        clock.pause(); // guest time starts when the machine starts
        return clock;
    }

    @Provides
    @Singleton
    Platform platform(MachineClock clock) {
        return Platform.create(config.memoryBytes(), clock);
    }
}
