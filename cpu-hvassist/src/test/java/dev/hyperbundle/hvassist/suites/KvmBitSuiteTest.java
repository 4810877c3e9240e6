package dev.hyperbundle.hvassist.suites;

import dev.hyperbundle.testkit.suite.BitSuite;

class KvmBitSuiteTest extends BitSuite {
}
