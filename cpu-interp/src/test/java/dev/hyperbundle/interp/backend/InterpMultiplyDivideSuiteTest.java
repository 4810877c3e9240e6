package dev.hyperbundle.interp.backend;

import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.testkit.suite.MultiplyDivideSuite;

class InterpMultiplyDivideSuiteTest extends MultiplyDivideSuite {
    @Override
    protected CpuBackend backend() {
        return new InterpBackend();
    }
}
