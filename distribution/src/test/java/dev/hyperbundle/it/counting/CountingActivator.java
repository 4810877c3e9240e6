package dev.hyperbundle.it.counting;

import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.testkit.PortCounterBackend;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * A test backend bundle ("counting"): the kernel test kit's {@link PortCounterBackend} on port 0x510, whose
 * guest loop writes the counter device and checks its count (EBP counts lost or doubled writes, ESI holds
 * the build number the device reports at 0x514).
 */
public final class CountingActivator implements BundleActivator {
    @Override
    public void start(BundleContext context) {
        context.registerService(CpuBackend.class, new PortCounterBackend("counting", 0x510), null);
    }

    @Override
    public void stop(BundleContext context) {
    }
}
