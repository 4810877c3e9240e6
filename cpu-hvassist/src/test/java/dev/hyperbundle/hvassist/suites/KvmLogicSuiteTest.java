package dev.hyperbundle.hvassist.suites;

import dev.hyperbundle.testkit.suite.LogicSuite;

class KvmLogicSuiteTest extends LogicSuite {
}
