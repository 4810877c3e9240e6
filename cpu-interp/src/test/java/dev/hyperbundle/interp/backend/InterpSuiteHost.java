package dev.hyperbundle.interp.backend;

import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.testkit.suite.SuiteHost;

/** The interpreter under the backend test kit's suites: no host limits. */
public final class InterpSuiteHost implements SuiteHost {
    @Override
    public CpuBackend backend() {
        return new InterpBackend();
    }
}
