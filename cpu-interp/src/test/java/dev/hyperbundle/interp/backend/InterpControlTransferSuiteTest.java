package dev.hyperbundle.interp.backend;

import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.testkit.suite.ControlTransferSuite;

class InterpControlTransferSuiteTest extends ControlTransferSuite {
    @Override
    protected CpuBackend backend() {
        return new InterpBackend();
    }
}
