package dev.hyperbundle.hvassist.suites;

import dev.hyperbundle.testkit.suite.MultiplyDivideSuite;

class KvmMultiplyDivideSuiteTest extends MultiplyDivideSuite {
}
