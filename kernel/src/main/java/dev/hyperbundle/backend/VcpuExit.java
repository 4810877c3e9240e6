package dev.hyperbundle.backend;

/** Why {@link Vcpu#run()} returned. In every case the vCPU is at an instruction boundary. */
public enum VcpuExit {
    /** {@link Vcpu#kick()} was called (a pause, a timer, posted work, an interrupt to take). */
    KICKED,
    /** The guest executed HLT and no interrupt can be taken now; the machine waits for an event. */
    HALTED,
    /** Triple fault (or the guest otherwise entered shutdown): the machine resets or ends. */
    SHUTDOWN
}
