package dev.hyperbundle.interp.backend;

import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.testkit.suite.PagingSuite;

class InterpPagingSuiteTest extends PagingSuite {
    @Override
    protected CpuBackend backend() {
        return new InterpBackend();
    }
}
