package dev.hyperbundle.interp.backend;

import dev.hyperbundle.testkit.suite.MultiplyDivideSuite;

class InterpMultiplyDivideSuiteTest extends MultiplyDivideSuite {
}
