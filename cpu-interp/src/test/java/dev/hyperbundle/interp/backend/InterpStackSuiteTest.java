package dev.hyperbundle.interp.backend;

import dev.hyperbundle.testkit.suite.StackSuite;

class InterpStackSuiteTest extends StackSuite {
}
