package dev.hyperbundle.interp.decoder;

/**
 * Decodes one instruction into an {@link Instruction}. Stateless apart from nothing; thread-safe.
 *
 * <p>Prefix handling follows the SDM Vol. 2A, 2.1.1: any number of prefixes in any order, the last
 * segment override and the last REP/REPNE win; an instruction longer than 15 bytes raises #GP(0)
 * (reported as {@link #TOO_LONG}). Undefined opcodes decode normally; the executor raises #UD.
 */
public final class Decoder {
    /** {@link #decode} result: the instruction exceeds 15 bytes (SDM Vol. 2A, 2.3.11): #GP(0). */
    public static final int TOO_LONG = -1;
    public static final int OK = 0;

    private static final int MAX_LENGTH = 15;

    /**
     * Decodes the instruction at {@code eip}.
     *
     * @param code32 the code segment's default size (CS.D)
     * @return {@link #OK} or {@link #TOO_LONG}
     */
    public static int decode(CodeSource code, int eip, boolean code32, Instruction out) {
        out.eip = eip;
        out.op32 = code32;
        out.addr32 = code32;
        out.segOverride = Instruction.SEG_NONE;
        out.rep = Instruction.REP_NONE;
        out.lock = false;
        int p = eip;
        int b;
        while (true) {
            b = code.fetch8(p++);
            switch (b) {
                case 0x26 -> out.segOverride = 0;
                case 0x2E -> out.segOverride = 1;
                case 0x36 -> out.segOverride = 2;
                case 0x3E -> out.segOverride = 3;
                case 0x64 -> out.segOverride = 4;
                case 0x65 -> out.segOverride = 5;
                case 0x66 -> out.op32 = !code32;
                case 0x67 -> out.addr32 = !code32;
                case 0xF0 -> out.lock = true;
                case 0xF2, 0xF3 -> out.rep = b;
                default -> {
                    return finish(code, eip, p, b, out);
                }
            }
            if (p - eip >= MAX_LENGTH) {
                return TOO_LONG;
            }
        }
    }

    private static int finish(CodeSource code, int eip, int p, int b, Instruction out) {
        int op = b;
        if (b == 0x0F) {
            op = 0x100 | code.fetch8(p++);
        }
        out.opcode = op;
        int shape = OpcodeTable.SHAPE[op];
        out.hasModrm = (shape & OpcodeTable.MODRM) != 0;
        out.mod = 3;
        out.reg = 0;
        out.rm = 0;
        out.base = -1;
        out.index = -1;
        out.scale = 0;
        out.disp = 0;
        out.defaultSeg = 3;
        out.imm = 0;
        out.imm2 = 0;
        if (out.hasModrm) {
            int modrm = code.fetch8(p++);
            out.mod = modrm >>> 6;
            out.reg = (modrm >>> 3) & 7;
            out.rm = modrm & 7;
            if (op >= 0x120 && op <= 0x123) {
                out.mod = 3; // MOV to/from CRn/DRn ignore mod (SDM Vol. 2B, MOV-Move to/from Control Registers)
            } else if (out.mod != 3) {
                p = out.addr32 ? modrm32(code, p, out) : modrm16(code, p, out);
            }
        }
        if ((shape & OpcodeTable.MOFFS) != 0) {
            if (out.addr32) {
                out.disp = fetch32(code, p);
                p += 4;
            } else {
                out.disp = fetch16(code, p);
                p += 2;
            }
            out.mod = 0;
        }
        if ((shape & OpcodeTable.GROUP3) != 0 && out.reg < 2) {
            shape |= op == 0xF6 ? OpcodeTable.IMM8 : OpcodeTable.IMMV;
        }
        if ((shape & OpcodeTable.IMM16) != 0) {
            out.imm = fetch16(code, p);
            p += 2;
            if ((shape & OpcodeTable.IMM8) != 0) { // ENTER imm16, imm8
                out.imm2 = code.fetch8(p++);
                shape &= ~OpcodeTable.IMM8;
            }
        }
        if ((shape & OpcodeTable.IMM8) != 0) {
            out.imm = (byte) code.fetch8(p++);
        } else if ((shape & (OpcodeTable.IMMV | OpcodeTable.FARPTR)) != 0) {
            if (out.op32) {
                out.imm = fetch32(code, p);
                p += 4;
            } else {
                out.imm = (short) fetch16(code, p);
                p += 2;
            }
            if ((shape & OpcodeTable.FARPTR) != 0) {
                out.imm &= out.op32 ? -1 : 0xffff;
                out.imm2 = fetch16(code, p);
                p += 2;
            }
        }
        out.length = p - eip;
        return out.length > MAX_LENGTH ? TOO_LONG : OK;
    }

    /** 16-bit addressing forms (SDM Vol. 2A, table 2-1). */
    private static int modrm16(CodeSource code, int p, Instruction out) {
        switch (out.rm) {
            case 0 -> { out.base = 3; out.index = 6; }
            case 1 -> { out.base = 3; out.index = 7; }
            case 2 -> { out.base = 5; out.index = 6; out.defaultSeg = 2; }
            case 3 -> { out.base = 5; out.index = 7; out.defaultSeg = 2; }
            case 4 -> out.base = 6;
            case 5 -> out.base = 7;
            case 6 -> {
                if (out.mod == 0) {
                    out.disp = fetch16(code, p);
                    return p + 2;
                }
                out.base = 5;
                out.defaultSeg = 2;
            }
            default -> out.base = 3;
        }
        if (out.mod == 1) {
            out.disp = (byte) code.fetch8(p++);
        } else if (out.mod == 2) {
            out.disp = (short) fetch16(code, p);
            p += 2;
        }
        return p;
    }

    /** 32-bit addressing forms with SIB (SDM Vol. 2A, tables 2-2 and 2-3). */
    private static int modrm32(CodeSource code, int p, Instruction out) {
        int rm = out.rm;
        if (rm == 4) {
            int sib = code.fetch8(p++);
            out.scale = sib >>> 6;
            int index = (sib >>> 3) & 7;
            out.index = index == 4 ? -1 : index;
            int base = sib & 7;
            if (base == 5 && out.mod == 0) {
                out.disp = fetch32(code, p);
                return p + 4;
            }
            out.base = base;
        } else if (rm == 5 && out.mod == 0) {
            out.disp = fetch32(code, p);
            return p + 4;
        } else {
            out.base = rm;
        }
        if (out.base == 4 || out.base == 5) {
            out.defaultSeg = 2;
        }
        if (out.mod == 1) {
            out.disp = (byte) code.fetch8(p++);
        } else if (out.mod == 2) {
            out.disp = fetch32(code, p);
            p += 4;
        }
        return p;
    }

    private static int fetch16(CodeSource code, int p) {
        return code.fetch8(p) | code.fetch8(p + 1) << 8;
    }

    private static int fetch32(CodeSource code, int p) {
        return code.fetch8(p) | code.fetch8(p + 1) << 8 | code.fetch8(p + 2) << 16 | code.fetch8(p + 3) << 24;
    }

    private Decoder() {
    }
}
