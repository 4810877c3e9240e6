package dev.hyperbundle.interp.backend;

import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.testkit.suite.ConditionSuite;

class InterpConditionSuiteTest extends ConditionSuite {
    @Override
    protected CpuBackend backend() {
        return new InterpBackend();
    }
}
