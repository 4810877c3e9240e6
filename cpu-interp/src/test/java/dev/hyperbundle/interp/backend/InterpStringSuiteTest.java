package dev.hyperbundle.interp.backend;

import dev.hyperbundle.testkit.suite.StringSuite;

class InterpStringSuiteTest extends StringSuite {
}
