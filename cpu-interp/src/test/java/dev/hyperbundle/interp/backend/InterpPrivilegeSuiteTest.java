package dev.hyperbundle.interp.backend;

import dev.hyperbundle.testkit.suite.PrivilegeSuite;

class InterpPrivilegeSuiteTest extends PrivilegeSuite {
}
