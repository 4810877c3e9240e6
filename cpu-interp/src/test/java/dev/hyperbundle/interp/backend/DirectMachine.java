package dev.hyperbundle.interp.backend;

import dev.hyperbundle.backend.Vcpu;
import dev.hyperbundle.backend.VcpuExit;
import dev.hyperbundle.bus.BusDevice;
import dev.hyperbundle.cpu.Segment;
import dev.hyperbundle.cpu.X86CpuState;
import dev.hyperbundle.kernel.machine.Platform;
import dev.hyperbundle.kernel.machine.PlatformVcpuContext;
import dev.hyperbundle.time.MachineClock;

/**
 * A small machine (4 MiB unless told) driven by the test thread itself (no vCPU loop), so a test can change guest memory
 * between two runs the way a device thread would, and can hook a port to act during a run.
 */
final class DirectMachine implements AutoCloseable {
    static final int CODE = 0x10000;

    final Platform platform;
    final Vcpu vcpu;

    DirectMachine() {
        this(4 << 20);
    }

    DirectMachine(long ram) {
        platform = Platform.create(ram, MachineClock.realtime());
        vcpu = new InterpBackend().createVcpu(new PlatformVcpuContext(0, platform));
    }

    /** Flat 32-bit protected mode at eip, paging off, interrupts off, stack at 0x80000. */
    static X86CpuState flat(int eip) {
        X86CpuState s = new X86CpuState();
        int flat = Segment.S | Segment.P | Segment.DB | Segment.G;
        s.seg[X86CpuState.CS].set(new Segment(0x08, 0, 0xffffffff, 0xb | flat));
        for (int r : new int[] {X86CpuState.ES, X86CpuState.SS, X86CpuState.DS, X86CpuState.FS, X86CpuState.GS}) {
            s.seg[r].set(new Segment(0x10, 0, 0xffffffff, 0x3 | flat));
        }
        s.ldtr.set(new Segment(0, 0, 0xffff, 0x2 | Segment.P));
        s.tr.set(new Segment(0, 0, 0xffff, 0xb | Segment.P));
        s.cr0 = 0x11;
        s.eip = eip;
        s.gpr[X86CpuState.ESP] = 0x80000;
        return s;
    }

    void load(int address, byte[] bytes) {
        platform.memory().load(address, bytes, 0, bytes.length);
    }

    /** A port whose OUT runs action (on the vCPU thread, as a device would). */
    void onOut(int port, Runnable action) {
        platform.ports().register(port, 1, new BusDevice() {
            @Override
            public long read(long offset, int size) {
                return 0;
            }

            @Override
            public void write(long offset, int size, long value) {
                action.run();
            }
        }, "test hook");
    }

    /** Runs from state until HLT; returns the state then. */
    X86CpuState runToHlt(X86CpuState start) {
        vcpu.loadState(start);
        VcpuExit exit;
        do {
            exit = vcpu.run();
        } while (exit == VcpuExit.KICKED);
        if (exit != VcpuExit.HALTED) {
            throw new AssertionError("guest ended with " + exit);
        }
        X86CpuState s = new X86CpuState();
        vcpu.saveState(s);
        return s;
    }

    @Override
    public void close() {
        vcpu.close();
        platform.memory().close();
    }
}
