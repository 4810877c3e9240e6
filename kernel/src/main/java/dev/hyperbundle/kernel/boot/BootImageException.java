package dev.hyperbundle.kernel.boot;

/** A kernel or initramfs that cannot be booted; the message names the file and the reason. */
public final class BootImageException extends Exception {
    public BootImageException(String message) {
        super(message);
    }
}
