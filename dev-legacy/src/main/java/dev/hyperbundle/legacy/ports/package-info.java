/**
 * Small debug ports: the POST code port 0x80 (Linux's I/O delay port) and the Bochs/QEMU debug console
 * at 0xE9.
 *
 * <p>No "isa-absent" device exists: for every legacy range the guests touch without a device behind it
 * (serial 0x2F8/0x3E8/0x2E8 when unconfigured, ISA PnP read ports, parallel, floppy, game port, VGA),
 * the port bus default (reads all ones, writes dropped) is what an empty ISA bus gives.
 */
package dev.hyperbundle.legacy.ports;
