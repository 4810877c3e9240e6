/**
 * Interrupt lines that devices raise and lower, the seam where an interrupt controller plugs in,
 * and the INTR pin a CPU backend observes.
 */
@Export
@Version("1.1.0")
package dev.hyperbundle.irq;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
