package dev.hyperbundle.interp.backend;

import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.testkit.suite.DataMovementSuite;

class InterpDataMovementSuiteTest extends DataMovementSuite {
    @Override
    protected CpuBackend backend() {
        return new InterpBackend();
    }
}
