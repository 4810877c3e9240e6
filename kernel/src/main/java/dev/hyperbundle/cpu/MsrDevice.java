package dev.hyperbundle.cpu;

/**
 * A device's model-specific registers (e.g. the kvmclock MSRs of the paravirtual interface). Called on
 * the vCPU thread for RDMSR/WRMSR of an index the device registered on the {@link MsrBus}.
 */
public interface MsrDevice {
    long readMsr(int index);

    /** Returns false to make the WRMSR fault with #GP(0), as hardware does for a value it rejects. */
    boolean writeMsr(int index, long value);
}
