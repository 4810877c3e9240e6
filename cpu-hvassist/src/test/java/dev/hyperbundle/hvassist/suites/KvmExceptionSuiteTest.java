package dev.hyperbundle.hvassist.suites;

import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.testkit.GuestRunner;
import dev.hyperbundle.testkit.TestGuest;
import dev.hyperbundle.testkit.TestRun;
import org.junit.jupiter.api.Test;
import dev.hyperbundle.testkit.suite.ExceptionSuite;

class KvmExceptionSuiteTest extends ExceptionSuite {
    @Override
    protected CpuBackend backend() {
        return KvmSuiteHost.backend();
    }

    @Override
    protected TestRun run(TestGuest guest, GuestRunner.SwitchPlan switchPlan) {
        return KvmSuiteHost.hostLimits(super.run(guest, switchPlan));
    }

    @Override
    protected void requirePaging() {
        KvmSuiteHost.requirePaging();
    }

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
