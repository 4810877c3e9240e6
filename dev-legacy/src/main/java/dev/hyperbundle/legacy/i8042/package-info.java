/**
 * The PC keyboard controller (Intel 8042 as programmed in the IBM PS/2 technical reference) at ports
 * 0x60/0x64 with a PS/2 keyboard behind it, plus System Control Port A (0x92: fast A20, fast reset).
 */
package dev.hyperbundle.legacy.i8042;
