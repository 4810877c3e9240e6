package dev.hyperbundle.interp.backend;

import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.testkit.suite.ExchangeSuite;

class InterpExchangeSuiteTest extends ExchangeSuite {
    @Override
    protected CpuBackend backend() {
        return new InterpBackend();
    }
}
