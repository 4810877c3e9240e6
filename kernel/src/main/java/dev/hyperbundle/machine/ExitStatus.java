package dev.hyperbundle.machine;

/**
 * How a machine's run ended.
 *
 * @param kind    what ended it
 * @param message one line for the user
 */
public record ExitStatus(Kind kind, String message) {
    public enum Kind {
        /** The guest reset the machine (and the machine does not reboot). */
        RESET,
        /** The guest powered the machine off. */
        POWER_OFF,
        /** Stopped from outside (command, signal). */
        STOPPED,
        /** The machine could not go on (backend error, missing device, ...). */
        ERROR
    }

    /** The process exit code for {@code hyperbundle run}: 0 unless the run ended in an error. */
    public int exitCode() {
        return kind == Kind.ERROR ? 1 : 0;
    }
}
