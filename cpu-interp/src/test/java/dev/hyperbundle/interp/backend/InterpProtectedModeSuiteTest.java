package dev.hyperbundle.interp.backend;

import dev.hyperbundle.testkit.suite.ProtectedModeSuite;

class InterpProtectedModeSuiteTest extends ProtectedModeSuite {
}
