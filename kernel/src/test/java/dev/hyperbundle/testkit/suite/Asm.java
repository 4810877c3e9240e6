package dev.hyperbundle.testkit.suite;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny test-side assembler: raw bytes and hex text (the suites spell most instructions as their
 * encoding with the mnemonic in a comment), the few encodings the suites use everywhere, and labels for
 * 8- and 32-bit relative jumps (resolved when {@link #bytes()} is called).
 */
public final class Asm {
    public static final int EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;
    /** 8-bit register numbers. */
    public static final int AL = 0, CL = 1, DL = 2, BL = 3, AH = 4, CH = 5, DH = 6, BH = 7;

    private record Fixup(int at, String label, int size) {
    }

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Map<String, Integer> labels = new HashMap<>();
    private final List<Fixup> fixups = new ArrayList<>();
    private final int origin;

    /** Code that runs at the kit's protected-mode code address. */
    public Asm() {
        this(0x10000);
    }

    /** Code that runs at {@code origin} (needed only for {@link #addressOf}). */
    public Asm(int origin) {
        this.origin = origin;
    }

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

    /** Hex bytes separated by spaces, e.g. {@code x("0F A3 C8")}. */
    public Asm x(String hex) {
        for (String t : hex.trim().split("\\s+")) {
            out.write(Integer.parseInt(t, 16));
        }
        return this;
    }

    public Asm w(int v) {
        return b(v, v >>> 8);
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

    /** MOV r32, [abs32] (8B /r, mod 00 rm 101). */
    public Asm load(int reg, int address) {
        return b(0x8B, reg << 3 | 5).d(address);
    }

    /** MOV dword [abs32], imm32 (C7 /0). */
    public Asm storeImm(int address, int imm) {
        return b(0xC7, 0x05).d(address).d(imm);
    }

    /** PUSH imm32; POPFD: EFLAGS = value (bit 1 always reads 1). Changes nothing else but the flags. */
    public Asm flags(int value) {
        return b(0x68).d(value).b(0x9D);
    }

    /** PUSHFD; POP dword [abs32]: the flags at this point, in memory. */
    public Asm saveFlags(int address) {
        return b(0x9C, 0x8F, 0x05).d(address);
    }

    /** OUT 0xF4, EAX with EAX = code: the kit's exit port. */
    public Asm exit(int code) {
        return mov(EAX, code).b(0xE7, 0xF4);
    }

    public Asm hlt() {
        return b(0xF4);
    }

    /** Marks the current position. */
    public Asm label(String name) {
        if (labels.putIfAbsent(name, out.size()) != null) {
            throw new IllegalArgumentException("label defined twice: " + name);
        }
        return this;
    }

    /** An opcode with an 8-bit displacement to a label, e.g. {@code jump8(0x74, "done")} for JE. */
    public Asm jump8(int opcode, String label) {
        b(opcode);
        fixups.add(new Fixup(out.size(), label, 1));
        return b(0);
    }

    /** Opcode bytes followed by a 32-bit displacement to a label (E8 CALL, E9 JMP, 0F 8x Jcc). */
    public Asm jump32(String opcodeHex, String label) {
        x(opcodeHex);
        fixups.add(new Fixup(out.size(), label, 4));
        return d(0);
    }

    /** The linear address a label will have (with this assembler's origin). */
    public int addressOf(String label) {
        Integer at = labels.get(label);
        if (at == null) {
            throw new IllegalArgumentException("no label " + label);
        }
        return origin + at;
    }

    public int here() {
        return origin + out.size();
    }

    public int size() {
        return out.size();
    }

    public byte[] bytes() {
        byte[] code = out.toByteArray();
        for (Fixup f : fixups) {
            Integer target = labels.get(f.label);
            if (target == null) {
                throw new IllegalArgumentException("no label " + f.label);
            }
            int rel = target - (f.at + f.size);
            if (f.size == 1) {
                if (rel < -128 || rel > 127) {
                    throw new IllegalArgumentException("label " + f.label + " is out of 8-bit reach: " + rel);
                }
                code[f.at] = (byte) rel;
            } else {
                for (int i = 0; i < 4; i++) {
                    code[f.at + i] = (byte) (rel >>> (8 * i));
                }
            }
        }
        return code;
    }
}
