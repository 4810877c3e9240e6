package dev.hyperbundle.interp.backend;

import dev.hyperbundle.testkit.suite.BcdSuite;

class InterpBcdSuiteTest extends BcdSuite {
}
