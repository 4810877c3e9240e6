package dev.hyperbundle.legacy.i8042;

/**
 * The 8042's scan code translation (command byte bit 6): set 2 bytes from the keyboard become set 1
 * bytes, and the set 2 break prefix 0xF0 is folded into bit 7 of the next byte (IBM PS/2 technical
 * reference, keyboard controller, "scan code conversion").
 */
final class ScancodeTranslator {
    /** Set 1 codes for set 2 bytes 0x00-0x7F, 16 per row. */
    private static final int[] SET2_TO_SET1 = parse(
            "ff 43 41 3f 3d 3b 3c 58 64 44 42 40 3e 0f 29 59 "
            + "65 38 2a 70 1d 10 02 5a 66 71 2c 1f 1e 11 03 5b "
            + "67 2e 2d 20 12 05 04 5c 68 39 2f 21 14 13 06 5d "
            + "69 31 30 23 22 15 07 5e 6a 72 32 24 16 08 09 5f "
            + "6b 33 25 17 18 0b 0a 60 6c 34 35 26 27 19 0c 61 "
            + "6d 73 28 74 1a 0d 62 6e 3a 36 1c 1b 75 2b 63 76 "
            + "55 56 77 78 79 7a 0e 7b 7c 4f 7d 4b 47 7e 7f 6f "
            + "52 53 50 4c 4d 48 01 45 57 4e 51 4a 37 49 46 54");

    private static int[] parse(String hex) {
        String[] parts = hex.trim().split(" ");
        int[] t = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            t[i] = Integer.parseInt(parts[i], 16);
        }
        return t;
    }

    private ScancodeTranslator() {
    }

    /** The set 1 byte for set 2 byte b; bytes from 0x80 up pass unchanged except F7 (0x83) and SysRq (0x84). */
    static int translate(int b) {
        if (b < 0x80) {
            return SET2_TO_SET1[b];
        }
        return switch (b) {
            case 0x83 -> 0x41;
            case 0x84 -> 0x54;
            default -> b;
        };
    }
}
