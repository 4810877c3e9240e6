package dev.hyperbundle.machine;

public enum MachineState {
    CREATED, RUNNING, PAUSED, STOPPED
}
