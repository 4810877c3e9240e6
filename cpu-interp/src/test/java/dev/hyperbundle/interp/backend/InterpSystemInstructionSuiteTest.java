package dev.hyperbundle.interp.backend;

import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.testkit.suite.SystemInstructionSuite;

class InterpSystemInstructionSuiteTest extends SystemInstructionSuite {
    @Override
    protected CpuBackend backend() {
        return new InterpBackend();
    }
}
