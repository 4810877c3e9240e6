/**
 * Machines: lifecycle, control requests from devices, and the hypervisor service that creates them.
 */
@Export
@Version("1.1.0")
package dev.hyperbundle.machine;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
