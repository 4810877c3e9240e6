/**
 * The x86 architectural CPU state as one value, the CPUID model and the MSR bus shared by every backend.
 */
@Export
@Version("1.0.0")
package dev.hyperbundle.cpu;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
