package dev.hyperbundle.interp.core;

/**
 * An x86 exception raised while executing an instruction (Intel SDM Vol. 3A, 6.15). Thrown through
 * the semantics and caught at the instruction boundary, where it is delivered through the IDT. No stack
 * trace: faults are part of normal guest operation (page faults) and must be cheap.
 */
public final class CpuFault extends RuntimeException {
    public static final int DE = 0, DB = 1, NMI = 2, BP = 3, OF = 4, BR = 5, UD = 6, NM = 7, DF = 8, TS = 10,
            NP = 11, SS = 12, GP = 13, PF = 14, MF = 16, AC = 17, MC = 18;

    public final int vector;
    public final int errorCode;
    public final boolean hasErrorCode;

    public CpuFault(int vector) {
        this(vector, 0, false);
    }

    public CpuFault(int vector, int errorCode) {
        this(vector, errorCode, true);
    }

    private CpuFault(int vector, int errorCode, boolean hasErrorCode) {
        super(null, null, false, false);
        this.vector = vector;
        this.errorCode = errorCode;
        this.hasErrorCode = hasErrorCode;
    }

    public static CpuFault gp(int errorCode) {
        return new CpuFault(GP, errorCode);
    }

    public static CpuFault ud() {
        return new CpuFault(UD);
    }

    /** Contributory exceptions (SDM Vol. 3A, table 6-4) decide whether a second fault is a #DF. */
    public static boolean contributory(int vector) {
        return vector == DE || (vector >= TS && vector <= GP);
    }

    @Override
    public String getMessage() {
        return hasErrorCode ? String.format("#%d(0x%x)", vector, errorCode) : "#" + vector;
    }
}
