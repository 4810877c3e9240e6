package dev.hyperbundle.hvassist.suites;

import dev.hyperbundle.testkit.suite.ShiftRotateSuite;

class KvmShiftRotateSuiteTest extends ShiftRotateSuite {
}
