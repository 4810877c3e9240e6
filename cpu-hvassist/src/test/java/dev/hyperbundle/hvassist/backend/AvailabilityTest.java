package dev.hyperbundle.hvassist.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.hyperbundle.backend.Availability;
import dev.hyperbundle.backend.Technique;
import dev.hyperbundle.backend.VcpuException;
import dev.hyperbundle.hvassist.sys.Errno;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The unavailable paths, with fake device paths: every one gives its one-line reason. */
class AvailabilityTest {
    @TempDir
    Path dir;

    @Test
    void missingDevice() {
        String path = dir.resolve("kvm").toString();
        HvAssistBackend b = new HvAssistBackend(path);
        assertEquals(new Availability(false, path + " does not exist (no KVM on this host)"), b.availability());
        VcpuException e = assertThrows(VcpuException.class, () -> b.createVcpu(null));
        assertEquals("the hvassist backend is not available: " + path + " does not exist (no KVM on this host)",
                e.getMessage());
    }

    @Test
    void regularFileIsNotKvm() throws Exception {
        Path file = Files.writeString(dir.resolve("kvm"), "");
        Availability a = new HvAssistBackend(file.toString()).availability();
        assertEquals(Availability.no(file + " is not a KVM device: KVM_GET_API_VERSION failed: ENOTTY (25)"), a);
    }

    @Test
    void directoryCannotBeOpenedReadWrite() {
        Availability a = new HvAssistBackend(dir.toString()).availability();
        assertFalse(a.available());
        assertEquals("cannot open " + dir + ": open " + dir + " failed: EISDIR (21)", a.detail());
    }

    @Test
    void fileWithoutPermission() throws Exception {
        assumeFalse("root".equals(System.getProperty("user.name")),
                "running as root: file permissions do not stop root (the EACCES text is checked in permissionReason)");
        Path file = Files.writeString(dir.resolve("kvm"), "");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
        Availability a = new HvAssistBackend(file.toString()).availability();
        assertEquals(Availability.no(file + " is not accessible: EACCES (13) (the user needs read-write access, "
                + "usually membership in the kvm group)"), a);
    }

    @Test
    void permissionReason() {
        assertEquals(Availability.no("/dev/kvm is not accessible: EACCES (13) (the user needs read-write access, "
                + "usually membership in the kvm group)"), KvmAvailability.openFailure("/dev/kvm", Errno.EACCES, "x"));
        assertTrue(KvmAvailability.openFailure("/dev/kvm", Errno.EPERM, "x").detail().contains("EPERM (1)"));
    }

    @Test
    void identity() {
        HvAssistBackend b = new HvAssistBackend();
        assertEquals("hvassist", b.id());
        assertEquals(Technique.HARDWARE_ASSIST, b.technique());
        assertEquals(System.getProperty(HvAssistBackend.DEVICE_PROPERTY, "/dev/kvm"), b.device());
    }

    @Test
    void probeImageMapsItsMemoryOneToOne() {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            var mem = arena.allocate(PagingProbe.MEMORY, 4096);
            PagingProbe.buildImage(mem);
            assertEquals(0x2003, mem.get(java.lang.foreign.ValueLayout.JAVA_INT, PagingProbe.PAGE_DIRECTORY));
            assertEquals(0x4003, mem.get(java.lang.foreign.ValueLayout.JAVA_INT, PagingProbe.PAGE_TABLE + 16));
            assertEquals((byte) 0xF4, mem.get(java.lang.foreign.ValueLayout.JAVA_BYTE, PagingProbe.CODE + 29), "hlt");
        }
    }
}
