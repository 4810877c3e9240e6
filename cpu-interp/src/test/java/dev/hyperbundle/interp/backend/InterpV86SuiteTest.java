package dev.hyperbundle.interp.backend;

import dev.hyperbundle.testkit.suite.V86Suite;

class InterpV86SuiteTest extends V86Suite {
}
