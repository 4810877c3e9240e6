package dev.hyperbundle.interp.decoder;

/**
 * One decoded instruction. Mutable and reused: a decoder fills it in place so the hot loop never
 * allocates. Opcodes are numbered {@code 0x000-0x0FF} for one-byte opcodes and {@code 0x100-0x1FF} for
 * {@code 0F xx}.
 */
public final class Instruction {
    public static final int SEG_NONE = -1;
    /** {@link #rep} values. */
    public static final int REP_NONE = 0, REPNE = 0xF2, REPE = 0xF3;

    /** Offset of the first byte (the first prefix) in the code segment. */
    public int eip;
    /** Total length in bytes, prefixes included. */
    public int length;
    public int opcode;
    /** Operand size 32 (true) or 16 bits, after the 0x66 prefix. */
    public boolean op32;
    /** Address size 32 (true) or 16 bits, after the 0x67 prefix. */
    public boolean addr32;
    /** Segment override prefix (ES=0 ... GS=5) or {@link #SEG_NONE}. */
    public int segOverride;
    public int rep;
    public boolean lock;

    public boolean hasModrm;
    public int mod;
    public int reg;
    public int rm;
    /** Memory operand: base and index register (or -1), scale shift, displacement. */
    public int base;
    public int index;
    public int scale;
    public int disp;
    /** The default segment of the memory operand (SS for EBP/ESP/BP based forms, else DS). */
    public int defaultSeg;

    /** First immediate (sign-extended for imm8 forms that the ISA sign-extends, else zero-extended). */
    public int imm;
    /** Second immediate: the selector of a far pointer, the nesting level of ENTER. */
    public int imm2;

    /**
     * Not part of the decoding: a decoded-code cache may link here the instruction that physically
     * follows this one in the same page, so a fall-through needs no lookup. {@link #copyFrom} leaves it.
     */
    public Instruction next;

    /** The operand is a register (mod = 3) or there is no ModRM. */
    public boolean isRegisterForm() {
        return !hasModrm || mod == 3;
    }

    /** The segment a memory operand uses, override applied. */
    public int segment() {
        return segOverride >= 0 ? segOverride : defaultSeg;
    }

    /** Offset of the next instruction. */
    public int nextEip() {
        return eip + length;
    }

    public void copyFrom(Instruction o) {
        eip = o.eip; length = o.length; opcode = o.opcode; op32 = o.op32; addr32 = o.addr32;
        segOverride = o.segOverride; rep = o.rep; lock = o.lock; hasModrm = o.hasModrm; mod = o.mod;
        reg = o.reg; rm = o.rm; base = o.base; index = o.index; scale = o.scale; disp = o.disp;
        defaultSeg = o.defaultSeg; imm = o.imm; imm2 = o.imm2;
    }

    @Override
    public String toString() {
        return String.format("eip=%08x len=%d op=%03x%s modrm=%d/%d/%d imm=%x", eip, length, opcode,
                op32 ? "" : " o16", mod, reg, rm, imm);
    }
}
