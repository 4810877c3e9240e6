package dev.hyperbundle.hvassist.suites;

import dev.hyperbundle.testkit.suite.StringSuite;

class KvmStringSuiteTest extends StringSuite {
}
