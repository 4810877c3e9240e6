package dev.hyperbundle.interp.backend;

import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.testkit.suite.StackSuite;

class InterpStackSuiteTest extends StackSuite {
    @Override
    protected CpuBackend backend() {
        return new InterpBackend();
    }
}
