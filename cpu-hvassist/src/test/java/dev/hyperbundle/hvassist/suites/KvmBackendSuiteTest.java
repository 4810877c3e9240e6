package dev.hyperbundle.hvassist.suites;

import dev.hyperbundle.testkit.suite.CpuBackendSuite;

class KvmBackendSuiteTest extends CpuBackendSuite {
}
