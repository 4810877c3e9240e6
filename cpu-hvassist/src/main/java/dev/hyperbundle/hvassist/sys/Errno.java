package dev.hyperbundle.hvassist.sys;

/** Linux errno names for messages ("EINTR (4)"); values from asm-generic/errno-base.h and errno.h. */
public final class Errno {
    public static final int EPERM = 1, ENOENT = 2, EINTR = 4, EIO = 5, ENXIO = 6, E2BIG = 7, EBADF = 9, EAGAIN = 11,
            ENOMEM = 12, EACCES = 13, EFAULT = 14, EBUSY = 16, EEXIST = 17, ENODEV = 19, EISDIR = 21, EINVAL = 22, ENFILE = 23,
            EMFILE = 24, ENOTTY = 25, ENOSPC = 28, ENOSYS = 38, EOPNOTSUPP = 95;

    private static final String[] NAMES = new String[96];

    static {
        NAMES[EPERM] = "EPERM";
        NAMES[ENOENT] = "ENOENT";
        NAMES[3] = "ESRCH";
        NAMES[EINTR] = "EINTR";
        NAMES[EIO] = "EIO";
        NAMES[ENXIO] = "ENXIO";
        NAMES[E2BIG] = "E2BIG";
        NAMES[EBADF] = "EBADF";
        NAMES[EAGAIN] = "EAGAIN";
        NAMES[ENOMEM] = "ENOMEM";
        NAMES[EACCES] = "EACCES";
        NAMES[EFAULT] = "EFAULT";
        NAMES[EBUSY] = "EBUSY";
        NAMES[EEXIST] = "EEXIST";
        NAMES[ENODEV] = "ENODEV";
        NAMES[EISDIR] = "EISDIR";
        NAMES[EINVAL] = "EINVAL";
        NAMES[ENFILE] = "ENFILE";
        NAMES[EMFILE] = "EMFILE";
        NAMES[ENOTTY] = "ENOTTY";
        NAMES[ENOSPC] = "ENOSPC";
        NAMES[ENOSYS] = "ENOSYS";
        NAMES[EOPNOTSUPP] = "EOPNOTSUPP";
    }

    private Errno() {
    }

    /** "EINTR (4)", or "errno 200" for a number without a name here. */
    public static String describe(int errno) {
        String name = errno > 0 && errno < NAMES.length ? NAMES[errno] : null;
        return name == null ? "errno " + errno : name + " (" + errno + ")";
    }
}
