/**
 * The PC/AT coprocessor-error logic: the CPU's FERR# output latched onto IRQ 13, cleared by a write to port
 * 0xF0, which also asserts the CPU's IGNNE# input until FERR# drops. Only guests that run the x87 in MS-DOS
 * compatibility mode (CR0.NE = 0) see it; Linux sets CR0.NE and takes #MF instead.
 */
package dev.hyperbundle.legacy.fpuerror;
