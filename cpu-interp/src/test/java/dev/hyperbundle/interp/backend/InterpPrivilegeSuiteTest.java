package dev.hyperbundle.interp.backend;

import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.testkit.suite.PrivilegeSuite;

class InterpPrivilegeSuiteTest extends PrivilegeSuite {
    @Override
    protected CpuBackend backend() {
        return new InterpBackend();
    }
}
