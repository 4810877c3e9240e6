/**
 * Guest time: the virtual clock and the timers devices arm on it.
 */
@Export
@Version("1.0.0")
package dev.hyperbundle.time;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
