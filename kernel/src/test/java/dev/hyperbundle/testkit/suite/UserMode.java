package dev.hyperbundle.testkit.suite;

import static dev.hyperbundle.testkit.suite.Asm.EAX;
import static dev.hyperbundle.testkit.suite.Asm.ECX;
import static dev.hyperbundle.testkit.suite.Asm.EDX;

import dev.hyperbundle.cpu.Segment;
import dev.hyperbundle.testkit.TestGuest;

/**
 * Guests that run code at CPL 3: a GDT with ring-3 code and data and a TSS (SS0:ESP0 for the way back,
 * optionally an I/O permission bitmap), the {@link FaultRecorder}'s IDT (vector 0x80 callable from ring
 * 3), and ring-0 code that enters ring 3 either with IRETD (SDM Vol. 2A IRET, "return to outer privilege
 * level") or with SYSEXIT (Vol. 2B SYSEXIT: CS = SYSENTER_CS + 16, SS = SYSENTER_CS + 24, RPL 3).
 */
public final class UserMode {
    /** GDT: the kit's five, then ring-0 code and data for SYSENTER, ring-3 code and data, the TSS. */
    public static final int SYSENTER_CS = 0x28, USER_CS = 0x38 | 3, USER_SS = 0x40 | 3, TSS_SELECTOR = 0x48;
    public static final int TSS = 0x5000, ESP0 = 0x7f000, USER_CODE = 0x13000, USER_STACK = 0x60000,
            SYSENTER_ESP = 0x7e000, SYSENTER_EIP = 0x12000;
    /** The ring-3 code loads DS and ES with its data selector first (IRET nulls them); then the test's. */
    public static final int USER_BODY = USER_CODE + 9;

    public enum Entry { IRET, SYSEXIT }

    private UserMode() {
    }

    /**
     * A guest that runs {@code ring0} (e.g. turning paging on), then enters ring 3 with EFLAGS =
     * {@code eflags} and runs {@code ring3}. {@code ioBitmap} null: the TSS has none (its limit ends
     * before the I/O map base).
     */
    public static TestGuest guest(Asm ring0, Entry entry, int eflags, Asm ring3, byte[] ioBitmap) {
        int ioMapBase = 0x68;
        byte[] tss = SystemTables.tssImage(ESP0, TestGuest.DATA32, ioMapBase, ioBitmap == null ? new byte[0] : ioBitmap);
        int tssLimit = ioBitmap == null ? 0x67 : tss.length - 1;
        byte[] gdt = SystemTables.table(0, 0x00cf9b000000ffffL, 0x00cf93000000ffffL, 0x00009b000000ffffL,
                0x000093000000ffffL, SystemTables.flat(SystemTables.CODE_RX, 0), SystemTables.flat(SystemTables.DATA_RW, 0),
                SystemTables.flat(SystemTables.CODE_RX, 3), SystemTables.flat(SystemTables.DATA_RW, 3),
                SystemTables.tss(TSS, tssLimit, true));
        Asm code = ring0;
        if (entry == Entry.IRET) {
            code.x("6A").b(USER_SS).x("68").d(USER_STACK).x("68").d(eflags).x("6A").b(USER_CS).x("68").d(USER_CODE)
                    .x("CF"); // push ss; push esp; push eflags; push cs; push eip; iretd
        } else {
            code.flags(eflags);
            wrmsr(code, 0x174, SYSENTER_CS);
            wrmsr(code, 0x175, SYSENTER_ESP);
            wrmsr(code, 0x176, SYSENTER_EIP);
            code.mov(ECX, USER_STACK).mov(EDX, USER_CODE).x("0F 35"); // sysexit
        }
        Asm user = new Asm(USER_CODE).mov(EAX, USER_SS).x("8E D8 8E C0").b(ring3.bytes()); // mov ds, ax; mov es, ax
        TestGuest g = TestGuest.protectedMode(code.bytes()).load(TestGuest.GDT, gdt).load(TSS, tss)
                .load(USER_CODE, user.bytes())
                .state(s -> {
                    s.gdtLimit = gdt.length - 1;
                    s.tr.set(new Segment(TSS_SELECTOR, TSS, tssLimit, SystemTables.TSS32_BUSY | Segment.P));
                });
        return FaultRecorder.install(g, 0x80);
    }

    private static void wrmsr(Asm a, int msr, int value) {
        a.mov(ECX, msr).mov(EAX, value).mov(EDX, 0).x("0F 30");
    }

    /** An I/O permission bitmap for ports 0-255 (and the terminating 0xFF byte) allowing only {@code ports}. */
    public static byte[] ioBitmapAllowing(int... ports) {
        byte[] b = new byte[33];
        java.util.Arrays.fill(b, (byte) 0xff);
        for (int p : ports) {
            b[p >>> 3] &= (byte) ~(1 << (p & 7));
        }
        return b;
    }
}
