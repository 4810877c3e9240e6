package dev.hyperbundle.interp.backend;

import dev.hyperbundle.testkit.suite.CpuBackendSuite;

class InterpBackendSuiteTest extends CpuBackendSuite {
}
