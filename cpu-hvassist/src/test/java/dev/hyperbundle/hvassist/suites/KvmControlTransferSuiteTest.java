package dev.hyperbundle.hvassist.suites;

import dev.hyperbundle.testkit.suite.ControlTransferSuite;

class KvmControlTransferSuiteTest extends ControlTransferSuite {
}
