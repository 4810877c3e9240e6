/**
 * The x86 CPU core the instruction semantics operate on: architectural state with lazily evaluated
 * arithmetic flags, segmentation with descriptor caches, paging with an array TLB, physical memory and
 * I/O access, exception and interrupt delivery, and the executor of decoded instructions. Exported so
 * the binary translator can call the same semantics instead of re-implementing x86.
 */
@Export
@Version("1.0.0")
package dev.hyperbundle.interp.core;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
