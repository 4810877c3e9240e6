package dev.hyperbundle.interp.core;

/**
 * The x87 as the executor needs it. The executor has already applied CR0.EM/TS (#NM) before calling;
 * the implementation reads and writes memory at linear addresses through the core and may throw
 * {@link CpuFault}, which propagates as the instruction's fault.
 */
public interface FloatingPointUnit {
    /** Executes escape opcode 0xD8-0xDF; false = invalid encoding (#UD). */
    boolean execute(int opcode, int modrm, int linearEa, boolean op32, boolean realMode, int cs, int eip, int dsSel);

    /** A waiting x87 instruction with an unmasked exception pending must report it first (#MF, or FERR# with CR0.NE = 0). */
    boolean mustRaiseBefore(int opcode, int modrm);

    boolean errorPending();

    void fxsave(int linearEa);

    void fxrstor(int linearEa);
}
