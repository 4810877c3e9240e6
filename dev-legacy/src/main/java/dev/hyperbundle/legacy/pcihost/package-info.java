/**
 * An Intel 82441FX (i440FX) style PCI host bridge: configuration mechanism #1 at 0xCF8/0xCFC (PCI Local
 * Bus Specification 3.0, 3.2.2.3.2) in front of the kernel's {@link dev.hyperbundle.pci.PciBus}, and the
 * PIIX3 Reset Control Register at 0xCF9.
 */
package dev.hyperbundle.legacy.pcihost;
