package dev.hyperbundle.interp.backend;

import dev.hyperbundle.testkit.suite.ArithmeticSuite;

class InterpArithmeticSuiteTest extends ArithmeticSuite {
}
