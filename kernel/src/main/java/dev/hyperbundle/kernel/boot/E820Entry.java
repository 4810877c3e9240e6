package dev.hyperbundle.kernel.boot;

/** One entry of the BIOS E820 memory map handed to Linux in boot_params (type 1 RAM, 2 reserved). */
public record E820Entry(long address, long size, int type) {
    public static final int RAM = 1, RESERVED = 2;
}
