package dev.hyperbundle.hvassist.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperbundle.hvassist.kvm.KvmIoctl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The libc bindings and the kick signal, on any Linux host (no KVM needed). */
class LibcTest {
    @TempDir
    Path dir;

    @Test
    void openOfAMissingFileReportsEnoent() {
        SysException e = assertThrows(SysException.class, () -> Libc.open(dir.resolve("nope").toString(), "nope"));
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("open nope failed: ENOENT (2)", e.getMessage());
    }

    @Test
    void kvmIoctlOnARegularFileFailsWithEnotty() throws Exception {
        Path file = Files.writeString(dir.resolve("fake-kvm"), "not a device");
        int fd = Libc.open(file.toString(), "fake");
        try {
            SysException e = assertThrows(SysException.class,
                    () -> Libc.ioctl(fd, KvmIoctl.KVM_GET_API_VERSION, 0L, "KVM_GET_API_VERSION"));
            assertEquals("KVM_GET_API_VERSION failed: ENOTTY (25)", e.getMessage());
        } finally {
            Libc.close(fd);
        }
        assertEquals(-Errno.EBADF, Libc.ioctlOrErrno(fd, KvmIoctl.KVM_RUN, 0L));
    }

    @Test
    void errnoNames() {
        assertEquals("EINTR (4)", Errno.describe(4));
        assertEquals("EACCES (13)", Errno.describe(13));
        assertEquals("errno 200", Errno.describe(200));
    }

    @Test
    void sigsetBitsFollowTheKernelLayout() {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            var set = Libc.sigset(arena, 1, 64, 65);
            assertEquals(0x8000000000000001L, set.get(java.lang.foreign.ValueLayout.JAVA_LONG, 0));
            assertEquals(1L, set.get(java.lang.foreign.ValueLayout.JAVA_LONG, 8));
            Libc.sigdelset(set, 64);
            assertEquals(1L, set.get(java.lang.foreign.ValueLayout.JAVA_LONG, 0));
        }
    }

    /**
     * The kick signal without KVM: blocked on a platform thread, sent to it (twice: real-time signals
     * queue), taken by drain(); the process survives although the signal's default action is to terminate.
     */
    @Test
    void kickSignalIsBlockedQueuedAndDrained() throws Exception {
        assertTrue(KickSignal.SIGNAL > 32 && KickSignal.SIGNAL < 65, "a real-time signal: " + KickSignal.SIGNAL);
        AtomicInteger drained = new AtomicInteger(-1);
        AtomicReference<Long> kvmMask = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                kvmMask.set(KickSignal.blockOnCurrentThread());
                long self = Libc.pthreadSelf();
                KickSignal.send(self);
                KickSignal.send(self);
                drained.set(KickSignal.drain());
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.join(10_000);
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertEquals(2, drained.get());
        long bit = 1L << (KickSignal.SIGNAL - 1);
        assertEquals(0, kvmMask.get() & bit, "KVM's mask leaves the kick signal unblocked");
    }
}
