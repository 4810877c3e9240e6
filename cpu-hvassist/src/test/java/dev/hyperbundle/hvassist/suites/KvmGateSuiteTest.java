package dev.hyperbundle.hvassist.suites;

import dev.hyperbundle.testkit.suite.GateSuite;

class KvmGateSuiteTest extends GateSuite {
}
