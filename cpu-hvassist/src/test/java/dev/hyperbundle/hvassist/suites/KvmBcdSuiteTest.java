package dev.hyperbundle.hvassist.suites;

import dev.hyperbundle.testkit.suite.BcdSuite;

class KvmBcdSuiteTest extends BcdSuite {
}
