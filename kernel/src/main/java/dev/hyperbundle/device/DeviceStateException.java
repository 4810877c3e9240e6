package dev.hyperbundle.device;

/** Saved device state that cannot be restored. */
public class DeviceStateException extends Exception {
    public DeviceStateException(String message) {
        super(message);
    }

    public DeviceStateException(String message, Throwable cause) {
        super(message, cause);
    }
}
