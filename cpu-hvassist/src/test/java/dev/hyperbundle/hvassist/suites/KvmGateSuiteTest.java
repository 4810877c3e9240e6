package dev.hyperbundle.hvassist.suites;

import dev.hyperbundle.testkit.suite.GateSuite;
import org.junit.jupiter.api.Test;

/** The gate suite on KVM, less what a probe guest shows this host's KVM cannot do (see {@link KvmSuiteHost}). */
class KvmGateSuiteTest extends GateSuite {
    @Override
    @Test
    protected void callGateFromRing3ToRing0SwitchesToTheTssStackAndCopiesParameters() {
        KvmSuiteHost.assumeNoHostDefect(KvmSuiteHost.USER_MODE_EMULATION_FAILURE);
        super.callGateFromRing3ToRing0SwitchesToTheTssStackAndCopiesParameters();
    }

    @Override
    @Test
    protected void callGateFromRing3ToRing1UsesTheTssRing1Stack() {
        KvmSuiteHost.assumeNoHostDefect(KvmSuiteHost.USER_MODE_EMULATION_FAILURE);
        super.callGateFromRing3ToRing1UsesTheTssRing1Stack();
    }

    @Override
    @Test
    protected void callGateFromRing3ToConformingCodeKeepsCpl3() {
        KvmSuiteHost.assumeNoHostDefect(KvmSuiteHost.USER_MODE_EMULATION_FAILURE);
        super.callGateFromRing3ToConformingCodeKeepsCpl3();
    }

    @Override
    @Test
    protected void callGateWithDplBelowCplRaisesGeneralProtection() {
        KvmSuiteHost.assumeNoHostDefect(KvmSuiteHost.USER_MODE_EMULATION_FAILURE);
        super.callGateWithDplBelowCplRaisesGeneralProtection();
    }

    @Override
    @Test
    protected void farJumpThroughACallGateToMorePrivilegedCodeRaisesGeneralProtection() {
        KvmSuiteHost.assumeNoHostDefect(KvmSuiteHost.USER_MODE_EMULATION_FAILURE);
        super.farJumpThroughACallGateToMorePrivilegedCodeRaisesGeneralProtection();
    }

    @Override
    @Test
    protected void taskGateFromRing3AndIretBackToRing3() {
        KvmSuiteHost.assumeNoHostDefect(KvmSuiteHost.USER_MODE_EMULATION_FAILURE);
        super.taskGateFromRing3AndIretBackToRing3();
    }

    @Override
    @Test
    protected void doubleFaultThroughATaskGatePushesTheErrorCodeOnTheNewTaskStack() {
        KvmSuiteHost.assumeNoHostDefect(KvmSuiteHost.EXCEPTION_TASK_GATE);
        super.doubleFaultThroughATaskGatePushesTheErrorCodeOnTheNewTaskStack();
    }
}
