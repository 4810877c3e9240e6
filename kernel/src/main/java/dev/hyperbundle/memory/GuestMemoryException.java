package dev.hyperbundle.memory;

/** A guest physical access outside every RAM and ROM region (or crossing a region's end). */
public final class GuestMemoryException extends RuntimeException {
    private final long address;
    private final long length;

    public GuestMemoryException(long address, long length) {
        super(String.format("guest physical access 0x%x+%d is outside guest memory", address, length));
        this.address = address;
        this.length = length;
    }

    public long address() {
        return address;
    }

    public long length() {
        return length;
    }
}
