package dev.hyperbundle.interp.backend;

import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.testkit.suite.PrefixSuite;

class InterpPrefixSuiteTest extends PrefixSuite {
    @Override
    protected CpuBackend backend() {
        return new InterpBackend();
    }
}
