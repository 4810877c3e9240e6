package dev.hyperbundle.distribution;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** The guest images of ../shared/guests (README there), and a way to give a guest a different /init. */
final class Guests {
    static final Path DIR = Path.of(System.getProperty("hyperbundle.guests", "../../shared/guests"));
    static final Path TINY = DIR.resolve("tiny/bzImage");
    static final Path INITRD = DIR.resolve("initramfs.cpio.gz");
    static final Path DEBIAN = DIR.resolve("debian-686/vmlinuz");
    static final Path DEBIAN_INITRD = DIR.resolve("debian-686/initramfs.cpio.gz");
    static final String TEST_CMDLINE = "console=ttyS0 reboot=k panic=-1 guest.mode=test";

    private Guests() {
    }

    static void assumePresent(Path p) {
        assumeTrue(Files.isRegularFile(p), "guest image " + p + " not found (set -Dhyperbundle.guests=DIR)");
    }

    /**
     * The shared initramfs with a second gzip'd cpio appended that holds a new /init: the kernel unpacks
     * both and the later /init wins (../shared/guests/README.md, "To try a changed /init").
     */
    static Path withInit(Path dir, String initScript) throws IOException {
        ByteArrayOutputStream cpio = new ByteArrayOutputStream();
        byte[] body = initScript.getBytes(StandardCharsets.US_ASCII);
        newcEntry(cpio, "init", 0100755, body);
        newcEntry(cpio, "TRAILER!!!", 0, new byte[0]);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(cpio.toByteArray());
        }
        Path result = dir.resolve("initramfs-with-init.cpio.gz");
        Files.write(result, Files.readAllBytes(INITRD));
        Files.write(result, gz.toByteArray(), java.nio.file.StandardOpenOption.APPEND);
        return result;
    }

    /** One "newc" cpio entry (Linux Documentation/driver-api/early-userspace/buffer-format.rst). */
    private static void newcEntry(ByteArrayOutputStream out, String name, int mode, byte[] data) throws IOException {
        byte[] nameBytes = (name + "\0").getBytes(StandardCharsets.US_ASCII);
        StringBuilder h = new StringBuilder("070701");
        int[] fields = {1, mode, 0, 0, 1, 0, data.length, 0, 0, 0, 0, nameBytes.length, 0};
        for (int f : fields) {
            h.append(String.format("%08x", f));
        }
        out.write(h.toString().getBytes(StandardCharsets.US_ASCII));
        out.write(nameBytes);
        pad(out);
        out.write(data);
        pad(out);
    }

    private static void pad(ByteArrayOutputStream out) {
        while (out.size() % 4 != 0) {
            out.write(0);
        }
    }
}
