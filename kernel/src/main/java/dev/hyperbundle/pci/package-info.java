/**
 * The PCI bus owned by the kernel: functions plug in by slot; configuration space helpers.
 */
@Export
@Version("1.0.0")
package dev.hyperbundle.pci;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
