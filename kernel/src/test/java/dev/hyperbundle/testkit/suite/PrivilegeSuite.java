package dev.hyperbundle.testkit.suite;

import static dev.hyperbundle.testkit.suite.Asm.EAX;
import static dev.hyperbundle.testkit.suite.Asm.EBX;
import static dev.hyperbundle.testkit.suite.Asm.ECX;
import static dev.hyperbundle.testkit.suite.Asm.ESI;
import static dev.hyperbundle.testkit.suite.Asm.ESP;
import static dev.hyperbundle.testkit.suite.Eflags.IF;
import static dev.hyperbundle.testkit.suite.Eflags.IOPL3;
import static dev.hyperbundle.testkit.suite.UserMode.Entry.IRET;
import static dev.hyperbundle.testkit.suite.UserMode.Entry.SYSEXIT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hyperbundle.testkit.TestGuest;
import dev.hyperbundle.testkit.TestRun;
import org.junit.jupiter.api.Test;

/**
 * Privilege levels (SDM Vol. 3A, 5.5 "Privilege Levels", 6.12.1 "Exception- or Interrupt-Handler
 * Procedures"; Vol. 1, 19.5 "I/O Privilege Level" and 19.5.2 "I/O Permission Bit Map"): entering ring 3
 * with IRET and with SYSEXIT, coming back through an interrupt gate (stack switch to the TSS's SS0:ESP0)
 * and SYSENTER, privileged instructions, IOPL, the I/O bitmap, gate DPL, data-segment DPL, CR4.TSD.
 */
public abstract class PrivilegeSuite extends BackendSuite {
    static final int GP = 13;
    static final int FIXED = Eflags.FIXED;

    private TestRun user(UserMode.Entry entry, int eflags, Asm ring3, byte[] ioBitmap) {
        return run(UserMode.guest(setup(0), entry, eflags, ring3, ioBitmap));
    }

    private TestRun user(Asm ring3) {
        return user(SYSEXIT, FIXED, ring3, null);
    }

    @Test
    void iretToRing3AndBackThroughAnInterruptGate() {
        Asm ring3 = new Asm(UserMode.USER_BODY).x("8C C8 8C D3 CD 80"); // mov eax, cs; mov ebx, ss; int 0x80
        TestRun r = user(IRET, FIXED, ring3, null);
        assertUserException(r, 0x80, NO_ERROR_CODE, UserMode.USER_BODY + 6, UserMode.USER_STACK);
        assertHex(UserMode.USER_CS, r.state().gpr[EAX] & 0xffff, "CS in ring 3");
        assertHex(UserMode.USER_SS, r.state().gpr[EBX] & 0xffff, "SS in ring 3");
        assertHex(TestGuest.CODE32, r.state().seg[1].selector, "CS in the handler");
        assertHex(TestGuest.DATA32, r.state().seg[2].selector, "SS in the handler: the TSS's SS0");
    }

    @Test
    void iretToRing3NullsDataSegmentsOfRing0() {
        // DS/ES/FS/GS with DPL < the new CPL are loaded with the null selector (SDM IRET, RETURN-TO-OUTER-PRIVILEGE-LEVEL)
        Asm ring3 = new Asm(UserMode.USER_BODY).x("8C E0 8C EB CD 80"); // mov eax, fs; mov ebx, gs; int 0x80
        TestRun r = user(IRET, FIXED, ring3, null);
        assertUserException(r, 0x80, NO_ERROR_CODE, UserMode.USER_BODY + 6, UserMode.USER_STACK);
        assertHex(0, r.state().gpr[EAX] & 0xffff, "FS");
        assertHex(0, r.state().gpr[EBX] & 0xffff, "GS");
    }

    @Test
    void sysexitToRing3AndSysenterBack() {
        Asm ring3 = new Asm(UserMode.USER_BODY).x("8C C8 8C D3 89 E6 0F 34"); // mov eax, cs; mov ebx, ss; mov esi, esp; sysenter
        TestRun r = run(UserMode.guest(setup(0), SYSEXIT, FIXED, ring3, null)
                .load(UserMode.SYSENTER_EIP, new Asm(UserMode.SYSENTER_EIP).hlt().bytes()));
        assertHalted(r);
        assertHex(UserMode.USER_CS, r.state().gpr[EAX] & 0xffff, "CS in ring 3");
        assertHex(UserMode.USER_SS, r.state().gpr[EBX] & 0xffff, "SS in ring 3");
        assertRegs(r, ESI, UserMode.USER_STACK, ESP, UserMode.SYSENTER_ESP);
        assertHex(UserMode.SYSENTER_CS, r.state().seg[1].selector, "CS after SYSENTER");
        assertHex(UserMode.SYSENTER_CS + 8, r.state().seg[2].selector, "SS after SYSENTER");
        assertHex(UserMode.SYSENTER_EIP + 1, r.state().eip, "EIP after the HLT");
    }

    @Test
    void hltInRing3RaisesGeneralProtection() {
        TestRun r = user(new Asm(UserMode.USER_BODY).hlt());
        assertUserException(r, GP, 0, UserMode.USER_BODY, UserMode.USER_STACK);
    }

    @Test
    void movToCr0InRing3RaisesGeneralProtection() {
        TestRun r = user(new Asm(UserMode.USER_BODY).mov(EAX, 0x11).x("0F 22 C0")); // mov cr0, eax
        assertUserException(r, GP, 0, UserMode.USER_BODY + 5, UserMode.USER_STACK);
        assertHex(0x11, r.state().cr0, "CR0");
    }

    @Test
    void cliInRing3WithIopl0RaisesGeneralProtection() {
        TestRun r = user(SYSEXIT, FIXED | IF, new Asm(UserMode.USER_BODY).x("FA"), null); // cli
        assertUserException(r, GP, 0, UserMode.USER_BODY, UserMode.USER_STACK);
        assertHex(IF, userFlags(r, true) & IF, "IF still set");
    }

    @Test
    void cliInRing3WithIopl3Works() {
        TestRun r = user(SYSEXIT, FIXED | IF | IOPL3, new Asm(UserMode.USER_BODY).x("FA").hlt(), null); // cli; hlt
        assertUserException(r, GP, 0, UserMode.USER_BODY + 1, UserMode.USER_STACK); // HLT needs CPL 0 whatever IOPL is
        assertHex(IOPL3, userFlags(r, true) & (IF | IOPL3), "IF cleared by CLI, IOPL 3");
    }

    @Test
    void outInRing3WithIopl0AndNoBitmapRaisesGeneralProtection() {
        TestRun r = user(new Asm(UserMode.USER_BODY).x("B0 52 E6 E9")); // mov al, 'R'; out 0xe9, al
        assertUserException(r, GP, 0, UserMode.USER_BODY + 2, UserMode.USER_STACK);
        assertEquals("", r.console());
    }

    @Test
    void outInRing3WithIopl3IsAllowed() {
        TestRun r = user(SYSEXIT, FIXED | IOPL3, new Asm(UserMode.USER_BODY).x("B0 52 E6 E9").hlt(), null); // out; hlt
        assertUserException(r, GP, 0, UserMode.USER_BODY + 4, UserMode.USER_STACK);
        assertEquals("R", r.console());
    }

    @Test
    void ioBitmapAllowsAPortWithItsBitClear() {
        Asm ring3 = new Asm(UserMode.USER_BODY).x("B0 42 E6 E9 E6 EA"); // mov al, 'B'; out 0xe9, al; out 0xea, al
        TestRun r = user(SYSEXIT, FIXED, ring3, UserMode.ioBitmapAllowing(0xe9));
        assertUserException(r, GP, 0, UserMode.USER_BODY + 4, UserMode.USER_STACK);
        assertEquals("B", r.console());
    }

    @Test
    void ioBitmapChecksEveryPortOfAWordAccess() {
        // a 16-bit OUT to 0xE8 touches 0xE8 and 0xE9: allowed only if both bits are clear
        Asm ring3 = new Asm(UserMode.USER_BODY).x("66 E7 E8"); // out 0xe8, ax
        TestRun r = user(SYSEXIT, FIXED, ring3, UserMode.ioBitmapAllowing(0xe9));
        assertUserException(r, GP, 0, UserMode.USER_BODY, UserMode.USER_STACK);
        assertEquals("", r.console());
    }

    @Test
    void softwareInterruptThroughADpl0GateFromRing3RaisesGeneralProtection() {
        TestRun r = user(IRET, FIXED, new Asm(UserMode.USER_BODY).x("CD 81"), null); // int 0x81 (gate DPL 0)
        assertUserException(r, GP, 0x81 * 8 + 2, UserMode.USER_BODY, UserMode.USER_STACK);
    }

    @Test
    void loadingARing0DataSegmentInRing3RaisesGeneralProtection() {
        TestRun r = user(new Asm(UserMode.USER_BODY).mov(EAX, TestGuest.DATA32 | 3).x("8E D8")); // mov ds, ax
        assertUserException(r, GP, TestGuest.DATA32, UserMode.USER_BODY + 5, UserMode.USER_STACK);
    }

    @Test
    void rdtscInRing3WithTimeStampDisableRaisesGeneralProtection() {
        Asm ring0 = setup(0).mov(EAX, 0x4).x("0F 22 E0"); // mov cr4, eax (TSD)
        TestRun r = run(UserMode.guest(ring0, SYSEXIT, FIXED, new Asm(UserMode.USER_BODY).x("0F 31"), null)); // rdtsc
        assertUserException(r, GP, 0, UserMode.USER_BODY, UserMode.USER_STACK);
    }

    @Test
    void rdtscInRing3WithoutTimeStampDisableWorks() {
        TestRun r = user(new Asm(UserMode.USER_BODY).x("0F 31").hlt()); // rdtsc; hlt
        assertUserException(r, GP, 0, UserMode.USER_BODY + 2, UserMode.USER_STACK); // the HLT faults, not the RDTSC
    }

    /** WBINVD and INVD are privileged: #GP(0) outside ring 0 (SDM Vol. 2B, WBINVD; Vol. 2A, INVD). */
    @Test
    void wbinvdAndInvdInRing3RaiseGeneralProtection() {
        assertUserException(user(new Asm(UserMode.USER_BODY).x("0F 09")), GP, 0, UserMode.USER_BODY, UserMode.USER_STACK); // wbinvd
        assertUserException(user(new Asm(UserMode.USER_BODY).x("0F 08")), GP, 0, UserMode.USER_BODY, UserMode.USER_STACK); // invd
    }

    /** RDPMC outside ring 0 with CR4.PCE clear raises #GP(0) (SDM Vol. 2B, RDPMC). */
    @Test
    void rdpmcInRing3WithoutPerformanceCounterEnableRaisesGeneralProtection() {
        TestRun r = user(new Asm(UserMode.USER_BODY).x("31 C9 0F 33")); // xor ecx, ecx; rdpmc
        assertUserException(r, GP, 0, UserMode.USER_BODY + 2, UserMode.USER_STACK);
    }

    /** A counter index the CPU does not have raises #GP(0), whatever the privilege (SDM Vol. 2B, RDPMC). */
    @Test
    void rdpmcOfACounterThatDoesNotExistRaisesGeneralProtection() {
        TestRun r = exec(recording(setup(0, ECX, 0x12).x("0F 33").exit(1))); // rdpmc
        assertException(r, GP, 0, CODE + 11);
    }

    @Test
    void farReturnToRing3SwitchesTheStack() {
        // RETF to an outer level pops EIP, CS, then ESP, SS (SDM RET, RETURN-TO-OUTER-PRIVILEGE-LEVEL)
        Asm ring0 = setup(0).x("6A").b(UserMode.USER_SS).x("68").d(UserMode.USER_STACK).x("6A").b(UserMode.USER_CS)
                .x("68").d(UserMode.USER_CODE).x("CB"); // push ss; push esp; push cs; push eip; retf
        Asm ring3 = new Asm(UserMode.USER_BODY).x("8C C8 89 E6 CD 80"); // mov eax, cs; mov esi, esp; int 0x80
        TestGuest g = UserMode.guest(ring0, SYSEXIT, FIXED, ring3, null);
        TestRun r = run(g);
        assertUserException(r, 0x80, NO_ERROR_CODE, UserMode.USER_BODY + 6, UserMode.USER_STACK);
        assertHex(UserMode.USER_CS, r.state().gpr[EAX] & 0xffff, "CS in ring 3");
        assertRegs(r, ESI, UserMode.USER_STACK);
    }
}
