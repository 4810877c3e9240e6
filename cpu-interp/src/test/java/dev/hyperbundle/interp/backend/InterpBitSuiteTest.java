package dev.hyperbundle.interp.backend;

import dev.hyperbundle.testkit.suite.BitSuite;

class InterpBitSuiteTest extends BitSuite {
}
