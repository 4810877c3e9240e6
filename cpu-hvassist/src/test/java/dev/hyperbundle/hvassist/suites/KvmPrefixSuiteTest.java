package dev.hyperbundle.hvassist.suites;

import dev.hyperbundle.testkit.suite.PrefixSuite;

class KvmPrefixSuiteTest extends PrefixSuite {
}
