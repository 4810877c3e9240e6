package dev.hyperbundle.hvassist.suites;

import dev.hyperbundle.testkit.suite.SegmentSuite;

class KvmSegmentSuiteTest extends SegmentSuite {
}
