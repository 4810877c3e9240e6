package dev.hyperbundle.hvassist.suites;

import dev.hyperbundle.testkit.suite.ExceptionSuite;

class KvmExceptionSuiteTest extends ExceptionSuite {
}
