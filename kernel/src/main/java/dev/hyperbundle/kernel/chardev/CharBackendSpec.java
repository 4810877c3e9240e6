package dev.hyperbundle.kernel.chardev;

import dev.hyperbundle.chardev.CharBackend;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;

/** Opens a {@link CharBackend} from its spec: "stdio", "null", "file:PATH", "tcp:PORT". */
public final class CharBackendSpec {
    public static final String SYNTAX = "stdio, null, file:PATH or tcp:PORT";

    private final InputStream stdin;
    private final PrintStream stdout;

    /** @param stdin what "stdio" reads (null: no input), stdout what it writes */
    public CharBackendSpec(InputStream stdin, PrintStream stdout) {
        this.stdin = stdin;
        this.stdout = stdout;
    }

    /**
     * Checks the syntax of spec without opening anything.
     *
     * @return null when spec is well-formed, else what is wrong with it and what is expected (to follow
     *     "serial=SPEC " in a message)
     */
    public static String check(String spec) {
        if (spec.equals("stdio") || spec.equals("null") || (spec.startsWith("file:") && spec.length() > 5)) {
            return null;
        }
        if (spec.startsWith("tcp:")) {
            return port(spec) < 0 ? "has no valid port; expected tcp:PORT with PORT 0-65535" : null;
        }
        return "is not a character device; expected " + SYNTAX;
    }

    private static int port(String spec) {
        try {
            int port = Integer.parseInt(spec.substring(4));
            return port <= 65535 ? port : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * @throws IllegalArgumentException with a one-line message when the spec is malformed or cannot be opened
     */
    public CharBackend open(String spec) {
        if (spec.equals("stdio")) {
            return new StreamBackend("stdio", stdout, stdin);
        }
        if (spec.equals("null")) {
            return new StreamBackend("null", OutputStream.nullOutputStream(), null);
        }
        if (spec.startsWith("file:") && spec.length() > 5) {
            Path path = Path.of(spec.substring(5));
            try {
                return new StreamBackend(path.toString(), new FileOutputStream(path.toFile(), true), null);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot open " + path + " for output: " + e.getMessage());
            }
        }
        if (spec.startsWith("tcp:")) {
            int port = port(spec);
            if (port < 0) {
                throw new IllegalArgumentException("'" + spec + "' has no valid port; expected tcp:PORT with PORT 0-65535");
            }
            try {
                return new TcpBackend(port);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot listen on 127.0.0.1:" + port + ": " + e.getMessage());
            }
        }
        throw new IllegalArgumentException("'" + spec + "' is not a character device; expected " + SYNTAX);
    }
}
