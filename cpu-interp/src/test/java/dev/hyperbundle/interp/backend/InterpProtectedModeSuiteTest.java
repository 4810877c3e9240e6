package dev.hyperbundle.interp.backend;

import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.testkit.suite.ProtectedModeSuite;

class InterpProtectedModeSuiteTest extends ProtectedModeSuite {
    @Override
    protected CpuBackend backend() {
        return new InterpBackend();
    }
}
