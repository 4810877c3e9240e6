package dev.hyperbundle.interp.backend;

import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.testkit.suite.SegmentSuite;

class InterpSegmentSuiteTest extends SegmentSuite {
    @Override
    protected CpuBackend backend() {
        return new InterpBackend();
    }
}
