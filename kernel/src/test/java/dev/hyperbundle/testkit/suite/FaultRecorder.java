package dev.hyperbundle.testkit.suite;

import dev.hyperbundle.testkit.TestGuest;
import dev.hyperbundle.testkit.TestRun;

/**
 * An IDT whose 256 interrupt gates all lead to a recording handler that halts: it stores the vector, the
 * EFLAGS and ESP it was entered with, and the top six dwords of its stack (the exception frame: error
 * code if any, EIP, CS, EFLAGS, and for a privilege change ESP and SS), without touching a general
 * register, so the final state still holds the registers of the faulting code. Its memory accesses use
 * SS (the handler's own, flat stack segment), so a test may leave DS, ES, FS, GS as it likes.
 */
public final class FaultRecorder {
    public static final int IDT = 0x2000, STUBS = 0x14000, COMMON = 0x15000, RECORD = 0x3f000;
    /** The dwords of the handler's stack it records: the largest frame, error code to SS. */
    static final int FRAME = 6;
    private static final int VECTOR = RECORD, STACK = RECORD + 4, ESP = STACK + 4 * FRAME, FLAGS = ESP + 4,
            COUNT = FLAGS + 4;

    private FaultRecorder() {
    }

    /** The guest with the recording IDT loaded (IDTR set); gates of {@code userVectors} have DPL 3. */
    public static TestGuest install(TestGuest guest, int... userVectors) {
        long[] gates = new long[256];
        Asm stubs = new Asm(STUBS);
        for (int v = 0; v < 256; v++) {
            int dpl = 0;
            for (int u : userVectors) {
                dpl = u == v ? 3 : dpl;
            }
            gates[v] = SystemTables.gate(TestGuest.CODE32, STUBS + 16 * v, SystemTables.INTERRUPT_GATE, dpl);
            int at = stubs.size();
            stubs.b(0x36).storeImm(VECTOR, v).b(0xE9).d(COMMON - (STUBS + at + 16)); // mov dword ss:[VECTOR], v; jmp COMMON
        }
        Asm common = new Asm(COMMON).b(0x9C, 0x36, 0x8F, 0x05).d(FLAGS) // pushfd; pop dword ss:[FLAGS]
                .b(0x36, 0xFF, 0x05).d(COUNT) // inc dword ss:[COUNT]
                .b(0x36, 0x89, 0x25).d(ESP); // mov ss:[ESP], esp
        for (int i = 0; i < FRAME; i++) {
            common.b(0xFF, 0x74, 0x24, 4 * i).b(0x36, 0x8F, 0x05).d(STACK + 4 * i); // push dword [esp+4i]; pop dword ss:[STACK+4i]
        }
        common.b(0xFA).hlt(); // cli (a trap gate keeps IF set; the kit ends a run at HLT with IF clear); hlt
        return guest.load(IDT, SystemTables.table(gates)).load(STUBS, stubs.bytes()).load(COMMON, common.bytes())
                .load(RECORD, new byte[COUNT + 4 - RECORD])
                .state(s -> {
                    s.idtBase = IDT;
                    s.idtLimit = 256 * 8 - 1;
                });
    }

    /** The guest with its IDT entry for {@code vector} replaced (e.g. a trap gate, or 0 for not present). */
    public static TestGuest gate(TestGuest guest, int vector, long descriptor) {
        return guest.load(IDT + 8 * vector, SystemTables.table(descriptor));
    }

    /** The recording handler's gate for {@code vector}, with another type or DPL. */
    public static long recordingGate(int vector, int type, int dpl) {
        return SystemTables.gate(TestGuest.CODE32, STUBS + 16 * vector, type, dpl);
    }

    /** The vector of the (last) recorded event. */
    public static int vector(TestRun r) {
        return r.read32(VECTOR);
    }

    /** How many events reached the handler (0 or 1: it halts). */
    public static int count(TestRun r) {
        return r.read32(COUNT);
    }

    /** The i-th dword of the handler's stack at entry: [ESP + 4i]. */
    public static int stack(TestRun r, int i) {
        return r.read32(STACK + 4 * i);
    }

    /** ESP at handler entry. */
    public static int esp(TestRun r) {
        return r.read32(ESP);
    }

    /** EFLAGS at handler entry. */
    public static int flags(TestRun r) {
        return r.read32(FLAGS);
    }
}
