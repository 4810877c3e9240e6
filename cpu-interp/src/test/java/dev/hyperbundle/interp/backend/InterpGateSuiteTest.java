package dev.hyperbundle.interp.backend;

import dev.hyperbundle.testkit.suite.GateSuite;

class InterpGateSuiteTest extends GateSuite {
}
