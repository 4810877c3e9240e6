package dev.hyperbundle.machine;

/** A configuration that cannot be realized; the message is one line naming the file, key or value. */
public class MachineConfigException extends Exception {
    public MachineConfigException(String message) {
        super(message);
    }

    public MachineConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
