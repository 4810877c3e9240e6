package dev.hyperbundle.hvassist.backend;

import dev.hyperbundle.cpu.Segment;
import dev.hyperbundle.cpu.X86CpuState;
import dev.hyperbundle.hvassist.kvm.KvmExit;
import dev.hyperbundle.hvassist.kvm.KvmIoctl;
import dev.hyperbundle.hvassist.kvm.KvmLayouts;
import dev.hyperbundle.hvassist.kvm.KvmSystem;
import dev.hyperbundle.hvassist.kvm.KvmVcpuFd;
import dev.hyperbundle.hvassist.kvm.KvmVm;
import dev.hyperbundle.hvassist.state.SregsCodec;
import dev.hyperbundle.hvassist.sys.Errno;
import dev.hyperbundle.hvassist.sys.KickSignal;
import dev.hyperbundle.hvassist.sys.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A one-time probe VM: unpaged flat protected mode, the guest loads CR3, sets CR0.PG, writes through the
 * identity mapping and halts. Some hosts' KVM (nested virtualization served by an instruction emulator,
 * TOOLCHAIN.md) end such a guest in KVM_EXIT_SHUTDOWN; then the backend is available with that limitation.
 * The probe runs on its own thread and is kicked (the same signal recipe as the vCPUs) if it hangs.
 */
final class PagingProbe {
    enum Kind { PAGING_WORKS, SHUTDOWN, FAILED }

    record Outcome(Kind kind, String detail) {
    }

    static final int PAGE_DIRECTORY = 0x1000, PAGE_TABLE = 0x2000, CODE = 0x3000, DATA = 0x4000, MEMORY = 0x10000;
    static final int MAGIC = 0x12345678;

    /** mov eax,0x1000; mov cr3,eax; mov eax,cr0; or eax,0x80000000; mov cr0,eax; mov dword [0x4000],MAGIC; hlt. */
    static final byte[] CODE_BYTES = {
        (byte) 0xB8, 0x00, 0x10, 0x00, 0x00,
        0x0F, 0x22, (byte) 0xD8,
        0x0F, 0x20, (byte) 0xC0,
        0x0D, 0x00, 0x00, 0x00, (byte) 0x80,
        0x0F, 0x22, (byte) 0xC0,
        (byte) 0xC7, 0x05, 0x00, 0x40, 0x00, 0x00, 0x78, 0x56, 0x34, 0x12,
        (byte) 0xF4,
        (byte) 0xEB, (byte) 0xFE};

    private PagingProbe() {
    }

    /** The probe guest's memory image: page directory, one page table mapping 64 KiB 1:1 (4 KiB pages, no PSE). */
    static void buildImage(MemorySegment mem) {
        mem.fill((byte) 0);
        mem.set(ValueLayout.JAVA_INT, PAGE_DIRECTORY, PAGE_TABLE | 3); // present, writable
        for (int i = 0; i < MEMORY / 4096; i++) {
            mem.set(ValueLayout.JAVA_INT, PAGE_TABLE + 4L * i, i * 4096 | 3);
        }
        MemorySegment.copy(CODE_BYTES, 0, mem, ValueLayout.JAVA_BYTE, CODE, CODE_BYTES.length);
    }

    static Outcome run(String path) {
        CompletableFuture<Outcome> result = new CompletableFuture<>();
        CompletableFuture<Runnable> kicker = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().daemon().name("hvassist-probe").start(() -> {
            try {
                result.complete(probe(path, kicker));
            } catch (Throwable e) {
                result.complete(new Outcome(Kind.FAILED, e.getMessage()));
            }
        });
        try {
            return result.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            kicker.getNow(() -> { }).run();
            try {
                result.get(2, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // reported below
            }
            return new Outcome(Kind.FAILED, "the probe guest did not halt within 10 s");
        } catch (Exception e) {
            return new Outcome(Kind.FAILED, String.valueOf(e));
        } finally {
            if (result.isDone()) {
                try {
                    t.join(1000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static Outcome probe(String path, CompletableFuture<Runnable> kicker) {
        long mask = KickSignal.blockOnCurrentThread();
        long self = Libc.pthreadSelf();
        try (Arena arena = Arena.ofConfined(); KvmSystem kvm = KvmSystem.open(path); KvmVm vm = kvm.createVm()) {
            MemorySegment mem = arena.allocate(MEMORY, 4096);
            buildImage(mem);
            vm.setTssAddress(KvmGuestVm.TSS_ADDRESS);
            vm.setUserMemoryRegion(0, 0, 0, mem);
            boolean[] armed = {true}; // guarded by itself: no kick is sent once the probe left its run loop
            try (KvmVcpuFd vcpu = vm.createVcpu(0)) {
                vcpu.setSignalMask(mask);
                kicker.complete(() -> {
                    synchronized (armed) {
                        if (armed[0]) {
                            vcpu.requestImmediateExit();
                            KickSignal.send(self);
                        }
                    }
                });
                MemorySegment sregs = arena.allocate(KvmLayouts.KVM_SREGS);
                vcpu.ioctl(KvmIoctl.KVM_GET_SREGS, sregs, "KVM_GET_SREGS");
                flatProtectedMode(sregs);
                vcpu.ioctl(KvmIoctl.KVM_SET_SREGS, sregs, "KVM_SET_SREGS");
                MemorySegment regs = arena.allocate(KvmLayouts.KVM_REGS);
                regs.set(ValueLayout.JAVA_LONG, KvmLayouts.offset(KvmLayouts.KVM_REGS, "rip"), CODE);
                regs.set(ValueLayout.JAVA_LONG, KvmLayouts.offset(KvmLayouts.KVM_REGS, "rflags"), 2);
                vcpu.ioctl(KvmIoctl.KVM_SET_REGS, regs, "KVM_SET_REGS");
                try {
                    while (true) {
                        int r = vcpu.kvmRun();
                        if (r == -Errno.EINTR) {
                            return new Outcome(Kind.FAILED, "the probe guest did not halt");
                        }
                        KvmVcpuFd.check(r, "KVM_RUN");
                        int exit = vcpu.exitReason();
                        if (exit == KvmExit.HLT) {
                            int seen = mem.get(ValueLayout.JAVA_INT, DATA);
                            return seen == MAGIC ? new Outcome(Kind.PAGING_WORKS, "")
                                    : new Outcome(Kind.FAILED, String.format("the probe guest halted but wrote 0x%x", seen));
                        }
                        if (exit == KvmExit.SHUTDOWN) {
                            return new Outcome(Kind.SHUTDOWN, "");
                        }
                        if (exit != KvmExit.IRQ_WINDOW_OPEN && exit != KvmExit.INTR) {
                            return new Outcome(Kind.FAILED, "the probe guest ended in " + KvmExit.describe(exit));
                        }
                    }
                } finally {
                    synchronized (armed) {
                        armed[0] = false;
                    }
                    KickSignal.drain(); // a late kick, pending: taken before the thread ends (see HvAssistVcpu.run)
                }
            }
        }
    }

    /** Flat 4 GiB code and data segments, CR0 = PE | ET, paging off (the guest turns it on). */
    static void flatProtectedMode(MemorySegment sregs) {
        X86CpuState s = new X86CpuState();
        SregsCodec.decode(sregs, s);
        int flat = Segment.S | Segment.P | Segment.DB
                | Segment.G;
        for (int i = 0; i < 6; i++) {
            s.seg[i].set(new Segment(0x10, 0, 0xffffffff, 0x3 | flat));
        }
        s.seg[X86CpuState.CS].set(new Segment(0x08, 0, 0xffffffff, 0xb | flat));
        s.cr0 = 0x11;
        s.cr3 = 0;
        s.cr4 = 0;
        SregsCodec.encode(s, sregs);
    }
}
