package dev.hyperbundle.interp.backend;

import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.testkit.suite.ExceptionSuite;

class InterpExceptionSuiteTest extends ExceptionSuite {
    @Override
    protected CpuBackend backend() {
        return new InterpBackend();
    }
}
