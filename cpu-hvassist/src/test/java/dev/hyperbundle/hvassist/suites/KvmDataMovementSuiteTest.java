package dev.hyperbundle.hvassist.suites;

import dev.hyperbundle.testkit.suite.DataMovementSuite;

class KvmDataMovementSuiteTest extends DataMovementSuite {
}
