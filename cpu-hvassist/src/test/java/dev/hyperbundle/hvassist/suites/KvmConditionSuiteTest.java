package dev.hyperbundle.hvassist.suites;

import dev.hyperbundle.testkit.suite.ConditionSuite;

class KvmConditionSuiteTest extends ConditionSuite {
}
