package dev.hyperbundle.interp.backend;

import dev.hyperbundle.testkit.suite.DataMovementSuite;

class InterpDataMovementSuiteTest extends DataMovementSuite {
}
