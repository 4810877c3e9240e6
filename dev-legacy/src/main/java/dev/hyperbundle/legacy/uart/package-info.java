/**
 * A 16550A UART (National/TI PC16550D) on the ISA port bus: the PC's COM1-COM4.
 * Transmission is instantaneous; input is pulled from the host {@link dev.hyperbundle.chardev.CharBackend}
 * only while the receive FIFO has room, so no byte is ever dropped on the host side.
 */
package dev.hyperbundle.legacy.uart;
