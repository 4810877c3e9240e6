package dev.hyperbundle.virtio.queue;

/** One descriptor's buffer: a guest physical range already checked to lie inside guest memory. */
public record BufferSegment(long address, int length) {
}
