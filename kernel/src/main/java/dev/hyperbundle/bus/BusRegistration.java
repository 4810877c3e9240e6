package dev.hyperbundle.bus;

/** A claimed range on a bus. {@link #close()} releases it, waiting for accesses in flight to finish. */
public interface BusRegistration extends AutoCloseable {
    long base();

    long length();

    @Override
    void close();
}
