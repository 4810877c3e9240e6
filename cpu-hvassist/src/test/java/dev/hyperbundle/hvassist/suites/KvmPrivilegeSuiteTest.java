package dev.hyperbundle.hvassist.suites;

import dev.hyperbundle.testkit.suite.PrivilegeSuite;

class KvmPrivilegeSuiteTest extends PrivilegeSuite {
}
