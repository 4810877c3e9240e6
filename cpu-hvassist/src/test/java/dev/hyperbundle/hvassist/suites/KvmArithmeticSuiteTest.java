package dev.hyperbundle.hvassist.suites;

import dev.hyperbundle.testkit.suite.ArithmeticSuite;

class KvmArithmeticSuiteTest extends ArithmeticSuite {
}
