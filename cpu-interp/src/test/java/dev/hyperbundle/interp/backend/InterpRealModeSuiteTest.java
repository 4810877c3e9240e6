package dev.hyperbundle.interp.backend;

import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.testkit.suite.RealModeSuite;

class InterpRealModeSuiteTest extends RealModeSuite {
    @Override
    protected CpuBackend backend() {
        return new InterpBackend();
    }
}
