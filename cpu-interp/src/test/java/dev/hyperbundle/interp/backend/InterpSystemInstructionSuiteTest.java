package dev.hyperbundle.interp.backend;

import dev.hyperbundle.testkit.suite.SystemInstructionSuite;

class InterpSystemInstructionSuiteTest extends SystemInstructionSuite {
}
