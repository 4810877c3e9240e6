package dev.hyperbundle.interp.backend;

import dev.hyperbundle.testkit.suite.LogicSuite;

class InterpLogicSuiteTest extends LogicSuite {
}
