package dev.hyperbundle.testkit.suite;

import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.testkit.TestRun;

/**
 * What a backend's test module tells the suites: the backend, and the limits of the host it runs on. Register
 * an implementation in {@code META-INF/services/dev.hyperbundle.testkit.suite.SuiteHost} on the test class path.
 *
 * <p>A host that cannot do something a test needs (e.g. a KVM that cannot run paged guests) turns exactly those
 * cases into JUnit assumption failures (skips) naming the reason, in {@link #checked}, {@link #requirePaging} and
 * {@link #beforeTest}; it must never change a result.
 */
public interface SuiteHost {
    /** The backend under test (or an assumption failure when it is not available here). */
    CpuBackend backend();

    /** Every run of the suites passes through here: the run as it is, or a skip for a limit of this host. */
    default TestRun checked(TestRun run) {
        return run;
    }

    /** Called before every guest that turns paging on. */
    default void requirePaging() {
    }

    /**
     * Called before each suite test with the suite that declares it and its method name: a host may skip a test
     * it knows it cannot run, e.g. after a probe guest showed the host lacks what the test needs.
     */
    default void beforeTest(Class<?> suite, String test) {
    }
}
