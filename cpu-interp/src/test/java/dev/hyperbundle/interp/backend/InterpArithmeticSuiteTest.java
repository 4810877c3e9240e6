package dev.hyperbundle.interp.backend;

import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.testkit.suite.ArithmeticSuite;

class InterpArithmeticSuiteTest extends ArithmeticSuite {
    @Override
    protected CpuBackend backend() {
        return new InterpBackend();
    }
}
