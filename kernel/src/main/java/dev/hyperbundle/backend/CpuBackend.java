package dev.hyperbundle.backend;

/**
 * A way to run guest code, offered by a bundle as an OSGi service. The kernel finds every registered
 * backend; a VM's configuration picks one by {@link #id()}.
 *
 * <p>To write one: implement this interface and {@link Vcpu}, register it (e.g. with Declarative
 * Services: {@code @Component(service = CpuBackend.class)}), and run the backend test kit
 * ({@code dev.hyperbundle.testkit}) against it.
 */
public interface CpuBackend {
    /** Short, stable name used in configs and on the command line: "interp", "bt", "hvassist". */
    String id();

    Technique technique();

    /** Whether this host can run it; checked when listed and again before a vCPU is created. */
    Availability availability();

    /**
     * Creates a vCPU in the architectural state after RESET (the machine then loads the boot state).
     *
     * @throws VcpuException when the backend is not available (with the reason)
     */
    Vcpu createVcpu(VcpuContext context);
}
