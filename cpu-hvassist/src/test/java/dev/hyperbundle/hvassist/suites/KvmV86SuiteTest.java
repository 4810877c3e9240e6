package dev.hyperbundle.hvassist.suites;

import dev.hyperbundle.testkit.suite.V86Suite;

class KvmV86SuiteTest extends V86Suite {
}
