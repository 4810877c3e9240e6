package dev.hyperbundle.interp.decoder;

/**
 * Where the decoder reads instruction bytes from: a byte at an offset of the code segment. An
 * implementation may throw its own fault exception (a page fault, a limit violation); it propagates
 * unchanged out of {@link Decoder#decode}.
 */
public interface CodeSource {
    /** The byte (0-255) at code-segment offset {@code eip}. */
    int fetch8(int eip);
}
