package dev.hyperbundle.testkit.suite;

import static dev.hyperbundle.testkit.suite.Asm.EAX;
import static dev.hyperbundle.testkit.suite.Asm.EBP;
import static dev.hyperbundle.testkit.suite.Asm.EBX;
import static dev.hyperbundle.testkit.suite.Asm.ECX;
import static dev.hyperbundle.testkit.suite.Asm.EDI;
import static dev.hyperbundle.testkit.suite.Asm.ESI;

import dev.hyperbundle.testkit.TestGuest;
import dev.hyperbundle.testkit.TestRun;
import org.junit.jupiter.api.Test;

/**
 * Segmentation in protected mode with a GDT of its own: segment override prefixes and the default
 * segments (EBP and ESP bases use SS), bases, limits (expand-up and expand-down), read-only and
 * execute-only segments, the accessed bit, and the checks of segment register loads with their #GP and
 * #NP error codes (SDM Vol. 3A, 3.4 "Logical and Linear Addresses", 5.3 "Limit Checking", 5.5 and 5.6
 * privilege checks; Vol. 2A MOV "Protected Mode Exceptions").
 */
public abstract class SegmentSuite extends BackendSuite {
    static final int WINDOW = 0x28, READ_ONLY = 0x30, NOT_PRESENT = 0x38, EXEC_ONLY = 0x40, EXPAND_DOWN = 0x48,
            USER_DATA = 0x50, SMALL = 0x58, UNACCESSED = 0x60, THREAD = 0x68, TSS = 0x70;
    /** Where the TSS descriptor at {@link #TSS} points. */
    static final int TSS_BASE = 0x38000;
    /** The base of the WINDOW and SMALL segments. */
    static final int BASE = DATA;
    static final int GP = 13, NP = 11;

    /** The kit's five descriptors, then the suite's. */
    static TestGuest withGdt(TestGuest g) {
        byte[] gdt = SystemTables.table(0, 0x00cf9b000000ffffL, 0x00cf93000000ffffL, 0x00009b000000ffffL, 0x000093000000ffffL,
                SystemTables.segment(BASE, 0xffff, SystemTables.DATA_RW, 0, true),
                SystemTables.flat(SystemTables.DATA_RO, 0),
                SystemTables.descriptor(0, 0xfffff, 0x10 | SystemTables.DATA_RW, 0, false, 0xc),
                SystemTables.flat(SystemTables.CODE_X, 0),
                SystemTables.segment(0, 0xfff, SystemTables.DATA_RW_DOWN, 0, true),
                SystemTables.flat(SystemTables.DATA_RW, 3),
                SystemTables.segment(BASE, 0xfff, SystemTables.DATA_RW, 0, true),
                SystemTables.flat(0x2, 0), // read/write data, not yet accessed
                SystemTables.segment(BASE, 0xffffffff, SystemTables.DATA_RW, 0, true), // a thread pointer (Linux TLS in GS)
                SystemTables.tss(TSS_BASE, 0x67, false));
        return g.load(TestGuest.GDT, gdt).state(s -> s.gdtLimit = gdt.length - 1);
    }

    /** Loads {@code selector} into a segment register with MOV sreg, AX (the sreg's ModRM reg field). */
    static Asm loadSegment(Asm a, int sreg, int selector) {
        return a.mov(EAX, selector).b(0x8E, 0xC0 | sreg << 3);
    }

    static final int ES = 0, SS = 2, DS = 3, FS = 4, GS = 5;

    private TestRun run(Asm code, byte[] data) {
        return exec(FaultRecorder.install(withGdt(pm(code))).load(DATA, data));
    }

    @Test
    void fsOverrideAddsItsBase() {
        TestRun r = run(loadSegment(setup(0), FS, WINDOW).x("64 A1 10 00 00 00"), dwords(0, 0, 0, 0, 0x600d)); // mov eax, fs:[0x10]
        assertRegs(r, EAX, 0x600d);
        assertHex(BASE, r.state().seg[FS].base, "FS base");
    }

    @Test
    void gsOverrideOnAStore() {
        TestRun r = run(loadSegment(setup(0, EBX, 0xabcd), GS, WINDOW).x("65 89 1D 20 00 00 00"), new byte[64]); // mov gs:[0x20], ebx
        assertMem32(r, BASE + 0x20, 0xabcd);
        assertMem32(r, 0x20, 0);
    }

    /**
     * A segment with a base and a 4 GiB limit, as Linux's TLS segment in GS: base + offset, and the sum wraps at
     * 4 GiB without a limit fault (SDM Vol. 3A, 3.4 "Logical and Linear Addresses"; every offset is within the limit).
     */
    @Test
    void fourGibSegmentWithABaseAddsItAndWrapsAt4Gib() {
        final int WRAPPED = 0x20000; // below BASE, above the code
        Asm code = loadSegment(setup(0, EBX, 0xbeef), GS, THREAD)
                .x("65 8B 0D 10 00 00 00") // mov ecx, gs:[0x10]
                .x("65 89 1D 20 00 00 00") // mov gs:[0x20], ebx
                .mov(ESI, WRAPPED - BASE).x("65 8B 06"); // mov eax, gs:[esi]: offset 0xfffe0000 + BASE wraps to WRAPPED
        TestRun r = exec(FaultRecorder.install(withGdt(pm(code))).load(DATA, dwords(0, 0, 0, 0, 0x7e11))
                .load(WRAPPED, dwords(0x3a3a)));
        assertRegs(r, ECX, 0x7e11, EAX, 0x3a3a);
        assertMem32(r, BASE + 0x20, 0xbeef);
        assertHex(BASE, r.state().seg[GS].base, "GS base");
    }

    /**
     * LFS/LGS/LSS/LDS/LES r32, m16:32 load the offset into the register and the selector (with its descriptor)
     * into the segment register (SDM Vol. 2A, LDS/LES/LFS/LGS/LSS: the offset dword first, then the selector).
     */
    @Test
    void farPointerLoadsSetTheRegisterAndTheSegment() {
        Asm code = setup(0)
                .b(0x0F, 0xB4, 0x05).d(DATA) // lfs eax, [DATA]
                .b(0x0F, 0xB5, 0x1D).d(DATA + 8) // lgs ebx, [DATA + 8]
                .b(0xC4, 0x0D).d(DATA + 16) // les ecx, [DATA + 16]
                .b(0x0F, 0xB2, 0x35).d(DATA + 24) // lss esi, [DATA + 24]
                .b(0xC5, 0x3D).d(DATA + 32); // lds edi, [DATA + 32]: last, the loads above read through DS
        TestRun r = run(code, dwords(0x11223344, WINDOW, 0x55667788, THREAD, 0x99aabbcc, USER_DATA & ~3, 0x70000, TestGuest.DATA32,
                0xdd, WINDOW));
        assertRegs(r, EAX, 0x11223344, EBX, 0x55667788, ECX, 0x99aabbcc, ESI, 0x70000, EDI, 0xdd);
        assertHex(WINDOW, r.state().seg[FS].selector, "FS");
        assertHex(BASE, r.state().seg[FS].base, "FS base");
        assertHex(THREAD, r.state().seg[GS].selector, "GS");
        assertHex(USER_DATA & ~3, r.state().seg[ES].selector, "ES");
        assertHex(TestGuest.DATA32, r.state().seg[SS].selector, "SS");
        assertHex(WINDOW, r.state().seg[DS].selector, "DS");
    }

    /** REP MOVSB with FS: takes every source byte from FS's base; the destination stays ES (SDM Vol. 2B, MOVS). */
    @Test
    void repMovsbWithAnFsOverrideCopiesFromFs() {
        Asm code = loadSegment(setup(0, ECX, 4, ESI, 0x10, EDI, DATA + 0x100), FS, WINDOW).x("F3 64 A4"); // rep movsb fs:[esi]
        TestRun r = run(code, dwords(0, 0, 0, 0, 0x44332211));
        assertMem32(r, DATA + 0x100, 0x44332211);
        assertRegs(r, ECX, 0, ESI, 0x14, EDI, DATA + 0x104);
    }

    /** LTR loads TR and marks the TSS descriptor busy in the GDT (SDM Vol. 2A, LTR; Vol. 3A, 7.2.2). */
    @Test
    void ltrLoadsTrAndMarksTheTssBusy() {
        TestRun r = run(setup(0, EAX, TSS).x("0F 00 D8"), new byte[16]); // ltr ax
        assertHex(TSS, r.state().tr.selector, "TR");
        assertHex(TSS_BASE, r.state().tr.base, "TR base");
        assertMem8(r, TestGuest.GDT + TSS + 5, 0x8b); // present, DPL 0, type 1011 (busy 32-bit TSS)
    }

    @Test
    void stringSourceTakesTheOverrideAndTheDestinationStaysEs() {
        TestRun r = run(loadSegment(setup(0, ESI, 0x100, EDI, 0x21000), FS, WINDOW).x("64 A4"), // fs: movsb
                pattern(0x104));
        assertMem8(r, 0x21000, pattern(0x104)[0x100]); // the byte at BASE + 0x100
        assertRegs(r, ESI, 0x101, EDI, 0x21001);
    }

    @Test
    void stosIgnoresASegmentOverride() {
        TestRun r = run(loadSegment(setup(0, EAX, 0, EDI, 0x21000), FS, WINDOW).mov(EAX, 0x77).x("64 AA"), new byte[4]); // fs: stosb
        assertMem8(r, 0x21000, 0x77);
        assertMem8(r, BASE + 0x21000, 0);
    }

    @Test
    void ebpBaseDefaultsToSsAndOtherBasesToDs() {
        Asm a = loadSegment(setup(0, EBP, 0x20000, ESI, 0x100), DS, WINDOW).x("8B 45 04 8B 5E 04"); // mov eax, [ebp+4]; mov ebx, [esi+4]
        TestRun r = exec(FaultRecorder.install(withGdt(pm(a))).load(0x20004, dwords(0x55)).load(BASE + 0x104, dwords(0xdd)));
        assertRegs(r, EAX, 0x55, EBX, 0xdd);
    }

    @Test
    void dsOverrideOnAnEbpBase() {
        Asm a = loadSegment(setup(0, EBP, 0x10), DS, WINDOW).x("3E 8B 45 04"); // mov eax, ds:[ebp+4]
        TestRun r = exec(FaultRecorder.install(withGdt(pm(a))).load(0x14, dwords(0x55)).load(BASE + 0x14, dwords(0xdd)));
        assertRegs(r, EAX, 0xdd);
    }

    @Test
    void espBaseDefaultsToSs() {
        Asm a = loadSegment(setup(0), DS, WINDOW).x("8B 04 24"); // mov eax, [esp]
        TestRun r = exec(FaultRecorder.install(withGdt(pm(a))).load(STACK_TOP, dwords(0x55)).load(BASE + STACK_TOP, dwords(0xdd)));
        assertRegs(r, EAX, 0x55);
    }

    @Test
    void loadingASegmentSetsItsAccessedBit() {
        TestRun r = run(loadSegment(setup(0), DS, UNACCESSED), new byte[4]);
        assertMem8(r, TestGuest.GDT + UNACCESSED + 5, 0x93);
        assertHex(UNACCESSED, r.state().seg[DS].selector, "DS");
    }

    @Test
    void readUpToTheLimitWorks() {
        TestRun r = exec(FaultRecorder.install(withGdt(pm(loadSegment(setup(0), DS, SMALL).x("A1 FC 0F 00 00")))) // mov eax, [0xffc]
                .load(BASE + 0xffc, dwords(0x1234)));
        assertRegs(r, EAX, 0x1234);
    }

    @Test
    void readAcrossTheLimitRaisesGeneralProtection() {
        Asm a = loadSegment(setup(0), DS, SMALL);
        int at = a.here();
        TestRun r = run(a.x("A1 FD 0F 00 00").exit(1), new byte[4]); // mov eax, [0xffd]: its last byte is at 0x1000
        assertException(r, GP, 0, at);
    }

    @Test
    void writeToAReadOnlySegmentRaisesGeneralProtection() {
        Asm a = loadSegment(setup(0), DS, READ_ONLY).mov(EAX, 0x99);
        int at = a.here();
        TestRun r = run(a.x("A3 00 00 03 00").exit(1), dwords(0x11)); // mov [0x30000], eax
        assertException(r, GP, 0, at);
        assertMem32(r, DATA, 0x11);
    }

    @Test
    void readFromAReadOnlySegmentWorks() {
        TestRun r = run(loadSegment(setup(0), DS, READ_ONLY).x("A1 00 00 03 00"), dwords(0x11)); // mov eax, [0x30000]
        assertRegs(r, EAX, 0x11);
    }

    @Test
    void expandDownSegmentAllowsOffsetsAboveTheLimit() {
        TestRun r = run(loadSegment(setup(0), DS, EXPAND_DOWN).x("A1 00 00 03 00"), dwords(0x22)); // mov eax, [0x30000]
        assertRegs(r, EAX, 0x22);
    }

    @Test
    void expandDownSegmentRejectsOffsetsUpToTheLimit() {
        Asm a = loadSegment(setup(0), DS, EXPAND_DOWN);
        int at = a.here();
        TestRun r = run(a.x("A1 00 08 00 00").exit(1), new byte[4]); // mov eax, [0x800]
        assertException(r, GP, 0, at);
    }

    private TestRun loading(int sreg, int selector) {
        Asm a = setup(0).mov(EAX, selector);
        int at = a.here();
        TestRun r = run(a.b(0x8E, 0xC0 | sreg << 3).exit(1), new byte[4]);
        assertHex(at, FaultRecorder.stack(r, 1), "pushed EIP: the MOV to the segment register");
        return r;
    }

    @Test
    void loadingANotPresentSegmentRaisesSegmentNotPresent() {
        TestRun r = loading(DS, NOT_PRESENT);
        assertException(r, NP, NOT_PRESENT, FaultRecorder.stack(r, 1));
        assertHex(TestGuest.DATA32, r.state().seg[DS].selector, "DS unchanged");
    }

    @Test
    void loadingBeyondTheGdtLimitRaisesGeneralProtection() {
        TestRun r = loading(DS, 0x80);
        assertException(r, GP, 0x80, FaultRecorder.stack(r, 1));
    }

    @Test
    void loadingAnLdtSelectorWithoutAnLdtRaisesGeneralProtection() {
        TestRun r = loading(ES, 0x0c); // index 1, TI = 1
        assertException(r, GP, 0x0c, FaultRecorder.stack(r, 1));
    }

    @Test
    void loadingAnExecuteOnlySegmentIntoDsRaisesGeneralProtection() {
        TestRun r = loading(DS, EXEC_ONLY);
        assertException(r, GP, EXEC_ONLY, FaultRecorder.stack(r, 1));
    }

    @Test
    void loadingTheNullSelectorIntoSsRaisesGeneralProtection() {
        TestRun r = loading(SS, 0);
        assertException(r, GP, 0, FaultRecorder.stack(r, 1));
    }

    @Test
    void loadingACodeSegmentIntoSsRaisesGeneralProtection() {
        TestRun r = loading(SS, TestGuest.CODE32);
        assertException(r, GP, TestGuest.CODE32, FaultRecorder.stack(r, 1));
    }

    @Test
    void loadingAReadOnlySegmentIntoSsRaisesGeneralProtection() {
        TestRun r = loading(SS, READ_ONLY);
        assertException(r, GP, READ_ONLY, FaultRecorder.stack(r, 1));
    }

    @Test
    void loadingADpl3SegmentIntoSsAtCpl0RaisesGeneralProtection() {
        TestRun r = loading(SS, USER_DATA); // SS needs DPL = CPL
        assertException(r, GP, USER_DATA, FaultRecorder.stack(r, 1));
    }

    @Test
    void loadingWithRplAboveDplRaisesGeneralProtection() {
        TestRun r = loading(DS, TestGuest.DATA32 | 3); // RPL 3 > DPL 0; the error code has no RPL bits
        assertException(r, GP, TestGuest.DATA32, FaultRecorder.stack(r, 1));
    }

    @Test
    void loadingADpl3DataSegmentIntoDsAtCpl0Works() {
        TestRun r = run(loadSegment(setup(0), DS, USER_DATA).x("A1 00 00 03 00"), dwords(0x33)); // mov eax, [0x30000]
        assertRegs(r, EAX, 0x33);
        assertHex(USER_DATA, r.state().seg[DS].selector, "DS");
    }

    @Test
    void theNullSelectorLoadsIntoDsButFaultsOnUse() {
        Asm a = loadSegment(setup(0), DS, 0);
        int at = a.here();
        TestRun r = run(a.x("A1 00 00 03 00").exit(1), new byte[4]); // mov eax, [0x30000]
        assertException(r, GP, 0, at);
        assertHex(0, r.state().seg[DS].selector, "DS");
    }

    @Test
    void readingAnExecuteOnlyCodeSegmentRaisesGeneralProtection() {
        // run from the execute-only segment, then read through CS
        Asm a = setup(0).b(0xEA).d(CODE + 6 + 7).w(EXEC_ONLY); // jmp EXEC_ONLY:next
        int at = a.here();
        TestRun r = run(a.mov(ECX, 1).x("2E A1 00 00 03 00").exit(1), dwords(0x44)); // mov eax, cs:[0x30000]
        assertHalted(r);
        assertHex(GP, FaultRecorder.vector(r), "vector; " + describe(r));
        assertHex(0, FaultRecorder.stack(r, 0), "error code");
        assertHex(at + 5, FaultRecorder.stack(r, 1), "pushed EIP");
        assertHex(EXEC_ONLY, FaultRecorder.stack(r, 2) & 0xffff, "pushed CS");
        assertRegs(r, ECX, 1, EAX, 0);
    }

    static byte[] pattern(int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i ^ 0x5a);
        }
        return b;
    }
}
