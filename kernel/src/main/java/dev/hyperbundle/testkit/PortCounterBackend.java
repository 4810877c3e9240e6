package dev.hyperbundle.testkit;

import dev.hyperbundle.backend.Availability;
import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.backend.Technique;
import dev.hyperbundle.backend.Vcpu;
import dev.hyperbundle.backend.VcpuContext;
import dev.hyperbundle.backend.VcpuExit;
import dev.hyperbundle.cpu.X86CpuState;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A CPU backend whose "guest" is a fixed loop, for testing machines and devices without x86 code: each
 * step writes EAX to {@code port}, increments EAX, reads {@code port} back (a counting device answers
 * with its write count, so a mismatch, a lost or doubled write, increments EBP) and reads
 * {@code port + 4} into ESI. It takes interrupts when EFLAGS.IF is set (vector into EBX, EDI counts
 * them), halts once EAX reaches {@link #haltAt} and shuts down (triple fault) when EAX reaches
 * {@link #shutdownAt} (0 = never). Started from the reset state it sets IF when
 * {@link #interruptsOn}. It honours the whole {@link Vcpu} contract (kick, save, load).
 */
public final class PortCounterBackend implements CpuBackend {
    private final String id;
    private final int port;
    private final AtomicInteger created = new AtomicInteger();
    public volatile int haltAt;
    public volatile int shutdownAt;
    public volatile boolean interruptsOn;

    public PortCounterBackend(String id, int port) {
        this.id = id;
        this.port = port;
    }

    /** vCPUs created so far (a live switch creates one). */
    public int created() {
        return created.get();
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
        return new CounterVcpu(context);
    }

    private final class CounterVcpu implements Vcpu {
        private final VcpuContext context;
        private final X86CpuState s = new X86CpuState();
        private volatile boolean kicked;
        private long retired;

        CounterVcpu(VcpuContext context) {
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
                context.ports().write(port, 4, s.gpr[X86CpuState.EAX]);
                s.gpr[X86CpuState.EAX]++;
                if ((int) context.ports().read(port, 4) != s.gpr[X86CpuState.EAX]) {
                    s.gpr[X86CpuState.EBP]++;
                }
                s.gpr[X86CpuState.ESI] = (int) context.ports().read(port + 4, 4);
                retired++;
                if (haltAt != 0 && s.gpr[X86CpuState.EAX] == haltAt) {
                    s.halted = true;
                    return VcpuExit.HALTED;
                }
                if (shutdownAt != 0 && s.gpr[X86CpuState.EAX] == shutdownAt) {
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
            if (from.eip == 0xfff0 && interruptsOn) {
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
