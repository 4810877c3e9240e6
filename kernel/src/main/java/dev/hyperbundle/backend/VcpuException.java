package dev.hyperbundle.backend;

/**
 * The backend cannot go on running this guest (e.g. the host's KVM refuses a mode the guest entered).
 * The machine stops and reports the message as the one-line reason.
 */
public class VcpuException extends RuntimeException {
    public VcpuException(String message) {
        super(message);
    }

    public VcpuException(String message, Throwable cause) {
        super(message, cause);
    }
}
