package dev.hyperbundle.interp.backend;

import dev.hyperbundle.testkit.suite.ExceptionSuite;

class InterpExceptionSuiteTest extends ExceptionSuite {
}
