package dev.hyperbundle.irq;

/**
 * The PC/AT coprocessor-error logic between the CPU's FERR# output and its IGNNE# input, which a chipset
 * device plugs into the machine ({@link InterruptRouter#install(FpuErrorLogic)}). It matters only in the x87's
 * MS-DOS compatibility mode (CR0.NE = 0): the CPU then reports an unmasked x87 exception on FERR# instead of
 * raising #MF, and the logic turns FERR# into IRQ 13; the guest's handler writes port 0xF0, which asserts
 * IGNNE# so the interrupted x87 instruction can run (SDM Vol. 1, 8.7.2 and appendix D.2).
 */
@FunctionalInterface
public interface FpuErrorLogic {
    /** FERR# changed; called on the vCPU thread. */
    void ferr(boolean asserted);

    /** The CPU's IGNNE# input as the logic drives it. */
    @FunctionalInterface
    interface IgnnePin {
        void set(boolean asserted);
    }
}
