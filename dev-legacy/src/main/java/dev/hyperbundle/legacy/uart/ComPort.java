package dev.hyperbundle.legacy.uart;

/** The standard PC serial port resources (IBM PC/AT technical reference; Linux arch/x86 SERIAL_PORT_DFNS). */
enum ComPort {
    COM1(0x3f8, 4),
    COM2(0x2f8, 3),
    COM3(0x3e8, 4),
    COM4(0x2e8, 3);

    final int port;
    final int irq;

    ComPort(int port, int irq) {
        this.port = port;
        this.irq = irq;
    }
}
