package dev.hyperbundle.hvassist.suites;

import dev.hyperbundle.testkit.suite.ProtectedModeSuite;

class KvmProtectedModeSuiteTest extends ProtectedModeSuite {
}
