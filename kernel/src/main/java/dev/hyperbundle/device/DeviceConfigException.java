package dev.hyperbundle.device;

/** A device configuration error: the message is one line naming where, which key, and what is expected. */
public class DeviceConfigException extends Exception {
    public DeviceConfigException(String message) {
        super(message);
    }
}
