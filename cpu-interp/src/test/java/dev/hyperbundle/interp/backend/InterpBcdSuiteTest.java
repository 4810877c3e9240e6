package dev.hyperbundle.interp.backend;

import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.testkit.suite.BcdSuite;

class InterpBcdSuiteTest extends BcdSuite {
    @Override
    protected CpuBackend backend() {
        return new InterpBackend();
    }
}
