package dev.hyperbundle.interp.backend;

import dev.hyperbundle.backend.Availability;
import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.backend.Technique;
import dev.hyperbundle.backend.Vcpu;
import dev.hyperbundle.backend.VcpuContext;
import org.osgi.service.component.annotations.Component;

/** The interpreter backend: runs anywhere the JVM runs. */
@Component(service = CpuBackend.class)
public final class InterpBackend implements CpuBackend {
    @Override
    public String id() {
        return "interp";
    }

    @Override
    public Technique technique() {
        return Technique.INTERPRETATION;
    }

    @Override
    public Availability availability() {
        return Availability.yes();
    }

    @Override
    public Vcpu createVcpu(VcpuContext context) {
        return new InterpVcpu(context);
    }
}
