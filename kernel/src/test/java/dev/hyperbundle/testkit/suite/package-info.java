/**
 * The backend suites: JUnit 5 suites of small machine-code guests with exact expected results and EFLAGS,
 * for any {@link dev.hyperbundle.backend.CpuBackend}. Shipped as the kernel's test jar
 * ({@code dev.hyperbundle:hyperbundle-kernel}, {@code <type>test-jar</type>}); a backend's test module
 * registers its {@link dev.hyperbundle.testkit.suite.SuiteHost} as a service and extends each suite with an
 * empty class.
 *
 * <p>Conventions: guests run in the kit's flat 32-bit protected mode (code at 0x10000, ESP 0x80000, data
 * at 0x30000) unless a suite says otherwise, and end in HLT; {@link dev.hyperbundle.testkit.suite.Asm}
 * writes their bytes (most instructions as hex with the mnemonic in a comment);
 * {@link dev.hyperbundle.testkit.suite.FaultRecorder} is an IDT whose handler records the exception frame;
 * {@link dev.hyperbundle.testkit.suite.UserMode} builds ring-3 guests. Flags the SDM leaves undefined are
 * masked and say so; where guests rely on P6 behaviour for an undefined result the test asserts it and
 * says why. The Intel SDM section is cited where the behaviour is not obvious.
 */
package dev.hyperbundle.testkit.suite;
