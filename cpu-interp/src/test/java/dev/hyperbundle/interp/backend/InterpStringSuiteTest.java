package dev.hyperbundle.interp.backend;

import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.testkit.suite.StringSuite;

class InterpStringSuiteTest extends StringSuite {
    @Override
    protected CpuBackend backend() {
        return new InterpBackend();
    }
}
