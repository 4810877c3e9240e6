package dev.hyperbundle.testkit.suite;

import static dev.hyperbundle.testkit.suite.Asm.EAX;
import static dev.hyperbundle.testkit.suite.Asm.EBX;
import static dev.hyperbundle.testkit.suite.Asm.ECX;
import static dev.hyperbundle.testkit.suite.Asm.EDI;
import static dev.hyperbundle.testkit.suite.Asm.EDX;
import static dev.hyperbundle.testkit.suite.Asm.ESI;
import static dev.hyperbundle.testkit.suite.Asm.ESP;
import static dev.hyperbundle.testkit.suite.UserMode.Entry.SYSEXIT;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperbundle.testkit.TestGuest;
import dev.hyperbundle.testkit.TestRun;
import org.junit.jupiter.api.Test;

/**
 * 32-bit paging (SDM Vol. 3A, 4.3 "32-Bit Paging", 4.6 "Access Rights", 4.7 "Page-Fault Exceptions",
 * 4.8 "Accessed and Dirty Flags", 4.10.4 "Invalidation of TLBs"): #PF error codes (P, W/R, U/S; no I/D
 * bit without SMEP or NX) and CR2 in ring 0 and ring 3, CR0.WP, faulting EIP and restart (REP MOVSB
 * resumes where it faulted), ESP unchanged by a faulting PUSH, A/D bits, 4 MiB pages, INVLPG and CR3
 * reloads, global pages (4.10.2.4), faulting stack pushes that the #PF handler fixes and resumes
 * (6.5). Every guest identity-maps the first 4 MiB with 4 KiB pages (user, writable) except where a test
 * says otherwise, and turns paging on itself.
 */
public abstract class PagingSuite extends BackendSuite {
    static final int PD = 0x40000, PT = 0x41000;
    static final int P = 1, W = 2, U = 4, A = 0x20, D = 0x40, PS = 0x80, G = 0x100;
    static final int PF = 14;
    static final int CR0_PG = 0x80000000, CR0_WP = 0x10000;
    static final int CR4_PSE = 0x10, CR4_PGE = 0x80;

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

    // ---- global pages (SDM Vol. 3A, 4.10.2.4 "Global Pages", 4.10.4 "Invalidation of TLBs") ------

    /** Linear pages of {@link #globalPages}: the global one and the non-global one (4 KiB variant). */
    static final int GLOBAL_PAGE = 0x2a000, LOCAL_PAGE = 0x2c000;

    /**
     * The guest of the global-page tests: CR4.PGE = {@code pge} (and CR4.PSE with {@code fourMegabytePages}),
     * a linear page whose entry has G = 1 (frame holding 0xaaaa) and one with G = 0 (0xcccc); both are read
     * (EAX, EDX: filling the TLB), then both entries are pointed at other frames in memory (0xbbbb, 0xdddd)
     * without INVLPG, then MOV CR3, CR3, then the non-global page is read into EBX and the global one into
     * ESI, then CR4.PGE is cleared and set again, then the global page is read into EDI. With 4 MiB pages
     * the entries are PDEs 1 (global) and 2 (4-8 and 8-12 MiB linear), first mapping physical 0-4 MiB and
     * then 4-8 MiB (the guest has 8 MiB of RAM).
     *
     * <p>What the architecture guarantees: EBX = 0xdddd (a CR3 load invalidates non-global entries) and
     * EDI = 0xbbbb (a CR4 write that changes PGE invalidates all entries, global ones too; 4.10.4.1), and
     * with PGE = 0 also ESI = 0xbbbb (the G flag is ignored). With PGE = 1, ESI is 0xaaaa if the TLB kept
     * the global entry over the CR3 load, but the processor is always free to invalidate more entries, MOV to
     * CR3 "may invalidate TLB entries for global pages" (4.10.4.1), so only backend-specific tests of a TLB
     * that does keep them may insist on 0xaaaa; this public factory is for them.
     */
    public static TestGuest globalPages(boolean pge, boolean fourMegabytePages) {
        int linG, linN, entryG, entryN, newG, newN, physNewG, physNewN;
        if (fourMegabytePages) {
            linG = 0x400000 + GLOBAL_PAGE;
            linN = 0x800000 + LOCAL_PAGE;
            entryG = PD + 4;
            entryN = PD + 8;
            newG = 0x400000 | PS | G | P | W | U;
            newN = 0x400000 | PS | P | W | U;
            physNewG = 0x400000 + GLOBAL_PAGE;
            physNewN = 0x400000 + LOCAL_PAGE;
        } else {
            linG = GLOBAL_PAGE;
            linN = LOCAL_PAGE;
            entryG = PT + (GLOBAL_PAGE >>> 12) * 4;
            entryN = PT + (LOCAL_PAGE >>> 12) * 4;
            newG = 0x2b000 | G | P | W | U;
            newN = 0x2d000 | P | W | U;
            physNewG = 0x2b000;
            physNewN = 0x2d000;
        }
        Asm a = setup(0).mov(EAX, (pge ? CR4_PGE : 0) | (fourMegabytePages ? CR4_PSE : 0)).x("0F 22 E0"); // mov cr4, eax
        enablePaging(a, false).load(EAX, linG).load(EDX, linN) // both in the TLB now
                .storeImm(entryG, newG).storeImm(entryN, newN) // remapped in memory only
                .x("0F 20 D9 0F 22 D9") // mov ecx, cr3; mov cr3, ecx
                .load(EBX, linN).load(ESI, linG)
                .x("0F 20 E1 81 E1").d(~CR4_PGE).x("0F 22 E1 81 C9").d(CR4_PGE).x("0F 22 E1") // cr4 &= ~PGE; cr4 |= PGE
                .load(EDI, linG);
        TestGuest g = recording(a).load(GLOBAL_PAGE, dwords(0xaaaa)).load(LOCAL_PAGE, dwords(0xcccc))
                .load(physNewG, dwords(0xbbbb)).load(physNewN, dwords(0xdddd));
        if (fourMegabytePages) {
            return tablesWithDirectory(g.ram(8 << 20), new int[] {1, PS | G | P | W | U, 2, PS | P | W | U});
        }
        return tables(g, GLOBAL_PAGE >>> 12, GLOBAL_PAGE | G | P | W | U);
    }

    /** The architectural part of {@link #globalPages}: no fault, the first reads, EBX and EDI new, ESI old or new. */
    private static void assertGlobalPageFlushes(TestRun r) {
        assertHalted(r);
        assertHex(0, FaultRecorder.count(r), "events");
        assertRegs(r, EAX, 0xaaaa, EDX, 0xcccc);
        assertHex(0xdddd, r.state().gpr[EBX], "non-global page after MOV CR3: the new mapping (4.10.4.1)");
        int afterCr3 = r.state().gpr[ESI];
        assertTrue(afterCr3 == 0xaaaa || afterCr3 == 0xbbbb, () -> String.format(
                "global page after MOV CR3: the old or the new frame's value, not 0x%x", afterCr3));
        assertHex(0xbbbb, r.state().gpr[EDI], "global page after toggling CR4.PGE: the new mapping (4.10.4.1)");
    }

    /**
     * SDM Vol. 3A, 4.10.2.4: with CR4.PGE = 1 a MOV to CR3 need not invalidate a G = 1 translation (whether
     * it survives is not asserted here: a TLB may drop entries at any time); 4.10.4.1: MOV to CR3 invalidates
     * all non-global entries, and a MOV to CR4 that changes PGE invalidates all entries, global ones too.
     */
    @Test
    void globalPageFlushedByTogglingPgeAndNonGlobalByCr3Load() {
        assertGlobalPageFlushes(runPaged(globalPages(true, false)));
    }

    /** As above with a 4 MiB page (CR4.PSE, PDE.PS = 1 and G = 1; SDM Vol. 3A, 4.3, 4.10.2.4, 4.10.4.1). */
    @Test
    void fourMegabyteGlobalPageFlushedByTogglingPge() {
        assertGlobalPageFlushes(runPaged(globalPages(true, true)));
    }

    /** SDM Vol. 3A, 4.10.2.4: G is used only with CR4.PGE = 1; without it a CR3 load drops the page too. */
    @Test
    void theGlobalFlagIsIgnoredWithoutPge() {
        TestRun r = runPaged(globalPages(false, false));
        assertGlobalPageFlushes(r);
        assertHex(0xbbbb, r.state().gpr[ESI], "G = 1 page after MOV CR3 with CR4.PGE = 0: the new mapping");
    }

    /** SDM Vol. 3A, 4.10.4.1: INVLPG invalidates the TLB entries of its page, including those for global pages. */
    @Test
    void invlpgDropsAGlobalTranslation() {
        Asm a = setup(0).mov(EAX, CR4_PGE).x("0F 22 E0"); // mov cr4, eax
        enablePaging(a, false).load(EAX, GLOBAL_PAGE) // cached now
                .storeImm(PT + (GLOBAL_PAGE >>> 12) * 4, 0x2b000 | G | P | W | U)
                .x("0F 01 3D").d(GLOBAL_PAGE).load(EBX, GLOBAL_PAGE); // invlpg [GLOBAL_PAGE]; mov ebx, [GLOBAL_PAGE]
        TestRun r = runPaged(tables(recording(a).load(GLOBAL_PAGE, dwords(0xaaaa)).load(0x2b000, dwords(0xbbbb)),
                GLOBAL_PAGE >>> 12, GLOBAL_PAGE | G | P | W | U));
        assertHalted(r);
        assertHex(0, FaultRecorder.count(r), "events");
        assertRegs(r, EAX, 0xaaaa, EBX, 0xbbbb);
    }

    // ---- a stack fault the handler fixes (SDM Vol. 3A, 6.5 "Exception Classifications": a fault is
    // reported so that the faulting instruction can be restarted with no loss of continuity) ----------

    /** Where {@link #stackFaultFixed}'s #PF handler records: count, CR2, error code, pushed EIP, pushed ESP. */
    private static final int PF_REC = 0x3e000, PF_HANDLER = 0x11000;
    /** The ring-3 stack page below {@link UserMode#USER_STACK}, not present until the handler maps it. */
    private static final int STACK_PAGE = (UserMode.USER_STACK >>> 12) - 1;

    /**
     * {@code ring3} runs with ESP = USER_STACK and the page below not present; the #PF handler (ring 0, on
     * the TSS's stack) records the fault, maps the page, drops the error code and IRETs (a second fault
     * halts instead of looping).
     */
    private TestRun stackFaultFixed(Asm ring3) {
        Asm h = new Asm(PF_HANDLER).x("50 0F 20 D0").store(PF_REC + 4, EAX) // push eax; mov eax, cr2
                .x("8B 44 24 04").store(PF_REC + 8, EAX) // error code
                .x("8B 44 24 08").store(PF_REC + 12, EAX) // EIP
                .x("8B 44 24 14").store(PF_REC + 16, EAX) // ESP of ring 3
                .x("58 FF 05").d(PF_REC) // pop eax; inc dword [count]
                .x("83 3D").d(PF_REC).b(1).jump8(0x77, "again") // cmp dword [count], 1; ja again
                .storeImm(PT + STACK_PAGE * 4, STACK_PAGE << 12 | P | W | U) // map the page
                .x("83 C4 04 CF") // add esp, 4; iretd
                .label("again").hlt();
        TestGuest g = UserMode.guest(enablePaging(setup(0), false), SYSEXIT, Eflags.FIXED, ring3, null);
        g = FaultRecorder.gate(g, PF, SystemTables.gate(TestGuest.CODE32, PF_HANDLER, SystemTables.INTERRUPT_GATE, 0))
                .load(PF_HANDLER, h.bytes());
        return runPaged(tables(g, STACK_PAGE, 0));
    }

    private static void assertOneStackFault(TestRun r, int eip) {
        assertHex(1, r.read32(PF_REC), "page faults");
        assertHex(UserMode.USER_STACK - 4, r.read32(PF_REC + 4), "CR2 in the handler");
        assertHex(W | U, r.read32(PF_REC + 8), "error code: not present, write, user");
        assertHex(eip, r.read32(PF_REC + 12), "pushed EIP: the faulting instruction");
        assertHex(UserMode.USER_STACK, r.read32(PF_REC + 16), "pushed ESP: unchanged by the faulting instruction");
        assertHex(UserMode.USER_STACK - 4, r.state().cr2, "CR2");
    }

    /** PUSH faults on the missing stack page; restarted after IRET it pushes exactly once. */
    @Test
    void aPushFaultFixedByTheHandlerCompletesOnce() {
        Asm ring3 = new Asm(UserMode.USER_BODY).x("68 78 56 34 12 89 E3 CD 80"); // push 0x12345678; mov ebx, esp; int 0x80
        TestRun r = stackFaultFixed(ring3);
        assertUserException(r, 0x80, NO_ERROR_CODE, UserMode.USER_BODY + 9, UserMode.USER_STACK - 4);
        assertOneStackFault(r, UserMode.USER_BODY);
        assertRegs(r, EBX, UserMode.USER_STACK - 4);
        assertMem32(r, UserMode.USER_STACK - 4, 0x12345678);
        assertMem32(r, UserMode.USER_STACK - 8, 0);
    }

    /** CALL's return-address push faults; restarted after IRET the call completes: return address pushed, EIP at the target. */
    @Test
    void aCallWhosePushFaultsCompletesAfterTheHandlerFixesIt() {
        Asm ring3 = new Asm(UserMode.USER_BODY).jump32("E8", "target").hlt() // call target; (hlt: #GP in ring 3)
                .label("target").x("89 E3 CD 80"); // mov ebx, esp; int 0x80
        int target = ring3.addressOf("target");
        TestRun r = stackFaultFixed(ring3);
        assertUserException(r, 0x80, NO_ERROR_CODE, target + 4, UserMode.USER_STACK - 4);
        assertOneStackFault(r, UserMode.USER_BODY);
        assertRegs(r, EBX, UserMode.USER_STACK - 4);
        assertMem32(r, UserMode.USER_STACK - 4, UserMode.USER_BODY + 5);
        assertMem32(r, UserMode.USER_STACK - 8, 0);
    }
}
