package dev.hyperbundle.testkit;

/** How a test guest's run ended. */
public enum TestExit {
    /** The guest wrote an exit code to port 0xF4. */
    DONE,
    /** The guest executed HLT with interrupts disabled and nothing pending. */
    HALTED,
    /** Triple fault. */
    SHUTDOWN,
    /** The backend failed (VcpuException or a bug). */
    ERROR,
    /** The time limit passed. */
    TIMEOUT
}
