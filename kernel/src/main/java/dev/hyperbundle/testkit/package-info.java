/**
 * Test kits for third-party bundles. {@link dev.hyperbundle.testkit.DeviceTestContext} runs a device
 * model without a machine: real buses, interrupt routing, a manual clock, optional guest RAM that counts
 * accesses outside it. The rest of this package is the backend test kit: small machine-code guests with exact expected results, run on any
 * {@link dev.hyperbundle.backend.CpuBackend} over the kernel's real memory, buses, interrupt routing and
 * vCPU loop. A third-party backend runs the same suites against itself; differential tests run one guest
 * on two backends and compare final states.
 *
 * <p>The kit's machine has: RAM from 0 (4 MiB by default); port 0xE9 (console: bytes written are
 * collected); port 0xF4 (a 32-bit write ends the run with that exit code); an interrupt source (an 8-bit
 * write to port 0xF0 sets the vector, a write to port 0xF8 (8, 16 or 32 bits) asserts INTR after that many microseconds
 * of guest time, 0 = now; INTR stays asserted until acknowledged); a 16-byte MMIO register file at
 * 0xFED00000 (reads return what was last written at the same offset).
 *
 * <p><b>The backend suites.</b> Ready-made JUnit 5 suites of such guests ship in the kernel's test jar
 * (package {@code dev.hyperbundle.testkit.suite}): instruction by instruction with exact results and
 * EFLAGS, exceptions and their error codes, paging, privilege levels. A backend runs them by depending on
 * {@code dev.hyperbundle:hyperbundle-kernel} with {@code <type>test-jar</type><scope>test</scope>} (and
 * JUnit Jupiter) and extending each suite with a class that returns its backend:
 * <pre>{@code
 * class MyArithmeticSuiteTest extends ArithmeticSuite {
 *     protected CpuBackend backend() { return new MyBackend(); }
 * }
 * }</pre>
 * The suites use only this package's API. A backend whose host cannot do something a test needs
 * overrides {@code BackendSuite.run(TestGuest, SwitchPlan)} and {@code requirePaging()} to skip exactly
 * those tests with the reason (cpu-hvassist does for its emulated KVM hosts); they must never change a result.
 */
@Export
@Version("1.3.0")
package dev.hyperbundle.testkit;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
