package dev.hyperbundle.hvassist.suites;

import dev.hyperbundle.testkit.suite.BcdSuite;
import org.junit.jupiter.api.Test;

class KvmBcdSuiteTest extends BcdSuite {
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
