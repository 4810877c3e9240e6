package dev.hyperbundle.interp.backend;

import dev.hyperbundle.cpu.FpuState;
import dev.hyperbundle.interp.core.Cpu;
import dev.hyperbundle.interp.core.FloatingPointUnit;

/** Connects the x87 unit to the core. */
final class FpuBinding {
    private FpuBinding() {
    }

    /** Null while no x87 unit is available: escape opcodes then raise #NM. */
    static FpuBinding create(Cpu cpu) {
        return null;
    }

    FloatingPointUnit unit() {
        return null;
    }

    void save(FpuState into) {
    }

    void load(FpuState from) {
    }
}
