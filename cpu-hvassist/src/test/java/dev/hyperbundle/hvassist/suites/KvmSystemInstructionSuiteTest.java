package dev.hyperbundle.hvassist.suites;

import dev.hyperbundle.testkit.suite.SystemInstructionSuite;

class KvmSystemInstructionSuiteTest extends SystemInstructionSuite {
}
