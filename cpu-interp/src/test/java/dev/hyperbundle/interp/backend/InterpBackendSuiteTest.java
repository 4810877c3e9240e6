package dev.hyperbundle.interp.backend;

import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.testkit.suite.CpuBackendSuite;

class InterpBackendSuiteTest extends CpuBackendSuite {
    @Override
    protected CpuBackend backend() {
        return new InterpBackend();
    }
}
