package dev.hyperbundle.interp.backend;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hyperbundle.backend.Vcpu;
import dev.hyperbundle.backend.VcpuContext;
import dev.hyperbundle.backend.VcpuExit;
import dev.hyperbundle.bus.BusDevice;
import dev.hyperbundle.bus.IoBus;
import dev.hyperbundle.cpu.CpuidTable;
import dev.hyperbundle.cpu.MsrBus;
import dev.hyperbundle.cpu.X86CpuState;
import dev.hyperbundle.irq.CpuInterrupts;
import dev.hyperbundle.irq.InterruptRouter;
import dev.hyperbundle.kernel.boot.LinuxBootLoader;
import dev.hyperbundle.memory.MemoryRegion;
import dev.hyperbundle.memory.PhysicalMemory;
import dev.hyperbundle.time.MachineClock;
import dev.hyperbundle.time.VirtualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Boots the tiny kernel with no devices but a write-only UART stub at 0x3F8, far enough to see the
 * decompressor finish and the kernel turn paging on. Skipped when the image is missing.
 */
class TinyLinuxBootTest {
    /** ../shared/guests beside the repository (the module directory is the working directory of its tests). */
    private static final Path IMAGE = Path.of(System.getProperty("hyperbundle.guests", "../../shared/guests"), "tiny/bzImage");

    @Test
    void decompressesAndEntersPagedKernel() throws Exception {
        assumeTrue(Files.isReadable(IMAGE), "tiny bzImage not present");
        long ram = 64L << 20;
        try (PhysicalMemory memory = new PhysicalMemory()) {
            memory.addRegion(0, ram, MemoryRegion.Kind.RAM, "ram");
            IoBus ports = new IoBus("port", 0x10000);
            IoBus mmio = new IoBus("mmio", 1L << 32);
            StringBuilder console = new StringBuilder();
            ports.register(0x3f8, 8, new BusDevice() {
                @Override
                public long read(long offset, int size) {
                    return offset == 5 ? 0x60 : 0; // LSR: transmitter empty
                }

                @Override
                public void write(long offset, int size, long value) {
                    if (offset == 0) {
                        console.append((char) (value & 0xff));
                    }
                }
            }, "uart-stub");
            InterruptRouter router = new InterruptRouter();
            MachineClock clock = MachineClock.realtime();
            MsrBus msrs = new MsrBus();
            CpuidTable cpuid = CpuidTable.i686();
            VcpuContext context = new VcpuContext() {
                public int index() { return 0; }
                public PhysicalMemory memory() { return memory; }
                public IoBus ports() { return ports; }
                public IoBus mmio() { return mmio; }
                public CpuInterrupts interrupts() { return router; }
                public VirtualClock clock() { return clock; }
                public CpuidTable cpuid() { return cpuid; }
                public MsrBus msrs() { return msrs; }
            };
            X86CpuState boot = new LinuxBootLoader(memory, ram).load(IMAGE, null,
                    "console=ttyS0 earlyprintk=ttyS0 reboot=k panic=-1");
            Vcpu vcpu = new InterpBackend().createVcpu(context);
            vcpu.loadState(boot);
            Thread kicker = Thread.ofPlatform().daemon().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                    vcpu.kick();
                }
            });
            X86CpuState s = new X86CpuState();
            VcpuExit exit = VcpuExit.KICKED;
            long deadline = System.nanoTime() + Long.getLong("tiny.seconds", 60) * 1_000_000_000L;
            boolean paged = false;
            while (System.nanoTime() < deadline) {
                exit = vcpu.run();
                clock.runDue();
                vcpu.saveState(s);
                if ((s.cr0 & 0x80000000) != 0 && Integer.compareUnsigned(s.eip, 0xc0000000) >= 0) {
                    paged = true;
                    if ((console.indexOf("Linux version") >= 0 && !Boolean.getBoolean("tiny.full")) || exit == VcpuExit.SHUTDOWN) {
                        break;
                    }
                }
                if (exit == VcpuExit.SHUTDOWN || exit == VcpuExit.HALTED && (s.eflags & 0x200) == 0) {
                    break;
                }
            }
            kicker.interrupt();
            System.out.println("tiny boot: exit=" + exit + " instructions=" + vcpu.instructionsRetired() + " state=" + s);
            System.out.println("console:\n" + console);
            assertNotEquals(VcpuExit.SHUTDOWN, exit, console.toString());
            assertTrue(console.indexOf("Booting the kernel") >= 0, console.toString());
            assertTrue(paged, "kernel did not reach paged mode: " + s);
        }
    }
}
