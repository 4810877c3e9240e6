package dev.hyperbundle.hvassist.suites;

import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.testkit.GuestRunner;
import dev.hyperbundle.testkit.TestGuest;
import dev.hyperbundle.testkit.TestRun;
import dev.hyperbundle.testkit.suite.ShiftRotateSuite;

class KvmShiftRotateSuiteTest extends ShiftRotateSuite {
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
}
