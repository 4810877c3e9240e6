package dev.hyperbundle.interp.x87;

import dev.hyperbundle.cpu.FpuState;
import dev.hyperbundle.interp.core.Cpu;
import dev.hyperbundle.interp.core.FloatingPointUnit;

/**
 * Connects the x87 unit to the core: its memory operands go through segmentation-free linear accesses at
 * the current privilege (faults propagate as the instruction's fault), and it sees EFLAGS with the lazy
 * arithmetic flags evaluated. A CPU backend built on the core (the interpreter, the binary translator) makes one
 * per vCPU, hands {@link #unit()} to {@code SystemInstructions.setFpu} and saves and loads the x87 part of the
 * kernel's CPU state through it.
 */
public final class FpuBinding implements X87Bus, FloatingPointUnit {
    private final Cpu cpu;
    private final X87 x87 = new X87();

    private FpuBinding(Cpu cpu) {
        this.cpu = cpu;
    }

    public static FpuBinding create(Cpu cpu) {
        return new FpuBinding(cpu);
    }

    public FloatingPointUnit unit() {
        return this;
    }

    public void save(FpuState into) {
        x87.save(into);
    }

    public void load(FpuState from) {
        x87.load(from);
    }

    // ---- FloatingPointUnit ---------------------------------------------------------------------------

    @Override
    public boolean execute(int opcode, int modrm, int linearEa, boolean op32, boolean realMode, int cs, int eip, int dsSel) {
        return x87.execute(this, opcode, modrm, linearEa, op32, realMode, cs, eip, dsSel);
    }

    @Override
    public boolean mustRaiseBefore(int opcode, int modrm) {
        return x87.mustRaiseBefore(opcode, modrm);
    }

    @Override
    public boolean errorPending() {
        return x87.errorPending();
    }

    @Override
    public void fxsave(int linearEa) {
        x87.fxsave(this, linearEa);
    }

    @Override
    public void fxrstor(int linearEa) {
        x87.fxrstor(this, linearEa);
    }

    // ---- X87Bus ------------------------------------------------------------------------------------

    @Override
    public int read8(int linear) {
        return cpu.mmu.read8(linear, cpu.user);
    }

    @Override
    public int read16(int linear) {
        return cpu.mmu.read16(linear, cpu.user);
    }

    @Override
    public int read32(int linear) {
        return cpu.mmu.read32(linear, cpu.user);
    }

    @Override
    public long read64(int linear) {
        return Integer.toUnsignedLong(read32(linear)) | (long) read32(linear + 4) << 32;
    }

    @Override
    public void write8(int linear, int value) {
        cpu.mmu.write8(linear, cpu.user, value);
    }

    @Override
    public void write16(int linear, int value) {
        cpu.mmu.write16(linear, cpu.user, value);
    }

    @Override
    public void write32(int linear, int value) {
        cpu.mmu.write32(linear, cpu.user, value);
    }

    @Override
    public void write64(int linear, long value) {
        cpu.mmu.checkWrite(linear, 8, cpu.user); // both halves or neither
        write32(linear, (int) value);
        write32(linear + 4, (int) (value >>> 32));
    }

    @Override
    public int eflags() {
        return cpu.flags.get();
    }

    @Override
    public void setEflags(int eflags) {
        cpu.flags.setAll(eflags);
    }

    @Override
    public void setAx(int value) {
        cpu.setReg(2, Cpu.EAX, value);
    }
}
