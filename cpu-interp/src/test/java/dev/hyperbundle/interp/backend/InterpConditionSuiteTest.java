package dev.hyperbundle.interp.backend;

import dev.hyperbundle.testkit.suite.ConditionSuite;

class InterpConditionSuiteTest extends ConditionSuite {
}
