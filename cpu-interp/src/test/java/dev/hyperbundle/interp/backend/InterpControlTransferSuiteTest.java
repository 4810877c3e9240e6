package dev.hyperbundle.interp.backend;

import dev.hyperbundle.testkit.suite.ControlTransferSuite;

class InterpControlTransferSuiteTest extends ControlTransferSuite {
}
