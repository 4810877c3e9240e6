package dev.hyperbundle.testkit.suite;

import static dev.hyperbundle.testkit.suite.Asm.EAX;
import static dev.hyperbundle.testkit.suite.Asm.EBX;
import static dev.hyperbundle.testkit.suite.Asm.ECX;
import static dev.hyperbundle.testkit.suite.Asm.EDX;
import static dev.hyperbundle.testkit.suite.Asm.ESI;
import static dev.hyperbundle.testkit.suite.Asm.EDI;
import static dev.hyperbundle.testkit.suite.Eflags.ZF;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperbundle.testkit.TestGuest;
import dev.hyperbundle.testkit.TestRun;
import org.junit.jupiter.api.Test;

/**
 * CPUID, RDTSC, control registers, descriptor-table registers, MSRs and the selector instructions
 * (LSL, LAR, VERR, VERW, ARPL) at CPL 0 (SDM Vol. 2A/2B; Vol. 3A 2.5 "Control Registers").
 */
public abstract class SystemInstructionSuite extends BackendSuite {
    private static int ascii(String four) {
        return four.charAt(0) | four.charAt(1) << 8 | four.charAt(2) << 16 | four.charAt(3) << 24;
    }

    @Test
    void cpuidLeafZeroNamesTheVendorAndTheHighestLeaf() {
        TestRun r = op("0F A2", 0, EAX, 0, ECX, 0x12345678); // cpuid
        assertRegs(r, EBX, ascii("Genu"), EDX, ascii("ineI"), ECX, ascii("ntel"));
        assertTrue(r.state().gpr[EAX] >= 1, "highest basic leaf");
    }

    @Test
    void cpuidLeafOneReportsWhatTheSuitesUse() {
        TestRun r = op("0F A2", 0, EAX, 1, ECX, 0); // cpuid
        int fpu = 1, tsc = 1 << 4, msr = 1 << 5, cx8 = 1 << 8, sep = 1 << 11, cmov = 1 << 15, pse = 1 << 3;
        int needed = fpu | tsc | msr | cx8 | sep | cmov | pse;
        assertHex(needed, r.state().gpr[EDX] & needed, "CPUID.1:EDX FPU TSC MSR CX8 SEP CMOV PSE");
        assertHex(6, r.state().gpr[EAX] >>> 8 & 0xf, "family");
    }

    @Test
    void cpuidExtendedLeavesExist() {
        TestRun r = op("0F A2", 0, EAX, 0x80000000); // cpuid
        assertTrue(Integer.compareUnsigned(r.state().gpr[EAX], 0x80000000) > 0, () -> Integer.toHexString(r.state().gpr[EAX]));
    }

    @Test
    void rdtscIsMonotonic() {
        // eight reads, the later ones after a loop of 1000 iterations; each is at least the one before
        Asm a = setup(0).mov(EDI, DATA);
        for (int i = 0; i < 8; i++) {
            a.x("0F 31 89 07 89 57 04 83 C7 08"); // rdtsc; mov [edi], eax; mov [edi+4], edx; add edi, 8
            if (i == 3) {
                a.mov(ECX, 1000).label("spin").jump8(0xE2, "spin"); // loop spin
            }
        }
        TestRun r = exec(a);
        long previous = Long.MIN_VALUE;
        long first = 0;
        for (int i = 0; i < 8; i++) {
            long t = Integer.toUnsignedLong(r.read32(DATA + 8 * i)) | (long) r.read32(DATA + 8 * i + 4) << 32;
            first = i == 0 ? t : first;
            assertTrue(Long.compareUnsigned(t, previous) >= 0 || i == 0, "TSC read " + i + " went back: " + t);
            previous = t;
        }
        assertTrue(Long.compareUnsigned(previous, first) > 0, "the TSC advanced over 1000 iterations");
    }

    @Test
    void cr0ReadsProtectionEnableAndExtensionType() {
        TestRun r = op("0F 20 C0", 0); // mov eax, cr0
        assertRegs(r, EAX, 0x11);
    }

    @Test
    void cr4WriteReadsBack() {
        TestRun r = op("0F 22 E0 0F 20 E3", 0, EAX, 0x9c); // mov cr4, eax; mov ebx, cr4 (TSD DE PSE PGE)
        assertRegs(r, EBX, 0x9c);
        assertHex(0x9c, r.state().cr4, "CR4");
    }

    @Test
    void cltsClearsTaskSwitched() {
        TestRun r = op("0F 22 C0 0F 20 C3 0F 06 0F 20 C1", 0, EAX, 0x19); // mov cr0, eax (TS); mov ebx, cr0; clts; mov ecx, cr0
        assertRegs(r, EBX, 0x19, ECX, 0x11);
    }

    @Test
    void lmswSetsButCannotClearProtectionEnable() {
        TestRun r = op("0F 01 F0 0F 20 C3", 0, EAX, 0x000e); // lmsw ax (MP EM TS, PE clear); mov ebx, cr0
        assertRegs(r, EBX, 0x1f);
    }

    @Test
    void smswStoresTheLowHalfOfCr0() {
        TestRun r = op("66 0F 01 E0", 0, EAX, 0xaaaaaaaa); // smsw ax
        assertRegs(r, EAX, 0xaaaa0011);
    }

    @Test
    void sgdtStoresLimitAndBase() {
        TestRun r = exec(setup(0).x("0F 01 05 00 00 03 00")); // sgdt [0x30000]
        assertMem16(r, DATA, 5 * 8 - 1);
        assertMem32(r, DATA + 2, TestGuest.GDT);
    }

    @Test
    void lidtThenSidtRoundTrips() {
        TestRun r = exec(pm(setup(0).x("0F 01 1D 00 00 03 00 0F 01 0D 10 00 03 00")) // lidt [0x30000]; sidt [0x30010]
                .load(DATA, bytes(0xff, 0x07, 0x00, 0x20, 0x00, 0x00)));
        assertMem16(r, DATA + 0x10, 0x7ff);
        assertMem32(r, DATA + 0x12, 0x2000);
        assertHex(0x2000, r.state().idtBase, "IDTR base");
        assertHex(0x7ff, r.state().idtLimit, "IDTR limit");
    }

    @Test
    void lgdtThenSgdtRoundTrips() {
        TestRun r = exec(pm(setup(0).x("0F 01 15 00 00 03 00 0F 01 05 10 00 03 00")) // lgdt [0x30000]; sgdt [0x30010]
                .load(DATA, bytes(0x27, 0x00, 0x00, 0x10, 0x00, 0x00)));
        assertMem16(r, DATA + 0x10, 0x27);
        assertMem32(r, DATA + 0x12, 0x1000);
    }

    @Test
    void strAndSldtOfTheNullSelectorsZeroExtend() {
        TestRun r = op("0F 00 C8 0F 00 C3", 0, EAX, -1, EBX, -1); // str eax; sldt ebx
        assertRegs(r, EAX, 0, EBX, 0);
    }

    @Test
    void wrmsrThenRdmsr() {
        TestRun r = exec(setup(0, ECX, 0x175, EAX, 0x7f000, EDX, 0).x("0F 30") // wrmsr IA32_SYSENTER_ESP
                .mov(EAX, -1).mov(EDX, -1).x("0F 32")); // rdmsr
        assertRegs(r, EAX, 0x7f000, EDX, 0);
        assertHex(0x7f000, r.state().sysenterEsp, "SYSENTER_ESP");
    }

    @Test
    void lslOfAFlatSegmentIsTheByteLimit() {
        TestRun r = op("0F 03 C3", 0, EAX, 0, EBX, TestGuest.DATA32); // lsl eax, ebx
        assertRegs(r, EAX, 0xffffffff);
        assertFlags(r, ZF, ZF);
    }

    @Test
    void lslBeyondTheGdtClearsZf() {
        TestRun r = op("0F 03 C3", ZF, EAX, 0x1234, EBX, 0x48); // lsl eax, ebx
        assertRegs(r, EAX, 0x1234);
        assertFlags(r, 0, ZF);
    }

    @Test
    void larOfTheCodeSegment() {
        TestRun r = op("0F 02 C3", 0, EAX, 0, EBX, TestGuest.CODE32); // lar eax, ebx
        // the descriptor's high dword masked with 00FxFF00H (SDM LAR: the x bits are undefined)
        assertHex(0x00c09b00, r.state().gpr[EAX] & 0x00f0ff00, "access rights");
        assertHex(0, r.state().gpr[EAX] & 0xff0000ff, "bits outside the mask");
        assertFlags(r, ZF, ZF);
    }

    @Test
    void verrAndVerw() {
        TestRun r = exec(setup(0, EBX, TestGuest.CODE32).x("0F 00 E3").saveFlags(DATA) // verr bx: readable code
                .x("0F 00 EB").saveFlags(DATA + 4) // verw bx: code is never writable
                .mov(EBX, TestGuest.DATA32).x("0F 00 EB").saveFlags(DATA + 8)); // verw bx
        assertHex(ZF, r.read32(DATA) & ZF, "VERR code");
        assertHex(0, r.read32(DATA + 4) & ZF, "VERW code");
        assertHex(ZF, r.read32(DATA + 8) & ZF, "VERW data");
    }

    @Test
    void arplRaisesTheRequestedPrivilegeLevel() {
        TestRun r = exec(setup(0, EAX, 0x0010, EBX, 0x0003).x("63 D8").saveFlags(DATA) // arpl ax, bx
                .mov(ESI, 0x13).mov(EBX, 1).x("63 DE")); // arpl si, bx
        assertHex(0x13, r.state().gpr[EAX] & 0xffff, "adjusted selector");
        assertHex(ZF, r.read32(DATA) & ZF, "ZF after an adjustment");
        assertRegs(r, ESI, 0x13);
        assertFlags(r, 0, ZF);
    }
}
