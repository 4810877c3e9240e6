package dev.hyperbundle.pci;

/**
 * A function plugged into the bus.
 *
 * @see PciBus#plug
 */
public interface PciSlot extends AutoCloseable {
    /** Device number on bus 0 (function 0). */
    int device();

    /**
     * The ISA IRQ this slot's INTA# is routed to. With no ACPI and no $PIR table Linux takes the
     * Interrupt Line register (offset 0x3C) as the IRQ, so the function must report this value there.
     */
    int irq();

    @Override
    void close();
}
