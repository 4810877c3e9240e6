package dev.hyperbundle.kernel.chardev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperbundle.chardev.CharBackend;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host side of serial ports and consoles: stdio, null, file:PATH and tcp:PORT, and their errors. */
class CharBackendSpecTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final CharBackendSpec specs = new CharBackendSpec(new ByteArrayInputStream("ls\n".getBytes(StandardCharsets.US_ASCII)),
            new PrintStream(stdout, true, StandardCharsets.US_ASCII));

    @Test
    void syntaxIsCheckedWithoutOpeningAnything() {
        assertNull(CharBackendSpec.check("stdio"));
        assertNull(CharBackendSpec.check("null"));
        assertNull(CharBackendSpec.check("file:/no/such/dir/x"));
        assertNull(CharBackendSpec.check("tcp:4555"));
        assertEquals("is not a character device; expected stdio, null, file:PATH or tcp:PORT", CharBackendSpec.check("file:"));
        assertEquals("is not a character device; expected stdio, null, file:PATH or tcp:PORT", CharBackendSpec.check("pty"));
        assertEquals("has no valid port; expected tcp:PORT with PORT 0-65535", CharBackendSpec.check("tcp:65536"));
        assertEquals("has no valid port; expected tcp:PORT with PORT 0-65535", CharBackendSpec.check("tcp:-1"));
        assertEquals("has no valid port; expected tcp:PORT with PORT 0-65535", CharBackendSpec.check("tcp:ssh"));
    }

    @Test
    void stdioWritesTheTerminalAndReadsItsInput() throws Exception {
        CharBackend b = specs.open("stdio");
        Semaphore input = new Semaphore(0);
        b.setInputListener(input::release);
        b.write("guest# ".getBytes(StandardCharsets.US_ASCII), 0, 7);
        b.write('\n');
        assertEquals("guest# \n", stdout.toString(StandardCharsets.US_ASCII));
        assertEquals("ls\n", readAll(b, 3, input));
        b.close();
    }

    @Test
    void nullDropsOutputAndHasNoInput() {
        CharBackend b = specs.open("null");
        b.write('x');
        b.flush();
        assertEquals(-1, b.read());
        assertEquals("", stdout.toString(StandardCharsets.US_ASCII));
        b.close();
    }

    @Test
    void fileAppendsEveryByteAndHasNoInput() throws Exception {
        Path log = dir.resolve("hvc0.txt");
        Files.writeString(log, "before\n");
        CharBackend b = specs.open("file:" + log);
        b.write("HELLO".getBytes(StandardCharsets.US_ASCII), 0, 5);
        b.write('\n');
        assertEquals("before\nHELLO\n", Files.readString(log));
        assertEquals(-1, b.read());
        b.close();
        var e = assertThrows(IllegalArgumentException.class, () -> specs.open("file:" + dir.resolve("no/such/dir/x")));
        assertTrue(e.getMessage().startsWith("cannot open " + dir.resolve("no/such/dir/x") + " for output: "), e.getMessage());
    }

    /** A person attaches to a running guest's console with nc 127.0.0.1 PORT; one client at a time, re-attachable. */
    @Test
    void tcpServesOneLoopbackClientAtATime() throws Exception {
        TcpBackend b = (TcpBackend) specs.open("tcp:0");
        Semaphore input = new Semaphore(0);
        b.setInputListener(input::release);
        b.write('-'); // nobody attached: dropped
        for (String who : new String[] {"first", "second"}) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), b.port())) {
                s.setSoTimeout(10_000);
                OutputStream toGuest = s.getOutputStream();
                toGuest.write((who + "\n").getBytes(StandardCharsets.US_ASCII));
                toGuest.flush();
                assertEquals(who + "\n", readAll(b, who.length() + 1, input));
                b.write(("to " + who + "\n").getBytes(StandardCharsets.US_ASCII), 0, who.length() + 4);
                InputStream fromGuest = s.getInputStream();
                assertEquals("to " + who + "\n", new String(fromGuest.readNBytes(who.length() + 4), StandardCharsets.US_ASCII));
            }
            // The server takes the next client only after this one left; its input shows it is attached.
        }
        b.close();
        var e = assertThrows(IllegalArgumentException.class, () -> specs.open("tcp:99999"));
        assertEquals("'tcp:99999' has no valid port; expected tcp:PORT with PORT 0-65535", e.getMessage());
        try (var taken = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            e = assertThrows(IllegalArgumentException.class, () -> specs.open("tcp:" + taken.getLocalPort()));
            assertTrue(e.getMessage().startsWith("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": "), e.getMessage());
        }
        e = assertThrows(IllegalArgumentException.class, () -> specs.open("serial0"));
        assertEquals("'serial0' is not a character device; expected stdio, null, file:PATH or tcp:PORT", e.getMessage());
    }

    /** Reads n bytes as the device would: when the listener says input arrived. */
    private static String readAll(CharBackend b, int n, Semaphore input) throws InterruptedException {
        StringBuilder got = new StringBuilder();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (got.length() < n && System.nanoTime() < end) {
            int c = b.read();
            if (c < 0) {
                input.tryAcquire(100, TimeUnit.MILLISECONDS);
            } else {
                got.append((char) c);
            }
        }
        return got.toString();
    }
}
