package dev.hyperbundle.interp.backend;

import dev.hyperbundle.testkit.suite.SegmentSuite;

class InterpSegmentSuiteTest extends SegmentSuite {
}
