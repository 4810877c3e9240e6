package dev.hyperbundle.hvassist.sys;

/** A failed system call, with its errno: "KVM_RUN failed: EINTR (4)". */
public class SysException extends RuntimeException {
    private final int errno;

    public SysException(String operation, int errno) {
        super(operation + " failed: " + Errno.describe(errno));
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
