package dev.hyperbundle.hvassist.suites;

import dev.hyperbundle.testkit.suite.ExceptionSuite;
import org.junit.jupiter.api.Test;

class KvmExceptionSuiteTest extends ExceptionSuite {
    @Override
    @Test
    protected void notPresentGateForAnExceptionSetsTheExtBit() {
        KvmSuiteHost.assumeNoHostDefect(KvmSuiteHost.BENIGN_THEN_CONTRIBUTORY);
        super.notPresentGateForAnExceptionSetsTheExtBit();
    }

    @Override
    @Test
    protected void emptyGateForAnExceptionSetsTheExtBit() {
        KvmSuiteHost.assumeNoHostDefect(KvmSuiteHost.BENIGN_THEN_CONTRIBUTORY);
        super.emptyGateForAnExceptionSetsTheExtBit();
    }
}
