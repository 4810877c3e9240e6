package dev.hyperbundle.testkit.suite;

import static dev.hyperbundle.testkit.suite.Asm.EAX;
import static dev.hyperbundle.testkit.suite.Asm.EBX;
import static dev.hyperbundle.testkit.suite.Asm.ECX;
import static dev.hyperbundle.testkit.suite.Asm.EDI;
import static dev.hyperbundle.testkit.suite.Asm.ESI;
import static dev.hyperbundle.testkit.suite.Asm.ESP;
import static dev.hyperbundle.testkit.suite.UserMode.Entry.SYSEXIT;

import dev.hyperbundle.testkit.TestGuest;
import dev.hyperbundle.testkit.TestRun;
import org.junit.jupiter.api.Test;

/**
 * 32-bit paging (SDM Vol. 3A, 4.3 "32-Bit Paging", 4.6 "Access Rights", 4.7 "Page-Fault Exceptions",
 * 4.8 "Accessed and Dirty Flags", 4.10.4 "Invalidation of TLBs"): #PF error codes (P, W/R, U/S; no I/D
 * bit without SMEP or NX) and CR2 in ring 0 and ring 3, CR0.WP, faulting EIP and restart (REP MOVSB
 * resumes where it faulted), ESP unchanged by a faulting PUSH, A/D bits, 4 MiB pages, INVLPG and CR3
 * reloads. Every guest identity-maps the first 4 MiB with 4 KiB pages (user, writable) except where a test
 * says otherwise, and turns paging on itself.
 */
public abstract class PagingSuite extends BackendSuite {
    static final int PD = 0x40000, PT = 0x41000;
    static final int P = 1, W = 2, U = 4, A = 0x20, D = 0x40, PS = 0x80;
    static final int PF = 14;
    static final int CR0_PG = 0x80000000, CR0_WP = 0x10000;

    /** mov eax, PD; mov cr3, eax; mov eax, cr0; or eax, PG [| WP]; mov cr0, eax. */
    static Asm enablePaging(Asm a, boolean writeProtect) {
        return a.mov(EAX, PD).x("0F 22 D8 0F 20 C0 0D").d(CR0_PG | (writeProtect ? CR0_WP : 0)).x("0F 22 C0");
    }

    /** The page directory (entry 0: the page table; more as page, entry pairs) and the page table with overrides. */
    static TestGuest tablesWithDirectory(TestGuest g, int[] directoryEntries, int... pageEntries) {
        int[] pt = new int[1024];
        for (int i = 0; i < 1024; i++) {
            pt[i] = i << 12 | P | W | U;
        }
        for (int i = 0; i < pageEntries.length; i += 2) {
            pt[pageEntries[i]] = pageEntries[i + 1];
        }
        int[] pd = new int[1024];
        pd[0] = PT | P | W | U;
        for (int i = 0; i < directoryEntries.length; i += 2) {
            pd[directoryEntries[i]] = directoryEntries[i + 1];
        }
        return g.load(PD, dwords(pd)).load(PT, dwords(pt));
    }

    static TestGuest tables(TestGuest g, int... pageEntries) {
        return tablesWithDirectory(g, new int[0], pageEntries);
    }

    /** Ring 0 with paging on, then {@code body}; faults go to the recorder. */
    private TestRun ring0(boolean writeProtect, Asm body, int... pageEntries) {
        Asm a = enablePaging(setup(0), writeProtect).b(body.bytes());
        return runPaged(tables(recording(a), pageEntries));
    }

    /** The address {@code body} starts at in {@link #ring0}: after setup and enablePaging. */
    static final int BODY = CODE + 6 + 5 + 3 + 3 + 5 + 3;

    @Test
    void readOfANotPresentPage() {
        TestRun r = ring0(false, new Asm(BODY).x("A1 04 50 02 00"), 0x25, 0); // mov eax, [0x25004]
        assertException(r, PF, 0, BODY);
        assertHex(0x25004, r.state().cr2, "CR2");
    }

    @Test
    void writeToANotPresentPage() {
        TestRun r = ring0(false, new Asm(BODY).x("A3 08 50 02 00"), 0x25, 0); // mov [0x25008], eax
        assertException(r, PF, 2, BODY);
        assertHex(0x25008, r.state().cr2, "CR2");
    }

    @Test
    void writeToAReadOnlyPageInRing0WithWriteProtect() {
        TestRun r = runPaged(tables(recording(enablePaging(setup(0), true).mov(EAX, 0x99).x("A3 08 60 02 00")) // mov [0x26008], eax
                .load(0x26008, dwords(0x11)), 0x26, 0x26000 | P));
        assertException(r, PF, P | W, BODY + 5);
        assertHex(0x26008, r.state().cr2, "CR2");
        assertMem32(r, 0x26008, 0x11);
    }

    @Test
    void writeToAReadOnlyPageInRing0WithoutWriteProtectSucceeds() {
        TestRun r = runPaged(tables(recording(enablePaging(setup(0), false).mov(EAX, 0x99).x("A3 08 60 02 00")), 0x26, 0x26000 | P));
        assertHalted(r);
        assertHex(0, FaultRecorder.count(r), "events");
        assertMem32(r, 0x26008, 0x99);
    }

    @Test
    void writeToAReadOnlyUserPageInRing0WithWriteProtect() {
        TestRun r = ring0(true, new Asm(BODY).x("A3 00 60 02 00"), 0x26, 0x26000 | P | U); // mov [0x26000], eax
        assertException(r, PF, P | W, BODY);
    }

    @Test
    void fetchFromANotPresentPage() {
        // no I/D bit: 32-bit paging without SMEP (SDM Vol. 3A, 4.7)
        TestRun r = ring0(false, new Asm(BODY).mov(EAX, 0x27000).x("FF E0"), 0x27, 0); // jmp eax
        assertException(r, PF, 0, 0x27000);
        assertHex(0x27000, r.state().cr2, "CR2");
    }

    @Test
    void notPresentPageDirectoryEntry() {
        Asm a = enablePaging(setup(0), false).x("A1 10 00 40 00"); // mov eax, [0x400010]
        TestRun r = runPaged(tablesWithDirectory(recording(a), new int[] {1, 0}));
        assertException(r, PF, 0, BODY);
        assertHex(0x400010, r.state().cr2, "CR2");
    }

    @Test
    void readOnlyPageDirectoryEntryWithWriteProtect() {
        // PDE 1 maps 4-8 MiB through the same page table (writable PTEs), but the PDE itself is read-only
        Asm a = enablePaging(setup(0), true).x("A3 00 00 43 00"); // mov [0x430000], eax
        TestRun r = runPaged(tablesWithDirectory(recording(a), new int[] {1, PT | P | U}));
        assertException(r, PF, P | W, BODY);
        assertHex(0x430000, r.state().cr2, "CR2");
    }

    @Test
    void accessedAndDirtyBits() {
        Asm body = new Asm(BODY).x("A1 00 80 02 00 A3 00 90 02 00"); // mov eax, [0x28000]; mov [0x29000], eax
        TestRun r = ring0(false, body);
        assertHalted(r);
        assertHex(A, r.read32(PT + 0x28 * 4) & (A | D), "PTE of the page read");
        assertHex(A | D, r.read32(PT + 0x29 * 4) & (A | D), "PTE of the page written");
        assertHex(A, r.read32(PD) & A, "PDE");
        assertHex(0, r.read32(PT + 0x2f * 4) & (A | D), "PTE of a page not touched");
    }

    @Test
    void fourMegabytePages() {
        // CR4.PSE and PDE.PS: linear 4-8 MiB maps physical 0-4 MiB in one page
        Asm a = setup(0).mov(EAX, 0x10).x("0F 22 E0"); // mov cr4, eax (PSE)
        a = enablePaging(a, false).x("A1").d(0x400000 + DATA); // mov eax, [0x400000 + DATA]
        TestRun r = runPaged(tablesWithDirectory(recording(a), new int[] {1, PS | P | W | U}).load(DATA, dwords(0x4d4d4d4d)));
        assertHalted(r);
        assertRegs(r, EAX, 0x4d4d4d4d);
    }

    @Test
    void invlpgDropsAStaleTranslation() {
        Asm body = new Asm(BODY).x("A1 00 A0 02 00") // mov eax, [0x2a000] (cached now)
                .storeImm(PT + 0x2a * 4, 0x2b000 | P | W | U) // remap page 0x2a to frame 0x2b
                .x("0F 01 3D 00 A0 02 00 8B 1D 00 A0 02 00"); // invlpg [0x2a000]; mov ebx, [0x2a000]
        TestRun r = runPaged(tables(recording(enablePaging(setup(0), false).b(body.bytes())))
                .load(0x2a000, dwords(0xaaaa)).load(0x2b000, dwords(0xbbbb)));
        assertRegs(r, EAX, 0xaaaa, EBX, 0xbbbb);
    }

    @Test
    void reloadingCr3DropsTranslations() {
        Asm body = new Asm(BODY).x("A1 00 A0 02 00").storeImm(PT + 0x2a * 4, 0x2b000 | P | W | U)
                .x("0F 20 D9 0F 22 D9 8B 1D 00 A0 02 00"); // mov ecx, cr3; mov cr3, ecx; mov ebx, [0x2a000]
        TestRun r = runPaged(tables(recording(enablePaging(setup(0), false).b(body.bytes())))
                .load(0x2a000, dwords(0xaaaa)).load(0x2b000, dwords(0xbbbb)));
        assertRegs(r, EAX, 0xaaaa, EBX, 0xbbbb);
    }

    /**
     * REP MOVSB from 0x20000 to 0x20FFC, 8 bytes, page 0x21 not present: the fault comes after 4 bytes with
     * ECX, ESI, EDI at that point and the pushed EIP on the REP prefix; the handler maps the page and the
     * instruction resumes and completes (SDM Vol. 2B REP: "the instruction can be restarted").
     */
    @Test
    void repMovsbFaultInTheMiddleResumesAndCompletes() {
        int rec = 0x3e000, handler = 0x11000;
        Asm h = new Asm(handler).x("89 0D 00 E0 03 00 89 35 04 E0 03 00 89 3D 08 E0 03 00") // ecx, esi, edi at the fault
                .x("8B 04 24 A3 0C E0 03 00 8B 44 24 04 A3 10 E0 03 00") // error code, EIP
                .x("0F 20 D0 A3 14 E0 03 00") // CR2
                .storeImm(PT + 0x21 * 4, 0x21000 | P | W | U) // map the page
                .x("FF 05 18 E0 03 00 83 C4 04 CF"); // count; drop the error code; iretd
        Asm main = enablePaging(setup(0), false).mov(ESI, 0x20000).mov(EDI, 0x20ffc).mov(ECX, 8);
        int at = main.here();
        main.x("FC F3 A4"); // cld; rep movsb
        TestGuest g = tables(FaultRecorder.gate(recording(main), PF, SystemTables.gate(TestGuest.CODE32, handler,
                SystemTables.INTERRUPT_GATE, 0)).load(handler, h.bytes())
                .load(0x20000, bytes(1, 2, 3, 4, 5, 6, 7, 8)), 0x21, 0);
        TestRun r = runPaged(g);
        assertHalted(r);
        assertHex(1, r.read32(rec + 0x18), "page faults");
        assertHex(4, r.read32(rec), "ECX at the fault");
        assertHex(0x20004, r.read32(rec + 4), "ESI at the fault");
        assertHex(0x21000, r.read32(rec + 8), "EDI at the fault");
        assertHex(W, r.read32(rec + 0xc), "error code");
        assertHex(at + 1, r.read32(rec + 0x10), "pushed EIP: the REP MOVSB");
        assertHex(0x21000, r.read32(rec + 0x14), "CR2");
        assertMem32(r, 0x20ffc, 0x04030201);
        assertMem32(r, 0x21000, 0x08070605);
        assertRegs(r, ECX, 0, ESI, 0x20008, EDI, 0x21004);
    }

    private TestRun user(Asm ring3, int... pageEntries) {
        TestGuest g = UserMode.guest(enablePaging(setup(0), false), SYSEXIT, Eflags.FIXED, ring3, null);
        return runPaged(tables(g, pageEntries));
    }

    @Test
    void userReadOfASupervisorPage() {
        TestRun r = user(new Asm(UserMode.USER_BODY).x("A1 00 C0 02 00"), 0x2c, 0x2c000 | P | W); // mov eax, [0x2c000]
        assertUserException(r, PF, P | U, UserMode.USER_BODY, UserMode.USER_STACK);
        assertHex(0x2c000, r.state().cr2, "CR2");
    }

    @Test
    void userWriteToAReadOnlyUserPageFaultsWithoutWriteProtect() {
        // CR0.WP only concerns supervisor writes; user writes to read-only pages always fault
        TestRun r = user(new Asm(UserMode.USER_BODY).x("A3 04 D0 02 00"), 0x2d, 0x2d000 | P | U); // mov [0x2d004], eax
        assertUserException(r, PF, P | W | U, UserMode.USER_BODY, UserMode.USER_STACK);
        assertHex(0x2d004, r.state().cr2, "CR2");
    }

    @Test
    void userReadOfANotPresentPage() {
        TestRun r = user(new Asm(UserMode.USER_BODY).x("A1 00 E0 02 00"), 0x2e, 0); // mov eax, [0x2e000]
        assertUserException(r, PF, U, UserMode.USER_BODY, UserMode.USER_STACK);
    }

    /** The stack page below ESP is missing: PUSH faults with ESP as it was (SDM Vol. 3A, 6.15, #PF: faults are restartable). */
    @Test
    void aFaultingPushLeavesEspUnchanged() {
        TestRun r = user(new Asm(UserMode.USER_BODY).x("68 78 56 34 12"), 0x5f, 0); // push 0x12345678
        assertUserException(r, PF, W | U, UserMode.USER_BODY, UserMode.USER_STACK);
        assertHex(UserMode.USER_STACK - 4, r.state().cr2, "CR2");
    }

    @Test
    void userCodeOnASupervisorPageCannotRun() {
        // the ring-3 code's own page is supervisor-only: the fetch faults at its first instruction
        TestRun r = user(new Asm(UserMode.USER_BODY).hlt(), UserMode.USER_CODE >>> 12, UserMode.USER_CODE | P | W);
        assertUserException(r, PF, P | U, UserMode.USER_CODE, UserMode.USER_STACK);
        assertHex(UserMode.USER_CODE, r.state().cr2, "CR2");
        assertRegs(r, ESP, UserMode.ESP0 - 24);
    }

    @Test
    void supervisorAccessToAUserPageIsAllowed() {
        TestRun r = ring0(true, new Asm(BODY).mov(EBX, 0x5a).x("89 1D 00 F0 02 00 8B 0D 00 F0 02 00"), // mov [0x2f000], ebx; mov ecx, [0x2f000]
                0x2f, 0x2f000 | P | W | U);
        assertHalted(r);
        assertRegs(r, ECX, 0x5a);
        assertHex(0, FaultRecorder.count(r), "events");
    }

    @Test
    void anAccessAcrossIntoANotPresentPageFaultsOnItsFirstByteAndWritesNothing() {
        Asm a = enablePaging(setup(0), false).mov(EAX, 0xaabbccdd).x("A3 FE 5F 02 00"); // mov [0x25ffe], eax
        TestRun r = runPaged(tables(recording(a), 0x26, 0));
        assertException(r, PF, W, BODY + 5);
        assertHex(0x26000, r.state().cr2, "CR2: the first byte in the missing page");
        assertMem16(r, 0x25ffe, 0);
    }
}
