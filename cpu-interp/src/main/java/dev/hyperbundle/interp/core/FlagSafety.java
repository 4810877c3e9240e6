package dev.hyperbundle.interp.core;

import dev.hyperbundle.interp.decoder.Instruction;

/**
 * Which instructions can fault after they changed EFLAGS. A fault must leave the flags as before the
 * instruction (SDM Vol. 3A, 6.5), so the executor snapshots them first, but only where needed: most
 * hot instructions either do not touch the flags, or do every access that can fault before they set
 * them (loads, then flags; register destinations cannot fault). Anything not listed here is snapshotted.
 */
final class FlagSafety {
    /** Safe in register form (mod = 3, or no ModRM byte). */
    private static final byte REG = 1;
    /** Safe with a memory operand. */
    private static final byte MEM = 2;
    private static final byte[] SAFE = new byte[512];

    private FlagSafety() {
    }

    /** True when the instruction may change the flags and then fault. */
    static boolean needsSnapshot(Instruction i) {
        return (SAFE[i.opcode] & (i.hasModrm && i.mod != 3 ? MEM : REG)) == 0;
    }

    private static void set(int safe, int... ops) {
        for (int op : ops) {
            SAFE[op] = (byte) safe;
        }
    }

    private static void range(int safe, int first, int last) {
        for (int op = first; op <= last; op++) {
            SAFE[op] = (byte) safe;
        }
    }

    static {
        for (int row = 0; row < 0x40; row += 8) {
            set(REG, row, row + 1); // ALU r/m, reg: the memory form writes after setting the flags
            set(REG | MEM, row + 2, row + 3, row + 4, row + 5); // loads first; AL/eAX, imm has no memory form
        }
        set(REG | MEM, 0x38, 0x39); // CMP r/m, reg does not write
        range(REG | MEM, 0x40, 0x5F); // INC/DEC/PUSH/POP reg
        set(REG | MEM, 0x68, 0x6A, 0x69, 0x6B, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8B, 0x8D);
        range(REG | MEM, 0x70, 0x7F);
        set(REG, 0x80, 0x81, 0x82, 0x83, 0xC0, 0xC1, 0xD0, 0xD1, 0xD2, 0xD3, 0xFE, 0xFF);
        range(REG | MEM, 0x90, 0x99);
        set(REG | MEM, 0xA0, 0xA1, 0xA2, 0xA3, 0xA8, 0xA9, 0xC2, 0xC3, 0xC6, 0xC7, 0xC9, 0xE8, 0xE9, 0xEB);
        range(REG | MEM, 0xB0, 0xBF);
        range(REG | MEM, 0x118, 0x11F); // hint NOPs
        range(REG | MEM, 0x140, 0x14F); // CMOVcc
        range(REG | MEM, 0x180, 0x18F); // Jcc rel16/32
        range(REG | MEM, 0x190, 0x19F); // SETcc
        set(REG | MEM, 0x1A3, 0x1AF, 0x1B6, 0x1B7, 0x1BC, 0x1BD, 0x1BE, 0x1BF); // BT, IMUL, MOVZX/MOVSX, BSF/BSR
        set(REG, 0x1A4, 0x1A5, 0x1AB, 0x1AC, 0x1AD, 0x1B3, 0x1BA, 0x1BB, 0x1C0, 0x1C1);
        range(REG | MEM, 0x1C8, 0x1CF); // BSWAP
        // x87: #NM/#MF are raised before anything changes; only FCOMI/FUCOMI(P) write EFLAGS, at their end,
        // and an unmasked x87 exception is reported at the next x87 instruction (SDM Vol. 1, 8.6).
        range(REG | MEM, 0xD8, 0xDF);
        set(REG | MEM, 0x9B); // FWAIT
    }
}
