package dev.hyperbundle.interp.backend;

import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.testkit.suite.ShiftRotateSuite;

class InterpShiftRotateSuiteTest extends ShiftRotateSuite {
    @Override
    protected CpuBackend backend() {
        return new InterpBackend();
    }
}
