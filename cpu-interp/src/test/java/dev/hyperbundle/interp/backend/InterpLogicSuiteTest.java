package dev.hyperbundle.interp.backend;

import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.testkit.suite.LogicSuite;

class InterpLogicSuiteTest extends LogicSuite {
    @Override
    protected CpuBackend backend() {
        return new InterpBackend();
    }
}
