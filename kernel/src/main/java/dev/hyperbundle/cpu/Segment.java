package dev.hyperbundle.cpu;

import java.util.Objects;

/**
 * A segment register with its hidden descriptor cache (Intel SDM Vol. 3A, 3.4.3), or LDTR/TR.
 *
 * <p>{@link #access} uses the VMX access-rights layout (SDM Vol. 3C, 25.4.1, table "Format of Access
 * Rights"), which every backend can map to its own: bits 3:0 type, 4 S, 6:5 DPL, 7 P, 12 AVL,
 * 14 D/B, 15 G, 16 unusable. {@link #limit} is the expanded byte limit (G already applied).
 */
public final class Segment {
    public static final int TYPE_MASK = 0xf;
    public static final int S = 1 << 4;
    public static final int DPL_SHIFT = 5;
    public static final int P = 1 << 7;
    public static final int AVL = 1 << 12;
    public static final int DB = 1 << 14;
    public static final int G = 1 << 15;
    public static final int UNUSABLE = 1 << 16;

    public int selector;
    public int base;
    public int limit;
    public int access;

    public Segment() {
    }

    public Segment(int selector, int base, int limit, int access) {
        this.selector = selector;
        this.base = base;
        this.limit = limit;
        this.access = access;
    }

    public Segment copy() {
        return new Segment(selector, base, limit, access);
    }

    public void set(Segment other) {
        selector = other.selector;
        base = other.base;
        limit = other.limit;
        access = other.access;
    }

    public int dpl() {
        return (access >>> DPL_SHIFT) & 3;
    }

    public boolean present() {
        return (access & P) != 0;
    }

    /** The default operand/address size is 32 bits (D/B set). */
    public boolean big() {
        return (access & DB) != 0;
    }

    /** A real-mode segment as loaded by a MOV in real mode: base = selector * 16, 64 KiB limit. */
    public static Segment realMode(int selector, int type) {
        return new Segment(selector & 0xffff, (selector & 0xffff) << 4, 0xffff, type | S | P);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Segment s && s.selector == selector && s.base == base && s.limit == limit && s.access == access;
    }

    @Override
    public int hashCode() {
        return Objects.hash(selector, base, limit, access);
    }

    @Override
    public String toString() {
        return String.format("sel=%04x base=%08x limit=%08x ar=%05x", selector, base, limit, access);
    }
}
