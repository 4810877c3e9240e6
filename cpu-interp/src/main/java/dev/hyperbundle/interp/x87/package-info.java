/**
 * The x87 floating-point unit of the interpreter (Intel SDM Vol. 1 chapter 8, Pentium Pro instruction set).
 *
 * <p>{@link dev.hyperbundle.interp.x87.X87} decodes and executes the D8-DF escape opcodes over an
 * {@link dev.hyperbundle.interp.x87.X87Bus} supplied by the integer core. Values live as 80-bit
 * (sign|exponent, 64-bit significand) pairs in two primitive arrays; nothing is allocated per instruction.
 *
 * <p>Exactness: loads and stores of every format, FADD/FSUB/FMUL/FDIV/FSQRT (correctly rounded in all four
 * rounding modes and all three precision controls, with denormals, overflow and underflow responses), FPREM,
 * FPREM1, FRNDINT, FSCALE, FXTRACT, FIST/FBSTP and the compares are computed exactly in integer arithmetic
 * ({@code Arith}). Approximate: the transcendental instructions FSIN, FCOS, FSINCOS, FPTAN, FPATAN, F2XM1,
 * FYL2X and FYL2XP1 ({@code Transcendental}) are evaluated in IEEE double through {@link java.lang.StrictMath}
 * and widened, so they carry about 53 correct bits instead of the hardware's ~64 (results stored as double
 * may differ from a real CPU in the last bit). Their special-operand cases follow the SDM tables.
 *
 * <p>Exported with the core, so the binary translator runs the same x87: {@link dev.hyperbundle.interp.x87.FpuBinding}
 * connects an {@link dev.hyperbundle.interp.x87.X87} to a {@code Cpu}.
 */
@Export
@Version("1.0.0")
package dev.hyperbundle.interp.x87;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
