/**
 * Port I/O and MMIO buses: address ranges claimed by {@link dev.hyperbundle.bus.BusDevice}s.
 */
@Export
@Version("1.0.0")
package dev.hyperbundle.bus;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
