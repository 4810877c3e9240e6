package dev.hyperbundle.interp.backend;

import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.testkit.suite.BitSuite;

class InterpBitSuiteTest extends BitSuite {
    @Override
    protected CpuBackend backend() {
        return new InterpBackend();
    }
}
