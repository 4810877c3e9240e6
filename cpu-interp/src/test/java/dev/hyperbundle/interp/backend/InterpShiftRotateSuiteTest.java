package dev.hyperbundle.interp.backend;

import dev.hyperbundle.testkit.suite.ShiftRotateSuite;

class InterpShiftRotateSuiteTest extends ShiftRotateSuite {
}
