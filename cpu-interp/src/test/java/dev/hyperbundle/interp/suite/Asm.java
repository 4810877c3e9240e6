package dev.hyperbundle.interp.suite;

import java.io.ByteArrayOutputStream;

/** A tiny test-side assembler: the few encodings the suite needs, plus raw bytes. */
public final class Asm {
    public static final int EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public Asm b(int... bytes) {
        for (int x : bytes) {
            out.write(x);
        }
        return this;
    }

    public Asm b(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    public Asm d(int v) {
        return b(v, v >>> 8, v >>> 16, v >>> 24);
    }

    /** MOV r32, imm32 (B8+r). */
    public Asm mov(int reg, int imm) {
        return b(0xB8 + reg).d(imm);
    }

    /** MOV [abs32], r32 (89 /r, mod 00 rm 101). */
    public Asm store(int address, int reg) {
        return b(0x89, reg << 3 | 5).d(address);
    }

    /** OUT 0xF4, EAX with EAX = code: the kit's exit port. */
    public Asm exit(int code) {
        return mov(EAX, code).b(0xE7, 0xF4);
    }

    public Asm hlt() {
        return b(0xF4);
    }

    public int size() {
        return out.size();
    }

    public byte[] bytes() {
        return out.toByteArray();
    }
}
