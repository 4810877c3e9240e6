package dev.hyperbundle.interp.backend;

import dev.hyperbundle.testkit.suite.PrefixSuite;

class InterpPrefixSuiteTest extends PrefixSuite {
}
