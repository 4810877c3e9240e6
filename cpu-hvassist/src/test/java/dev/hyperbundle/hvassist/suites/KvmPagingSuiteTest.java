package dev.hyperbundle.hvassist.suites;

import dev.hyperbundle.testkit.suite.PagingSuite;

class KvmPagingSuiteTest extends PagingSuite {
}
