package dev.hyperbundle.legacy.rtc;

/**
 * The CMOS bytes a PC BIOS fills in before the OS starts: memory sizes (IBM AT layout as SeaBIOS and
 * QEMU keep it) and the standard checksum over 0x10-0x2D.
 */
final class CmosLayout {
    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;

    private CmosLayout() {
    }

    static void fillMemory(byte[] cmos, long ramBytes) {
        put16(cmos, 0x15, 640); // base memory in KiB
        long extended = Math.min(0xffff, Math.max(0, ramBytes - MIB) / KIB);
        put16(cmos, 0x17, (int) extended); // extended memory above 1 MiB, KiB
        put16(cmos, 0x30, (int) extended); // the same, as POST found it
        long above16m = Math.min(0xffff, Math.max(0, ramBytes - 16 * MIB) / (64 * KIB));
        put16(cmos, 0x34, (int) above16m); // memory above 16 MiB in 64 KiB units
        int sum = 0;
        for (int i = 0x10; i <= 0x2d; i++) {
            sum += cmos[i] & 0xff;
        }
        cmos[0x2e] = (byte) (sum >> 8); // checksum, high byte first
        cmos[0x2f] = (byte) sum;
    }

    private static void put16(byte[] cmos, int index, int value) {
        cmos[index] = (byte) value;
        cmos[index + 1] = (byte) (value >> 8);
    }
}
