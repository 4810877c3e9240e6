package dev.hyperbundle.kernel.machine;

import dev.hyperbundle.backend.Availability;
import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.backend.Technique;
import dev.hyperbundle.backend.Vcpu;
import dev.hyperbundle.backend.VcpuContext;
import dev.hyperbundle.backend.VcpuExit;
import dev.hyperbundle.cpu.X86CpuState;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test backend whose "instructions" each write EAX to port 0x510 and increment EAX. It takes
 * interrupts when EFLAGS.IF is set (the vector goes to EBX, EDI counts them), halts once when EAX reaches
 * {@link #haltAt} and shuts down when EAX reaches {@link #shutdownAt} (0 = never). Started from the reset
 * state it sets IF when {@link #interruptsOn}. Enough to test the machine's loop, pause, hot-swap and
 * backend switching without an x86 decoder.
 */
final class CountingBackend implements CpuBackend {
    static final int PORT = 0x510;
    final String id;
    final AtomicInteger created = new AtomicInteger();
    volatile int haltAt;
    volatile int shutdownAt;
    volatile boolean interruptsOn;

    CountingBackend(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
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
        created.incrementAndGet();
        return new CountingVcpu(this, context);
    }

    static final class CountingVcpu implements Vcpu {
        private final CountingBackend backend;
        private final VcpuContext context;
        private final X86CpuState s = new X86CpuState();
        private volatile boolean kicked;
        private long retired;

        CountingVcpu(CountingBackend backend, VcpuContext context) {
            this.backend = backend;
            this.context = context;
        }

        private boolean takeInterrupt() {
            if ((s.eflags & 0x200) != 0 && context.interrupts().intrAsserted()) {
                s.gpr[X86CpuState.EBX] = context.interrupts().acknowledge();
                s.gpr[X86CpuState.EDI]++;
                s.halted = false;
                return true;
            }
            return false;
        }

        @Override
        public VcpuExit run() {
            if (s.halted && !takeInterrupt()) {
                return VcpuExit.HALTED;
            }
            while (true) {
                if (kicked) {
                    kicked = false;
                    return VcpuExit.KICKED;
                }
                takeInterrupt();
                context.ports().write(PORT, 4, s.gpr[X86CpuState.EAX]);
                s.gpr[X86CpuState.EAX]++;
                retired++;
                if (backend.haltAt != 0 && s.gpr[X86CpuState.EAX] == backend.haltAt) {
                    s.halted = true;
                    return VcpuExit.HALTED;
                }
                if (backend.shutdownAt != 0 && s.gpr[X86CpuState.EAX] == backend.shutdownAt) {
                    return VcpuExit.SHUTDOWN;
                }
            }
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
            if (from.eip == 0xfff0 && backend.interruptsOn) {
                s.eflags |= 0x200;
            }
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
