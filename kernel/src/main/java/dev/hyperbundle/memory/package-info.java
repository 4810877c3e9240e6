/**
 * Guest physical memory: RAM and ROM regions mapped once in host memory, bounds-checked access for devices,
 * a fast path for CPU backends, and per-page write tracking.
 */
@Export
@Version("1.1.0")
package dev.hyperbundle.memory;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
