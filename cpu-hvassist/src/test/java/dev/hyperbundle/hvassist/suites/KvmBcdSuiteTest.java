package dev.hyperbundle.hvassist.suites;

import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.testkit.GuestRunner;
import dev.hyperbundle.testkit.TestGuest;
import dev.hyperbundle.testkit.TestRun;
import org.junit.jupiter.api.Test;
import dev.hyperbundle.testkit.suite.BcdSuite;

class KvmBcdSuiteTest extends BcdSuite {
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
    protected void aadWithBase16TruncatesToAByte() {
        KvmSuiteHost.assumeNoHostDefect(KvmSuiteHost.AAD_FLAGS);
        super.aadWithBase16TruncatesToAByte();
    }

    @Override
    @Test
    protected void aadOfZero() {
        KvmSuiteHost.assumeNoHostDefect(KvmSuiteHost.AAD_FLAGS);
        super.aadOfZero();
    }
}
