package dev.hyperbundle.hvassist.backend;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hyperbundle.backend.Availability;

/** Tests that need a usable KVM skip with the backend's own reason when there is none. */
final class KvmTestSupport {
    static final HvAssistBackend BACKEND = new HvAssistBackend();

    private KvmTestSupport() {
    }

    static Availability requireKvm() {
        Availability a = BACKEND.availability();
        assumeTrue(a.available(), () -> "needs a usable KVM: " + a.detail());
        return a;
    }
}
