package dev.hyperbundle.interp.core;

/** MUL, IMUL, DIV, IDIV (SDM Vol. 2A/2B). SF/ZF/AF/PF after multiply are undefined; we derive them from the low half. */
final class MulDiv {
    private MulDiv() {
    }

    static void mul(Cpu cpu, int size, int src) {
        switch (size) {
            case 1 -> {
                int r = cpu.reg8(0) * (src & 0xff);
                cpu.setReg(2, 0, r);
                cpu.flags.setResultFlags(1, r, (r & 0xff00) != 0, (r & 0xff00) != 0, false);
            }
            case 2 -> {
                int r = (cpu.gpr[0] & 0xffff) * (src & 0xffff);
                cpu.setReg(2, 0, r);
                cpu.setReg(2, 2, r >>> 16);
                boolean high = (r >>> 16) != 0;
                cpu.flags.setResultFlags(2, r, high, high, false);
            }
            default -> {
                long r = Integer.toUnsignedLong(cpu.gpr[0]) * Integer.toUnsignedLong(src);
                cpu.gpr[0] = (int) r;
                cpu.gpr[2] = (int) (r >>> 32);
                boolean high = (r >>> 32) != 0;
                cpu.flags.setResultFlags(4, (int) r, high, high, false);
            }
        }
    }

    static void imul1(Cpu cpu, int size, int src) {
        switch (size) {
            case 1 -> {
                int r = (byte) cpu.gpr[0] * (byte) src;
                cpu.setReg(2, 0, r);
                boolean over = r != (byte) r;
                cpu.flags.setResultFlags(1, r, over, over, false);
            }
            case 2 -> {
                int r = (short) cpu.gpr[0] * (short) src;
                cpu.setReg(2, 0, r);
                cpu.setReg(2, 2, r >>> 16);
                boolean over = r != (short) r;
                cpu.flags.setResultFlags(2, r, over, over, false);
            }
            default -> {
                long r = (long) cpu.gpr[0] * (long) src;
                cpu.gpr[0] = (int) r;
                cpu.gpr[2] = (int) (r >>> 32);
                boolean over = r != (int) r;
                cpu.flags.setResultFlags(4, (int) r, over, over, false);
            }
        }
    }

    /** IMUL r, r/m(, imm): the truncated product; CF = OF = significant bits were lost. */
    static int imul2(Cpu cpu, int size, int a, int b) {
        if (size == 2) {
            int r = (short) a * (short) b;
            boolean over = r != (short) r;
            cpu.flags.setResultFlags(2, r, over, over, false);
            return r;
        }
        long r = (long) a * (long) b;
        boolean over = r != (int) r;
        cpu.flags.setResultFlags(4, (int) r, over, over, false);
        return (int) r;
    }

    static void div(Cpu cpu, int size, int src) {
        switch (size) {
            case 1 -> {
                int d = src & 0xff;
                int n = cpu.gpr[0] & 0xffff;
                if (d == 0 || n / d > 0xff) {
                    throw new CpuFault(CpuFault.DE);
                }
                cpu.setReg(2, 0, (n % d) << 8 | (n / d));
            }
            case 2 -> {
                int d = src & 0xffff;
                long n = (Integer.toUnsignedLong(cpu.gpr[2]) & 0xffff) << 16 | (cpu.gpr[0] & 0xffff);
                if (d == 0 || n / d > 0xffff) {
                    throw new CpuFault(CpuFault.DE);
                }
                cpu.setReg(2, 0, (int) (n / d));
                cpu.setReg(2, 2, (int) (n % d));
            }
            default -> {
                long d = Integer.toUnsignedLong(src);
                long n = Integer.toUnsignedLong(cpu.gpr[2]) << 32 | Integer.toUnsignedLong(cpu.gpr[0]);
                if (d == 0 || Long.compareUnsigned(Long.divideUnsigned(n, d), 0xffffffffL) > 0) {
                    throw new CpuFault(CpuFault.DE);
                }
                cpu.gpr[0] = (int) Long.divideUnsigned(n, d);
                cpu.gpr[2] = (int) Long.remainderUnsigned(n, d);
            }
        }
    }

    static void idiv(Cpu cpu, int size, int src) {
        switch (size) {
            case 1 -> {
                int d = (byte) src;
                int n = (short) cpu.gpr[0];
                if (d == 0) {
                    throw new CpuFault(CpuFault.DE);
                }
                int q = n / d;
                if (q != (byte) q) {
                    throw new CpuFault(CpuFault.DE);
                }
                cpu.setReg(2, 0, ((n % d) & 0xff) << 8 | (q & 0xff));
            }
            case 2 -> {
                int d = (short) src;
                int n = (cpu.gpr[2] & 0xffff) << 16 | (cpu.gpr[0] & 0xffff);
                if (d == 0) {
                    throw new CpuFault(CpuFault.DE);
                }
                int q = n / d;
                if (q != (short) q || (n == Integer.MIN_VALUE && d == -1)) {
                    throw new CpuFault(CpuFault.DE);
                }
                cpu.setReg(2, 0, q);
                cpu.setReg(2, 2, n % d);
            }
            default -> {
                long d = src;
                long n = (long) cpu.gpr[2] << 32 | Integer.toUnsignedLong(cpu.gpr[0]);
                if (d == 0 || (n == Long.MIN_VALUE && d == -1)) {
                    throw new CpuFault(CpuFault.DE);
                }
                long q = n / d;
                if (q != (int) q) {
                    throw new CpuFault(CpuFault.DE);
                }
                cpu.gpr[0] = (int) q;
                cpu.gpr[2] = (int) (n % d);
            }
        }
    }
}
