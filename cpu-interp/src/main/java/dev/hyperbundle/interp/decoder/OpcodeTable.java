package dev.hyperbundle.interp.decoder;

/**
 * Operand shapes of every opcode (Intel SDM Vol. 2D, Appendix A "Opcode Map"): whether a ModRM byte
 * follows and which immediates. Indexed by the decoder's opcode number (0x1xx = 0F xx).
 */
final class OpcodeTable {
    static final byte MODRM = 1;
    /** One immediate byte, sign-extended (the executor masks where the ISA zero-extends). */
    static final byte IMM8 = 2;
    /** An immediate of the operand size (16 or 32 bits). */
    static final byte IMMV = 4;
    /** A 16-bit immediate, zero-extended (RET imm16, ENTER). */
    static final byte IMM16 = 8;
    /** A memory offset of the address size (MOV AL/eAX <-> moffs). */
    static final byte MOFFS = 16;
    /** F6/F7: an immediate follows only for TEST (reg = 0 or 1). */
    static final byte GROUP3 = 32;
    /** Far pointer: offset of the operand size, then a 16-bit selector. */
    static final byte FARPTR = 64;

    static final byte[] SHAPE = new byte[512];

    private OpcodeTable() {
    }

    private static void set(int shape, int... ops) {
        for (int op : ops) {
            SHAPE[op] |= (byte) shape;
        }
    }

    static {
        for (int row = 0; row < 0x40; row += 8) {
            set(MODRM, row, row + 1, row + 2, row + 3);
            set(IMM8, row + 4);
            set(IMMV, row + 5);
        }
        set(MODRM, 0x62, 0x63, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8B, 0x8C, 0x8D, 0x8E, 0x8F,
                0xC4, 0xC5, 0xD0, 0xD1, 0xD2, 0xD3, 0xFE, 0xFF);
        for (int op = 0xD8; op <= 0xDF; op++) {
            set(MODRM, op);
        }
        set(MODRM | IMMV, 0x69, 0x81, 0xC7);
        set(MODRM | IMM8, 0x6B, 0x80, 0x82, 0x83, 0xC0, 0xC1, 0xC6);
        set(MODRM | GROUP3, 0xF6, 0xF7);
        set(IMMV, 0x68, 0xA9, 0xE8, 0xE9);
        for (int op = 0xB8; op <= 0xBF; op++) {
            set(IMMV, op);
        }
        set(IMM8, 0x6A, 0xA8, 0xCD, 0xD4, 0xD5, 0xE0, 0xE1, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xEB);
        for (int op = 0x70; op <= 0x7F; op++) {
            set(IMM8, op);
        }
        for (int op = 0xB0; op <= 0xB7; op++) {
            set(IMM8, op);
        }
        set(MOFFS, 0xA0, 0xA1, 0xA2, 0xA3);
        set(IMM16, 0xC2, 0xCA);
        set(IMM16 | IMM8, 0xC8);
        set(FARPTR, 0x9A, 0xEA);

        set(MODRM, 0x100, 0x101, 0x102, 0x103, 0x120, 0x121, 0x122, 0x123, 0x1A3, 0x1A5, 0x1AB, 0x1AD, 0x1AE,
                0x1AF, 0x1B0, 0x1B1, 0x1B2, 0x1B3, 0x1B4, 0x1B5, 0x1B6, 0x1B7, 0x1BB, 0x1BC, 0x1BD, 0x1BE, 0x1BF,
                0x1C0, 0x1C1, 0x1C7, 0x1B9, 0x1FF);
        for (int op = 0x118; op <= 0x11F; op++) {
            set(MODRM, op); // hint NOPs, 0F 1F /0 is the P6 multi-byte NOP
        }
        for (int op = 0x140; op <= 0x14F; op++) {
            set(MODRM, op);
        }
        for (int op = 0x190; op <= 0x19F; op++) {
            set(MODRM, op);
        }
        for (int op = 0x180; op <= 0x18F; op++) {
            set(IMMV, op);
        }
        set(MODRM | IMM8, 0x1A4, 0x1AC, 0x1BA);
    }
}
