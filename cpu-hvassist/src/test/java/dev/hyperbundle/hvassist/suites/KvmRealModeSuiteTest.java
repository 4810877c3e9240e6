package dev.hyperbundle.hvassist.suites;

import dev.hyperbundle.testkit.suite.RealModeSuite;

class KvmRealModeSuiteTest extends RealModeSuite {
}
