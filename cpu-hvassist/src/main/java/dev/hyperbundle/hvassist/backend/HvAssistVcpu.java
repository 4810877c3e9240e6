package dev.hyperbundle.hvassist.backend;

import dev.hyperbundle.backend.Vcpu;
import dev.hyperbundle.backend.VcpuContext;
import dev.hyperbundle.backend.VcpuException;
import dev.hyperbundle.backend.VcpuExit;
import dev.hyperbundle.cpu.X86CpuState;
import dev.hyperbundle.hvassist.kvm.KvmExit;
import dev.hyperbundle.hvassist.kvm.KvmIoctl;
import dev.hyperbundle.hvassist.kvm.KvmLayouts;
import dev.hyperbundle.hvassist.kvm.KvmVcpuFd;
import dev.hyperbundle.hvassist.state.CpuidCodec;
import dev.hyperbundle.hvassist.state.DebugRegsCodec;
import dev.hyperbundle.hvassist.state.EventsCodec;
import dev.hyperbundle.hvassist.state.FpuCodec;
import dev.hyperbundle.hvassist.state.MsrCodec;
import dev.hyperbundle.hvassist.state.RegsCodec;
import dev.hyperbundle.hvassist.state.SregsCodec;
import dev.hyperbundle.hvassist.sys.Errno;
import dev.hyperbundle.hvassist.sys.KickSignal;
import dev.hyperbundle.hvassist.sys.Libc;
import dev.hyperbundle.hvassist.sys.SysException;
import dev.hyperbundle.irq.CpuInterrupts;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

import static dev.hyperbundle.hvassist.kvm.KvmLayouts.KVM_RUN_FAIL_ENTRY;
import static dev.hyperbundle.hvassist.kvm.KvmLayouts.KVM_RUN_HW;
import static dev.hyperbundle.hvassist.kvm.KvmLayouts.KVM_RUN_INTERNAL;
import static dev.hyperbundle.hvassist.kvm.KvmLayouts.KVM_RUN_IO;
import static dev.hyperbundle.hvassist.kvm.KvmLayouts.KVM_RUN_MMIO;
import static dev.hyperbundle.hvassist.kvm.KvmLayouts.KVM_RUN_UNION_OFFSET;
import static dev.hyperbundle.hvassist.kvm.KvmLayouts.offset;

/**
 * A vCPU run by KVM. The KVM vCPU is created lazily on the thread of the first {@link #run()} (api.rst 4:
 * vcpu ioctls belong to the thread that created the vcpu); until then the state lives in a plain
 * {@link X86CpuState}. Interrupts come from the machine's own interrupt controller through
 * {@link CpuInterrupts} and are injected with KVM_INTERRUPT (no in-kernel irqchip, see package-info).
 */
final class HvAssistVcpu implements Vcpu {
    private static final long IO_DIRECTION = KVM_RUN_UNION_OFFSET + offset(KVM_RUN_IO, "direction"),
            IO_SIZE = KVM_RUN_UNION_OFFSET + offset(KVM_RUN_IO, "size"),
            IO_PORT = KVM_RUN_UNION_OFFSET + offset(KVM_RUN_IO, "port"),
            IO_COUNT = KVM_RUN_UNION_OFFSET + offset(KVM_RUN_IO, "count"),
            IO_DATA_OFFSET = KVM_RUN_UNION_OFFSET + offset(KVM_RUN_IO, "data_offset"),
            MMIO_ADDRESS = KVM_RUN_UNION_OFFSET + offset(KVM_RUN_MMIO, "phys_addr"),
            MMIO_DATA = KVM_RUN_UNION_OFFSET + offset(KVM_RUN_MMIO, "data"),
            MMIO_LEN = KVM_RUN_UNION_OFFSET + offset(KVM_RUN_MMIO, "len"),
            MMIO_IS_WRITE = KVM_RUN_UNION_OFFSET + offset(KVM_RUN_MMIO, "is_write"),
            FAIL_REASON = KVM_RUN_UNION_OFFSET + offset(KVM_RUN_FAIL_ENTRY, "hardware_entry_failure_reason"),
            INTERNAL_SUBERROR = KVM_RUN_UNION_OFFSET + offset(KVM_RUN_INTERNAL, "suberror"),
            INTERNAL_NDATA = KVM_RUN_UNION_OFFSET + offset(KVM_RUN_INTERNAL, "ndata"),
            INTERNAL_DATA = KVM_RUN_UNION_OFFSET + offset(KVM_RUN_INTERNAL, "data"),
            HW_REASON = KVM_RUN_UNION_OFFSET + offset(KVM_RUN_HW, "hardware_exit_reason");
    private static final int EFLAGS_IF = 1 << 9;
    /** KVM_INTERNAL_ERROR_EMULATION and KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES (linux/kvm.h). */
    private static final int KVM_INTERNAL_ERROR_EMULATION = 1;
    private static final long EMULATION_FLAG_INSTRUCTION_BYTES = 1;
    private static final long CR0_PG = 1L << 31;
    /** The emulating backends count the TSC in guest nanoseconds (1 GHz); KVM scales to it when the host can. */
    private static final long TSC_KHZ = 1_000_000;

    private final VcpuContext context;
    private final CpuInterrupts interrupts;
    private final KvmGuestVm vm;
    private final boolean pagingWorks;
    private final Object kickLock = new Object();

    /** The state while there is no KVM vCPU yet. */
    private final X86CpuState unborn;
    private KvmVcpuFd fd;
    private Thread owner;
    private long ownerPthread;
    private MemorySegment regs, sregs, fpu, events, debugregs, msrs, interruptArg;

    private boolean inRun; // guarded by kickLock
    private volatile boolean kickBeforeCreation;
    private boolean halted;
    /** KVM may take an interrupt now: from kvm_run after each exit, or computed from a loaded state. */
    private boolean injectionReady;
    private long exits;
    private boolean closed;

    HvAssistVcpu(VcpuContext context, KvmGuestVm vm, boolean pagingWorks) {
        this.context = context;
        this.interrupts = context.interrupts();
        this.vm = vm;
        this.pagingWorks = pagingWorks;
        this.unborn = X86CpuState.afterReset(context.cpuid().signature());
        this.injectionReady = false;
    }

    // ---- creation on the run thread -------------------------------------------------------------------

    private void ensureOnThisThread() {
        Thread current = Thread.currentThread();
        if (fd == null) {
            create();
        } else if (owner != current) {
            // The machine moved the vCPU to another thread: block the kick signal there and tell KVM.
            long mask = KickSignal.blockOnCurrentThread();
            synchronized (kickLock) {
                fd.setSignalMask(mask);
                owner = current;
                ownerPthread = Libc.pthreadSelf();
            }
        }
    }

    private void create() {
        long mask = KickSignal.blockOnCurrentThread();
        KvmVcpuFd created;
        try {
            created = vm.vm.createVcpu(context.index());
        } catch (SysException e) {
            throw new VcpuException("cannot create the KVM vCPU: " + e.getMessage(), e);
        }
        try {
            var arena = created.arena();
            regs = arena.allocate(KvmLayouts.KVM_REGS);
            sregs = arena.allocate(KvmLayouts.KVM_SREGS);
            fpu = arena.allocate(KvmLayouts.KVM_FPU);
            events = arena.allocate(KvmLayouts.KVM_VCPU_EVENTS);
            debugregs = arena.allocate(KvmLayouts.KVM_DEBUGREGS);
            msrs = arena.allocate(MsrCodec.BYTES, 8);
            interruptArg = arena.allocate(KvmLayouts.KVM_INTERRUPT);
            List<int[]> cpuid = context.cpuid().entries();
            MemorySegment table = arena.allocate(CpuidCodec.bytes(cpuid.size()), 8);
            CpuidCodec.encode(cpuid, table);
            created.ioctl(KvmIoctl.KVM_SET_CPUID2, table, "KVM_SET_CPUID2");
            created.setSignalMask(mask);
            created.setTscKhz(TSC_KHZ); // best effort: without TSC scaling the guest TSC runs at the host's rate
        } catch (SysException e) {
            created.close();
            throw new VcpuException("cannot set up the KVM vCPU: " + e.getMessage(), e);
        }
        synchronized (kickLock) {
            fd = created;
            owner = Thread.currentThread();
            ownerPthread = Libc.pthreadSelf();
            if (kickBeforeCreation) {
                kickBeforeCreation = false;
                fd.requestImmediateExit();
            }
        }
        loadIntoKvm(unborn);
    }

    // ---- run ----------------------------------------------------------------------------------------

    @Override
    public VcpuExit run() {
        if (closed) {
            throw new IllegalStateException("the vCPU is closed");
        }
        ensureOnThisThread();
        synchronized (kickLock) {
            inRun = true;
        }
        try {
            return loop();
        } catch (SysException e) {
            throw new VcpuException(e.getMessage(), e);
        } finally {
            synchronized (kickLock) {
                inRun = false;
            }
            // A kick that came after KVM_RUN had already exited for another reason is still pending (blocked) on
            // this thread. Taken now, it cannot fire later: the JVM unblocks signals when a thread ends, and the
            // default action of a real-time signal ends the process.
            KickSignal.drain();
        }
    }

    private VcpuExit loop() {
        while (true) {
            if (halted) {
                boolean wake = interrupts.nmiPending() || (interrupts.intrAsserted() && injectionReady);
                if (!wake) {
                    return VcpuExit.HALTED;
                }
                halted = false;
            }
            offerInterrupts();
            int r = fd.kvmRun();
            if (r == -Errno.EINTR) {
                return kicked();
            }
            KvmVcpuFd.check(r, "KVM_RUN");
            exits++;
            injectionReady = fd.readyForInterrupt();
            int reason = fd.exitReason();
            switch (reason) {
                case KvmExit.IO -> io();
                case KvmExit.MMIO -> mmio();
                case KvmExit.IRQ_WINDOW_OPEN -> {
                    // offerInterrupts injects on the next pass
                }
                case KvmExit.HLT -> {
                    if (!(interrupts.nmiPending() || (interrupts.intrAsserted() && injectionReady))) {
                        halted = true;
                        return VcpuExit.HALTED;
                    }
                }
                case KvmExit.INTR -> {
                    return kicked();
                }
                case KvmExit.SHUTDOWN -> {
                    return shutdown();
                }
                case KvmExit.FAIL_ENTRY -> throw new VcpuException(String.format(
                        "KVM could not enter the guest (KVM_EXIT_FAIL_ENTRY, hardware entry failure reason 0x%x) at %s",
                        fd.run().get(ValueLayout.JAVA_LONG, FAIL_REASON), where()));
                case KvmExit.INTERNAL_ERROR -> throw new VcpuException(internalError());
                case KvmExit.UNKNOWN -> throw new VcpuException(String.format(
                        "KVM_EXIT_UNKNOWN (hardware exit reason 0x%x) at %s",
                        fd.run().get(ValueLayout.JAVA_LONG, HW_REASON), where()));
                default -> throw new VcpuException("unexpected " + KvmExit.describe(reason) + " at " + where());
            }
        }
    }

    /** NMI through KVM_NMI; INTR through KVM_INTERRUPT when KVM can take it, else ask for the window (api.rst 5). */
    private void offerInterrupts() {
        if (interrupts.nmiPending()) {
            fd.nmi();
            interrupts.acknowledgeNmi();
        }
        boolean asserted = interrupts.intrAsserted();
        if (asserted && injectionReady) {
            fd.interrupt(interrupts.acknowledge() & 0xff, interruptArg);
            injectionReady = false;
            asserted = interrupts.intrAsserted();
        }
        fd.setRequestInterruptWindow(asserted);
    }

    private VcpuExit kicked() {
        fd.clearImmediateExit();
        KickSignal.drain();
        return VcpuExit.KICKED;
    }

    private VcpuExit shutdown() {
        if (!pagingWorks) {
            fd.ioctl(KvmIoctl.KVM_GET_REGS, regs, "KVM_GET_REGS");
            fd.ioctl(KvmIoctl.KVM_GET_SREGS, sregs, "KVM_GET_SREGS");
            X86CpuState s = new X86CpuState();
            RegsCodec.decode(regs, s);
            SregsCodec.decode(sregs, s);
            if ((s.cr0 & CR0_PG) != 0 || turnsPagingOn(s)) {
                throw new VcpuException(KvmAvailability.NO_PAGING + " (the guest turned on paging)");
            }
        }
        return VcpuExit.SHUTDOWN;
    }

    /**
     * Whether the instruction at CS:EIP is MOV CR0, r32 (0F 22 /0, SDM Vol. 2B) with PG set in the source:
     * a host whose KVM cannot page shuts the guest down on that very instruction, CR0 still without PG.
     * Paging is off there, so CS.base + EIP is a physical address; an unmapped one reads as not-that.
     */
    boolean turnsPagingOn(X86CpuState s) {
        long at = (s.seg[X86CpuState.CS].base + (s.eip & 0xffffffffL)) & 0xffffffffL;
        var memory = context.memory();
        if (!memory.isMapped(at, 3)) {
            return false;
        }
        int modrm = memory.read8(at + 2);
        return memory.read8(at) == 0x0F && memory.read8(at + 1) == 0x22 && (modrm & 0xF8) == 0xC0
                && (s.gpr[modrm & 7] & CR0_PG) != 0;
    }

    private void io() {
        MemorySegment run = fd.run();
        boolean out = run.get(ValueLayout.JAVA_BYTE, IO_DIRECTION) == KvmIoctl.KVM_EXIT_IO_OUT;
        int size = run.get(ValueLayout.JAVA_BYTE, IO_SIZE);
        int port = run.get(ValueLayout.JAVA_SHORT, IO_PORT) & 0xffff;
        int count = run.get(ValueLayout.JAVA_INT, IO_COUNT);
        long data = run.get(ValueLayout.JAVA_LONG, IO_DATA_OFFSET);
        // String I/O: count items of size bytes back to back at data_offset (api.rst 5, KVM_EXIT_IO).
        for (int i = 0; i < count; i++) {
            long at = data + (long) i * size;
            if (out) {
                context.ports().write(port, size, readLe(run, at, size));
            } else {
                writeLe(run, at, size, context.ports().read(port, size));
            }
        }
    }

    private void mmio() {
        MemorySegment run = fd.run();
        long address = run.get(ValueLayout.JAVA_LONG, MMIO_ADDRESS);
        int len = run.get(ValueLayout.JAVA_INT, MMIO_LEN);
        if (run.get(ValueLayout.JAVA_BYTE, MMIO_IS_WRITE) != 0) {
            if (!vm.inRom(address)) {
                context.mmio().write(address, len, readLe(run, MMIO_DATA, len));
            }
        } else {
            writeLe(run, MMIO_DATA, len, context.mmio().read(address, len));
        }
    }

    static long readLe(MemorySegment m, long at, int size) {
        long v = 0;
        for (int i = 0; i < size; i++) {
            v |= (m.get(ValueLayout.JAVA_BYTE, at + i) & 0xffL) << (8 * i);
        }
        return v;
    }

    static void writeLe(MemorySegment m, long at, int size, long value) {
        for (int i = 0; i < size; i++) {
            m.set(ValueLayout.JAVA_BYTE, at + i, (byte) (value >>> (8 * i)));
        }
    }

    private String internalError() {
        MemorySegment run = fd.run();
        int sub = run.get(ValueLayout.JAVA_INT, INTERNAL_SUBERROR);
        int n = Math.min(16, run.get(ValueLayout.JAVA_INT, INTERNAL_NDATA));
        StringBuilder b = new StringBuilder("KVM internal error (KVM_EXIT_INTERNAL_ERROR, suberror ").append(sub);
        if (sub == KVM_INTERNAL_ERROR_EMULATION) {
            b.append(" = instruction emulation failed");
        }
        b.append(')');
        long flags = n > 0 ? run.get(ValueLayout.JAVA_LONG, INTERNAL_DATA) : 0;
        if (sub == KVM_INTERNAL_ERROR_EMULATION && n >= 3 && (flags & EMULATION_FLAG_INSTRUCTION_BYTES) != 0) {
            // struct kvm_run.emulation_failure: u64 flags, then u8 insn_size and u8 insn_bytes[15] (api.rst 5, KVM_EXIT_INTERNAL_ERROR)
            int size = Math.min(15, run.get(ValueLayout.JAVA_BYTE, INTERNAL_DATA + 8) & 0xff);
            b.append(", instruction bytes");
            for (int i = 0; i < size; i++) {
                b.append(String.format(" %02x", run.get(ValueLayout.JAVA_BYTE, INTERNAL_DATA + 9 + i) & 0xff));
            }
        } else {
            for (int i = 0; i < n; i++) {
                b.append(i == 0 ? ", data" : "").append(String.format(" 0x%x", run.get(ValueLayout.JAVA_LONG, INTERNAL_DATA + 8L * i)));
            }
        }
        return b.append(" at ").append(where()).toString();
    }

    private String where() {
        try {
            fd.ioctl(KvmIoctl.KVM_GET_REGS, regs, "KVM_GET_REGS");
            fd.ioctl(KvmIoctl.KVM_GET_SREGS, sregs, "KVM_GET_SREGS");
            X86CpuState s = new X86CpuState();
            RegsCodec.decode(regs, s);
            SregsCodec.decode(sregs, s);
            return String.format("cs:eip %04x:%08x (cr0 %08x)", s.seg[X86CpuState.CS].selector, s.eip, s.cr0);
        } catch (RuntimeException e) {
            return "an unknown address (" + e.getMessage() + ")";
        }
    }

    // ---- kick ---------------------------------------------------------------------------------------

    /**
     * immediate_exit = 1 makes the next or current KVM_RUN return EINTR; the signal interrupts one that is
     * already in the guest (TOOLCHAIN.md recipe). The lock keeps the vCPU thread inside run() while the
     * signal is sent, so it goes to a live thread.
     */
    @Override
    public void kick() {
        synchronized (kickLock) {
            if (fd == null) {
                kickBeforeCreation = true;
                return;
            }
            if (closed) {
                return;
            }
            fd.requestImmediateExit();
            if (inRun) {
                KickSignal.send(ownerPthread);
            }
        }
    }

    // ---- state --------------------------------------------------------------------------------------

    @Override
    public void saveState(X86CpuState into) {
        if (fd == null) {
            into.set(unborn);
            into.halted = halted;
            return;
        }
        try {
            fd.ioctl(KvmIoctl.KVM_GET_REGS, regs, "KVM_GET_REGS");
            fd.ioctl(KvmIoctl.KVM_GET_SREGS, sregs, "KVM_GET_SREGS");
            fd.ioctl(KvmIoctl.KVM_GET_FPU, fpu, "KVM_GET_FPU");
            fd.ioctl(KvmIoctl.KVM_GET_DEBUGREGS, debugregs, "KVM_GET_DEBUGREGS");
            MsrCodec.encodeIndexes(msrs);
            int n = fd.ioctlResult(KvmIoctl.KVM_GET_MSRS, msrs);
            if (n != MsrCodec.INDEXES.length) {
                throw new VcpuException("KVM_GET_MSRS read " + (n < 0 ? Errno.describe(-n) : n + " of " + MsrCodec.INDEXES.length + " MSRs"));
            }
            fd.ioctl(KvmIoctl.KVM_GET_VCPU_EVENTS, events, "KVM_GET_VCPU_EVENTS");
        } catch (SysException e) {
            throw new VcpuException("cannot read the KVM vCPU state: " + e.getMessage(), e);
        }
        RegsCodec.decode(regs, into);
        SregsCodec.decode(sregs, into);
        FpuCodec.decode(fpu, into.fpu);
        DebugRegsCodec.decode(debugregs, into);
        MsrCodec.decode(msrs, into);
        EventsCodec.decode(events, into);
        int bitmapped = SregsCodec.pendingInterrupt(sregs);
        if (into.pendingVector < 0 && bitmapped >= 0) {
            into.pendingVector = bitmapped;
        }
        // HLT exits to user space without an in-kernel irqchip, so halted is ours (KVM's mp_state stays RUNNABLE).
        into.halted = halted;
    }

    @Override
    public void loadState(X86CpuState from) {
        if (fd == null) {
            unborn.set(from);
            halted = from.halted;
            injectionReady = readyAccordingTo(from);
            return;
        }
        loadIntoKvm(from);
    }

    private void loadIntoKvm(X86CpuState from) {
        try {
            fd.ioctl(KvmIoctl.KVM_GET_SREGS, sregs, "KVM_GET_SREGS"); // keeps apic_base, cr8
            SregsCodec.encode(from, sregs);
            fd.ioctl(KvmIoctl.KVM_SET_SREGS, sregs, "KVM_SET_SREGS");
            RegsCodec.encode(from, regs);
            fd.ioctl(KvmIoctl.KVM_SET_REGS, regs, "KVM_SET_REGS");
            fd.ioctl(KvmIoctl.KVM_GET_FPU, fpu, "KVM_GET_FPU"); // keeps mxcsr and xmm
            FpuCodec.encode(from.fpu, fpu);
            fd.ioctl(KvmIoctl.KVM_SET_FPU, fpu, "KVM_SET_FPU");
            DebugRegsCodec.encode(from, debugregs);
            fd.ioctl(KvmIoctl.KVM_SET_DEBUGREGS, debugregs, "KVM_SET_DEBUGREGS");
            MsrCodec.encode(from, msrs);
            int n = fd.ioctlResult(KvmIoctl.KVM_SET_MSRS, msrs);
            if (n != MsrCodec.INDEXES.length) {
                throw new VcpuException("KVM_SET_MSRS wrote " + (n < 0 ? Errno.describe(-n) : n + " of " + MsrCodec.INDEXES.length + " MSRs"));
            }
            // Last: KVM_SET_REGS and KVM_SET_SREGS clear queued exceptions (arch/x86/kvm/x86.c __set_regs).
            EventsCodec.encode(from, events);
            fd.ioctl(KvmIoctl.KVM_SET_VCPU_EVENTS, events, "KVM_SET_VCPU_EVENTS");
        } catch (SysException e) {
            throw new VcpuException("cannot load the state into the KVM vCPU: " + e.getMessage() + " (state: " + from + ")", e);
        }
        halted = from.halted;
        injectionReady = readyAccordingTo(from);
    }

    /** What ready_for_interrupt_injection and if_flag would say for this state. */
    static boolean readyAccordingTo(X86CpuState s) {
        return (s.eflags & EFLAGS_IF) != 0 && s.interruptShadow == 0 && s.pendingVector < 0;
    }

    /** KVM does not count retired guest instructions (a PMU-based count is future work): always 0. */
    @Override
    public long instructionsRetired() {
        return 0;
    }

    long exits() {
        return exits;
    }

    @Override
    public void close() {
        synchronized (kickLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            if (fd != null) {
                fd.close();
            }
        } finally {
            vm.close();
        }
    }
}
