/**
 * The x86 CPU core the instruction semantics operate on: architectural state with lazily evaluated
 * arithmetic flags, segmentation with descriptor caches, paging with an array TLB, physical memory and
 * I/O access, exception and interrupt delivery, the executor of decoded instructions
 * ({@link dev.hyperbundle.interp.core.Executor#execute}) and the interpreter's threaded-code engine
 * ({@link dev.hyperbundle.interp.core.Executor#run}). Exported so the binary translator can call the same
 * semantics instead of re-implementing x86. 2.0: {@code Executor.run(budget)} replaces the per-instruction
 * {@code step()} loop, {@code resetLink()} is gone. 2.1: {@code SystemInstructions.setFpuErrorPins} and
 * {@code driveFerr} (FERR#/IGNNE#); the x87 unit is in the exported {@code interp.x87} package.
 */
@Export
@Version("2.1.0")
package dev.hyperbundle.interp.core;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
