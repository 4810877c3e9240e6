package dev.hyperbundle.interp.backend;

import dev.hyperbundle.backend.Vcpu;
import dev.hyperbundle.backend.VcpuContext;
import dev.hyperbundle.backend.VcpuException;
import dev.hyperbundle.backend.VcpuExit;
import dev.hyperbundle.cpu.X86CpuState;
import dev.hyperbundle.interp.core.Cpu;
import dev.hyperbundle.interp.core.CpuFault;
import dev.hyperbundle.interp.core.EventDelivery;
import dev.hyperbundle.interp.core.Executor;
import dev.hyperbundle.interp.core.Flags;
import dev.hyperbundle.interp.core.Mmu;
import dev.hyperbundle.interp.core.PhysicalBus;
import dev.hyperbundle.interp.core.SystemInstructions;
import dev.hyperbundle.interp.x87.FpuBinding;
import dev.hyperbundle.irq.CpuInterrupts;

/**
 * The interpreter's vCPU: the run loop (events at instruction boundaries, batches of instructions
 * between kick checks), exception escalation to #DF and shutdown, and state save/restore.
 */
final class InterpVcpu implements Vcpu {
    /** Instructions between two looks at the kick flag: bounds the time to return after kick(). */
    private static final int BATCH = 4096;
    /** DR6.BS: the debug exception was a single-step trap (SDM Vol. 3B, 17.2.3). */
    private static final int DR6_BS = 1 << 14;

    private final VcpuContext context;
    private final Cpu cpu;
    private final Executor executor;
    private final SystemInstructions system;
    private final EventDelivery events;
    private final CpuInterrupts interrupts;
    private final FpuBinding fpu;
    private volatile boolean kicked;
    private boolean shutdown;

    InterpVcpu(VcpuContext context) {
        this.context = context;
        PhysicalBus phys = new PhysicalBus(context.memory(), context.mmio());
        this.cpu = new Cpu(new Mmu(phys));
        this.system = new SystemInstructions(cpu, context.ports(), context.cpuid(), context.msrs(), context.clock());
        this.executor = new Executor(cpu, system);
        this.events = system.events();
        this.interrupts = context.interrupts();
        this.fpu = FpuBinding.create(cpu);
        system.setFpu(fpu.unit());
        system.setFpuErrorPins(interrupts);
        loadState(X86CpuState.afterReset(context.cpuid().signature()));
    }

    @Override
    public VcpuExit run() {
        if (kicked) {
            kicked = false;
            return VcpuExit.KICKED;
        }
        try {
            return loop();
        } catch (CpuFault f) {
            throw new VcpuException("unhandled CPU fault " + f.getMessage() + " at eip " + Integer.toHexString(cpu.eip), f);
        } catch (VcpuException e) {
            throw e;
        } catch (RuntimeException e) {
            // An interpreter bug, not a guest action: stop the machine with the reason instead of corrupting state.
            throw new VcpuException("interpreter error at eip 0x" + Integer.toHexString(cpu.eip) + ": " + e, e);
        }
    }

    private VcpuExit loop() {
        while (true) {
            if (shutdown) {
                return VcpuExit.SHUTDOWN;
            }
            deliverEvents();
            if (shutdown) {
                return VcpuExit.SHUTDOWN;
            }
            if (cpu.halted) {
                return VcpuExit.HALTED;
            }
            if (cpu.interruptShadow != 0 || (cpu.flags.bits & Flags.TF) != 0) {
                stepOne();
            } else {
                runSlice();
            }
            if (kicked) {
                kicked = false;
                return shutdown ? VcpuExit.SHUTDOWN : VcpuExit.KICKED;
            }
        }
    }

    /**
     * Up to {@link #BATCH} instructions; the executor stops earlier after I/O, HLT and IF or interrupt-shadow
     * changes, so events are looked at on those instruction boundaries.
     */
    private void runSlice() {
        try {
            executor.run(BATCH);
        } catch (CpuFault f) {
            raise(f, 0);
        }
    }

    /**
     * One instruction on its own: the one after STI, MOV SS or POP SS, with interrupts inhibited (SDM Vol. 3A,
     * 6.8.3), or one that begins with TF set, which then ends in a single-step #DB trap with DR6.BS (SDM Vol.
     * 3B, 17.3.1.4), unless it raised an event itself (an INT n or a fault: the handler runs with TF clear).
     */
    private void stepOne() {
        boolean shadowed = cpu.interruptShadow != 0;
        boolean traced = (cpu.flags.bits & Flags.TF) != 0;
        long events = this.events.delivered;
        cpu.interruptShadow = 0;
        try {
            executor.step();
        } catch (CpuFault f) {
            raise(f, 0);
            return;
        }
        if (shadowed) {
            cpu.interruptShadow = 0; // a shadow does not extend over a second consecutive STI/MOV SS
        }
        if (traced && this.events.delivered == events && !cpu.halted) {
            cpu.dr[6] |= DR6_BS;
            raise(new CpuFault(CpuFault.DB), 0);
        }
    }

    /** NMI first, then INTR when IF = 1 and no interrupt shadow (SDM Vol. 3A, 6.9). */
    private void deliverEvents() {
        if (cpu.interruptShadow != 0) {
            return;
        }
        if (interrupts.nmiPending() && !cpu.nmiBlocked) {
            interrupts.acknowledgeNmi();
            cpu.halted = false;
            cpu.nmiBlocked = true;
            deliver(CpuFault.NMI);
            return;
        }
        if ((cpu.flags.bits & Flags.IF) != 0 && interrupts.intrAsserted()) {
            int vector = interrupts.acknowledge() & 0xff;
            cpu.halted = false;
            deliver(vector);
        }
    }

    private void deliver(int vector) {
        try {
            events.deliver(vector, EventDelivery.EXTERNAL, false, 0);
        } catch (CpuFault f) {
            raise(f, 0);
        }
    }

    /** Delivers an exception; a fault during delivery becomes #DF or shutdown (SDM Vol. 3A, 6.15, table 6-5). */
    private void raise(CpuFault f, int depth) {
        try {
            events.deliver(f.vector, EventDelivery.EXCEPTION, f.hasErrorCode, f.errorCode);
        } catch (CpuFault second) {
            if (f.vector == CpuFault.DF || depth > 2) {
                shutdown = true;
                return;
            }
            boolean doubleFault = (CpuFault.contributory(f.vector) && CpuFault.contributory(second.vector))
                    || (f.vector == CpuFault.PF && (second.vector == CpuFault.PF || CpuFault.contributory(second.vector)));
            raise(doubleFault ? new CpuFault(CpuFault.DF, 0) : second, depth + 1);
        }
    }

    @Override
    public void kick() {
        kicked = true;
    }

    @Override
    public void saveState(X86CpuState into) {
        CpuStateMapper.save(cpu, system.tsc(), into);
        if (shutdown) {
            into.halted = true;
        }
        fpu.save(into.fpu);
    }

    @Override
    public void loadState(X86CpuState from) {
        shutdown = false;
        executor.stateLoaded();
        CpuStateMapper.load(cpu, from);
        cpu.tscOffset = from.tsc - context.clock().nanos();
        fpu.load(from.fpu);
        system.driveFerr(true);
        if (from.pendingVector >= 0) {
            if (from.pendingIsException) {
                raise(from.pendingHasErrorCode ? new CpuFault(from.pendingVector, from.pendingErrorCode)
                        : new CpuFault(from.pendingVector), 0);
            } else {
                deliver(from.pendingVector);
            }
        }
    }

    @Override
    public long instructionsRetired() {
        return executor.retired;
    }

    @Override
    public void close() {
        executor.close();
    }
}
