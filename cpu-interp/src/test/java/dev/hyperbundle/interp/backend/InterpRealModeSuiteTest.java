package dev.hyperbundle.interp.backend;

import dev.hyperbundle.testkit.suite.RealModeSuite;

class InterpRealModeSuiteTest extends RealModeSuite {
}
