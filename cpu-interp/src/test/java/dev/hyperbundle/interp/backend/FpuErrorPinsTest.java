package dev.hyperbundle.interp.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperbundle.cpu.X86CpuState;
import dev.hyperbundle.irq.FpuErrorLogic;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The x87's MS-DOS compatibility mode (CR0.NE = 0) on the machine's pins: the interpreter drives FERR# with FSW.ES,
 * freezes before a waiting instruction while IGNNE# is deasserted, and runs it once the chipset asserts IGNNE#
 * (SDM Vol. 1, 8.7.2 and D.2.1.3). The chipset here is the test: it records FERR# and drives IGNNE# itself.
 */
class FpuErrorPinsTest {
    private static final int CODE = DirectMachine.CODE;
    // fninit; push 0x037b; fldcw [esp] (zero-divide unmasked); fld1; fldz; fdivp: FSW.ES set
    private static final String FAIL = "DB E3 68 7B 03 00 00 D9 2C 24 D9 E8 D9 EE DE F9";
    private static final int WAIT = CODE + 16;

    @Test
    void ferrFollowsEsAndTheWaitRunsOnceIgnneIsAsserted() {
        try (DirectMachine m = new DirectMachine()) {
            List<Boolean> ferr = new ArrayList<>();
            FpuErrorLogic chipset = ferr::add;
            FpuErrorLogic.IgnnePin ignne = m.platform.interrupts().install(chipset);
            m.load(CODE, HexFormat.ofDelimiter(" ").parseHex(FAIL + " 9B DB E2 F4")); // ...; fwait; fnclex; hlt

            X86CpuState frozen = m.runToHlt(DirectMachine.flat(CODE));
            assertEquals(WAIT, frozen.eip, "frozen before the WAIT");
            assertTrue(frozen.halted);
            assertEquals(List.of(true), ferr, "FERR# asserted with ES");

            ignne.set(true); // the guest's IRQ 13 handler wrote port 0xF0; its IRET returns to the WAIT
            frozen.halted = false;
            X86CpuState done = m.runToHlt(frozen);
            assertEquals(WAIT + 4, done.eip, "WAIT and FNCLEX ran, HLT ended the run");
            assertEquals(List.of(true, false), ferr, "FNCLEX cleared ES: FERR# drops");
        }
    }

    @Test
    void withCr0NeFerrStaysDeasserted() {
        try (DirectMachine m = new DirectMachine()) {
            List<Boolean> ferr = new ArrayList<>();
            m.platform.interrupts().install((FpuErrorLogic) ferr::add);
            m.load(CODE, HexFormat.ofDelimiter(" ").parseHex(FAIL + " DF E0 F4")); // ...; fnstsw ax; hlt
            X86CpuState start = DirectMachine.flat(CODE);
            start.cr0 |= 0x20;
            X86CpuState s = m.runToHlt(start);
            assertEquals(0x84, s.gpr[X86CpuState.EAX] & 0xff, "ES and ZE pending");
            assertEquals(List.of(), ferr, "native mode reports through #MF only");
            assertFalse(m.platform.interrupts().ignne());
        }
    }

    @Test
    void aStateLoadDrivesFerrFromTheLoadedFpu() {
        try (DirectMachine m = new DirectMachine()) {
            List<Boolean> ferr = new ArrayList<>();
            m.platform.interrupts().install((FpuErrorLogic) ferr::add);
            m.load(CODE, HexFormat.ofDelimiter(" ").parseHex(FAIL + " F4"));
            X86CpuState pending = m.runToHlt(DirectMachine.flat(CODE));
            assertEquals(List.of(true), ferr);
            m.vcpu.loadState(DirectMachine.flat(CODE)); // a state without a pending error (another vCPU's, a reset)
            assertEquals(List.of(true, false), ferr);
            m.vcpu.loadState(pending);
            assertEquals(List.of(true, false, true), ferr);
        }
    }
}
