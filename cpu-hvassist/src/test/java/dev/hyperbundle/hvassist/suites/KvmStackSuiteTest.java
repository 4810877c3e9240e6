package dev.hyperbundle.hvassist.suites;

import dev.hyperbundle.testkit.suite.StackSuite;

class KvmStackSuiteTest extends StackSuite {
}
