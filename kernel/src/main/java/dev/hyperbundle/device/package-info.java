/**
 * The device SPI: factories per device type, devices with saveable state, the context they attach through.
 * See {@link dev.hyperbundle.device.DeviceFactory}.
 */
@Export
@Version("1.2.0")
package dev.hyperbundle.device;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
