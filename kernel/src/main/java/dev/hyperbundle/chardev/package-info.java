/**
 * Host character streams behind guest serial ports and consoles (terminal, file, TCP socket).
 */
@Export
@Version("1.0.0")
package dev.hyperbundle.chardev;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
