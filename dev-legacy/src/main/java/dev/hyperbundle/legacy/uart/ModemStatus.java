package dev.hyperbundle.legacy.uart;

/**
 * The Modem Status Register (PC16550D 8.6.8): four input lines in bits 7:4 (DCD, RI, DSR, CTS) and four
 * delta bits in 3:0 (DDCD, TERI, DDSR, DCTS) that latch changes until the MSR is read.
 */
final class ModemStatus {
    static final int DCTS = 0x01, DDSR = 0x02, TERI = 0x04, DDCD = 0x08;
    static final int CTS = 0x10, DSR = 0x20, RI = 0x40, DCD = 0x80;

    /** A host terminal is always connected: carrier, data set ready and clear to send (as QEMU reports). */
    static final int HOST_LINES = DCD | DSR | CTS;

    private int lines = HOST_LINES;
    private int deltas;

    /**
     * The input lines the UART sees: the host's, or in loopback the MCR outputs wired back
     * (DTR to DSR, RTS to CTS, OUT1 to RI, OUT2 to DCD; PC16550D 8.6.3, MCR bit 4).
     */
    static int linesFor(int mcr) {
        if ((mcr & Uart16550.MCR_LOOP) == 0) {
            return HOST_LINES;
        }
        int v = 0;
        if ((mcr & Uart16550.MCR_DTR) != 0) {
            v |= DSR;
        }
        if ((mcr & Uart16550.MCR_RTS) != 0) {
            v |= CTS;
        }
        if ((mcr & Uart16550.MCR_OUT1) != 0) {
            v |= RI;
        }
        if ((mcr & Uart16550.MCR_OUT2) != 0) {
            v |= DCD;
        }
        return v;
    }

    /** Sets the input lines, latching the delta bits of those that changed (TERI only on RI falling). */
    void setLines(int next) {
        int changed = lines ^ next;
        if ((changed & CTS) != 0) {
            deltas |= DCTS;
        }
        if ((changed & DSR) != 0) {
            deltas |= DDSR;
        }
        if ((changed & DCD) != 0) {
            deltas |= DDCD;
        }
        if ((changed & RI) != 0 && (next & RI) == 0) {
            deltas |= TERI;
        }
        lines = next;
    }

    /** The value a guest reads; reading clears the deltas. */
    int read() {
        int v = lines | deltas;
        deltas = 0;
        return v;
    }

    int peek() {
        return lines | deltas;
    }

    boolean interruptPending() {
        return deltas != 0;
    }

    void restore(int value) {
        lines = value & 0xf0;
        deltas = value & 0x0f;
    }

    void reset(int mcr) {
        lines = linesFor(mcr);
        deltas = 0;
    }
}
