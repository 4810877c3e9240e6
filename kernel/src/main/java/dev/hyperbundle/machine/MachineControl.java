package dev.hyperbundle.machine;

/** Requests a chipset device may make of its machine; they take effect at the next instruction boundary. */
public interface MachineControl {
    /** A CPU reset line pulse (i8042 command 0xFE, port 0xCF9). */
    void requestReset(String reason);

    /** The machine is switched off (ACPI, a debug exit port). */
    void requestPowerOff(String reason);
}
