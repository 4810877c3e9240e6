/**
 * x86 instruction decoding (32-bit x86, i686 integer set plus x87 escapes) into a reusable, allocation-free
 * decoded form ({@link dev.hyperbundle.interp.decoder.Instruction}). Shared by the interpreter and the
 * binary translator, so that x86 encoding knowledge exists once.
 */
@Export
@Version("1.1.0")
package dev.hyperbundle.interp.decoder;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
