/**
 * The CPU backend SPI: how a bundle provides a way to run guest code (interpretation, binary translation,
 * hardware assist). See {@link dev.hyperbundle.backend.CpuBackend}.
 */
@Export
@Version("1.0.0")
package dev.hyperbundle.backend;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
