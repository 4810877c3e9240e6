package dev.hyperbundle.it.counting;

import dev.hyperbundle.backend.Availability;
import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.backend.Technique;
import dev.hyperbundle.backend.Vcpu;
import dev.hyperbundle.backend.VcpuContext;
import dev.hyperbundle.backend.VcpuExit;
import dev.hyperbundle.cpu.X86CpuState;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * A test backend bundle ("counting"): each step writes to port 0x510 and reads the device's count back;
 * EAX counts steps, EBP counts mismatches (a lost or doubled write), ESI holds the last build number read
 * from port 0x514.
 */
public final class CountingActivator implements BundleActivator {
    @Override
    public void start(BundleContext context) {
        context.registerService(CpuBackend.class, new CpuBackend() {
            @Override
            public String id() {
                return "counting";
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
            public Vcpu createVcpu(VcpuContext ctx) {
                return new CountingVcpu(ctx);
            }
        }, null);
    }

    @Override
    public void stop(BundleContext context) {
    }

    static final class CountingVcpu implements Vcpu {
        final VcpuContext ctx;
        final X86CpuState s = new X86CpuState();
        volatile boolean kicked;
        long retired;

        CountingVcpu(VcpuContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public VcpuExit run() {
            while (!kicked) {
                ctx.ports().write(0x510, 4, s.gpr[X86CpuState.EAX]);
                s.gpr[X86CpuState.EAX]++;
                if ((int) ctx.ports().read(0x510, 4) != s.gpr[X86CpuState.EAX]) {
                    s.gpr[X86CpuState.EBP]++;
                }
                s.gpr[X86CpuState.ESI] = (int) ctx.ports().read(0x514, 4);
                retired++;
            }
            kicked = false;
            return VcpuExit.KICKED;
        }

        @Override
        public void kick() {
            kicked = true;
        }

        @Override
        public void saveState(X86CpuState into) {
            into.set(s);
        }

        @Override
        public void loadState(X86CpuState from) {
            s.set(from);
        }

        @Override
        public long instructionsRetired() {
            return retired;
        }

        @Override
        public void close() {
        }
    }
}
