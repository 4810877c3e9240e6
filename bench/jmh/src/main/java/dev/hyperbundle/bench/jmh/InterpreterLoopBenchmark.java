package dev.hyperbundle.bench.jmh;

import dev.hyperbundle.backend.Vcpu;
import dev.hyperbundle.backend.VcpuExit;
import dev.hyperbundle.cpu.Segment;
import dev.hyperbundle.cpu.X86CpuState;
import dev.hyperbundle.interp.backend.InterpBackend;
import dev.hyperbundle.kernel.machine.Platform;
import dev.hyperbundle.kernel.machine.PlatformVcpuContext;
import dev.hyperbundle.time.MachineClock;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The interpreter running small flat 32-bit guest loops (paging off, interrupts off) from a fresh
 * state to HLT. One JMH operation is one guest instruction, so the score is guest instructions per
 * second (ops/s; divide by 10^6 for MIPS).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"--enable-native-access=ALL-UNNAMED"})
public class InterpreterLoopBenchmark {
    static final int CODE = 0x10000, DATA = 0x20000, ITERATIONS = 1_000_000;

    /** A 4 MiB machine with one program; checks once that a run retires the expected instructions. */
    @State(Scope.Thread)
    public abstract static class Machine {
        private Platform platform;
        private Vcpu vcpu;
        private final X86CpuState start = flat();

        abstract byte[] program();

        abstract long instructions();

        @Setup(Level.Trial)
        public void setUp() {
            platform = Platform.create(4 << 20, MachineClock.realtime());
            vcpu = new InterpBackend().createVcpu(new PlatformVcpuContext(0, platform));
            byte[] code = program();
            platform.memory().load(CODE, code, 0, code.length);
            long retired = run();
            if (retired != instructions()) {
                throw new IllegalStateException(getClass().getSimpleName() + ": " + retired + " instructions, expected "
                        + instructions());
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            vcpu.close();
            platform.memory().close();
        }

        /** Runs the program from the start to HLT; returns the instructions it retired. */
        long run() {
            long before = vcpu.instructionsRetired();
            vcpu.loadState(start);
            VcpuExit exit;
            do {
                exit = vcpu.run();
            } while (exit == VcpuExit.KICKED);
            return vcpu.instructionsRetired() - before;
        }
    }

    public static class AluMemory extends Machine {
        @Override
        byte[] program() {
            return aluMemory();
        }

        @Override
        long instructions() {
            return 3 + 10L * ITERATIONS + 1;
        }
    }

    public static class Calls extends Machine {
        @Override
        byte[] program() {
            return calls();
        }

        @Override
        long instructions() {
            return 3 + 8L * ITERATIONS + 1;
        }
    }

    @Benchmark
    @OperationsPerInvocation(3 + 10 * ITERATIONS + 1)
    public long aluMemoryLoop(AluMemory m) {
        return m.run();
    }

    @Benchmark
    @OperationsPerInvocation(3 + 8 * ITERATIONS + 1)
    public long callLoop(Calls m) {
        return m.run();
    }

    /**
     * 10 instructions per iteration: load, add, imul, store, xor, shift, pointer step and wrap,
     * counter, branch.
     */
    static byte[] aluMemory() {
        return new Code().movImm(1, ITERATIONS).movImm(6, DATA).movImm(2, 0) // ecx, esi, edx
                .b(0x8B, 0x06) // L: mov eax, [esi]
                .b(0x01, 0xC8) // add eax, ecx
                .b(0x6B, 0xC0, 0x1F) // imul eax, eax, 31
                .b(0x89, 0x46, 0x04) // mov [esi+4], eax
                .b(0x31, 0xC2) // xor edx, eax
                .b(0xC1, 0xEA, 0x03) // shr edx, 3
                .b(0x83, 0xC6, 0x04) // add esi, 4
                .b(0x81, 0xE6).d(DATA | 0xFFC) // and esi, DATA|0xFFC (stay in one page)
                .b(0x49) // dec ecx
                .b(0x75, 0x100 - 27) // jnz L
                .b(0xF4).bytes();
    }

    /** 8 instructions per iteration: push, call, a leaf that reads its argument, pop, counter, branch. */
    static byte[] calls() {
        return new Code().movImm(1, ITERATIONS).movImm(3, 0).movImm(0, 0) // ecx, ebx, eax
                .b(0x51) // L: push ecx
                .b(0xE8).d(5) // call F (skips the 5 bytes below)
                .b(0x59) // pop ecx
                .b(0x49) // dec ecx
                .b(0x75, 0x100 - 10) // jnz L
                .b(0xF4) // hlt
                .b(0x8B, 0x44, 0x24, 0x04) // F: mov eax, [esp+4]
                .b(0x01, 0xC3) // add ebx, eax
                .b(0xC3) // ret
                .bytes();
    }

    static X86CpuState flat() {
        X86CpuState s = new X86CpuState();
        int flat = Segment.S | Segment.P | Segment.DB | Segment.G;
        s.seg[X86CpuState.CS].set(new Segment(0x08, 0, 0xffffffff, 0xb | flat));
        for (int r : new int[] {X86CpuState.ES, X86CpuState.SS, X86CpuState.DS, X86CpuState.FS, X86CpuState.GS}) {
            s.seg[r].set(new Segment(0x10, 0, 0xffffffff, 0x3 | flat));
        }
        s.ldtr.set(new Segment(0, 0, 0xffff, 0x2 | Segment.P));
        s.tr.set(new Segment(0, 0, 0xffff, 0xb | Segment.P));
        s.cr0 = 0x11;
        s.eip = CODE;
        s.gpr[X86CpuState.ESP] = 0x80000;
        return s;
    }

    /** A few raw bytes at a time. */
    static final class Code {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Code b(int... bytes) {
            for (int x : bytes) {
                out.write(x);
            }
            return this;
        }

        Code d(int v) {
            return b(v, v >>> 8, v >>> 16, v >>> 24);
        }

        Code movImm(int reg, int v) {
            return b(0xB8 + reg).d(v);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
