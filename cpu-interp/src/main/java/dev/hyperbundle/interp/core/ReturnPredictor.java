package dev.hyperbundle.interp.core;

/**
 * A return-address stack, like the one in the CPU's own front end: CALL pushes itself, RET pops and, when
 * the popped call's return address is the target and nothing that could remap or re-mode the code happened
 * in between (same TLB epoch, CS base, CPL class and code size), continues at the op the call links as its
 * {@link Op#next} without a code cache lookup. The link is learnt on the first return (the engine reports
 * the op it looked up, {@link #learn}) and lives in the call's page table, so dropping the page drops it.
 * A wrong or stale entry only costs the lookup.
 */
final class ReturnPredictor {
    private static final int DEPTH = 16;

    private final Cpu cpu;
    private final FlowOps.Call[] calls = new FlowOps.Call[DEPTH];
    private final int[] epochs = new int[DEPTH];
    private final int[] csBases = new int[DEPTH];
    private final int[] modes = new int[DEPTH];
    private int top;
    /** The call of the last return whose op was not known yet: the next lookup tells it. */
    private FlowOps.Call learning;

    ReturnPredictor(Cpu cpu) {
        this.cpu = cpu;
    }

    void push(FlowOps.Call call) {
        int t = (top + 1) & (DEPTH - 1);
        top = t;
        calls[t] = call;
        epochs[t] = cpu.mmu.epoch;
        csBases[t] = cpu.segBase[Cpu.CS];
        modes[t] = cpu.codeMode();
    }

    /** The op to continue with after a RET to target, or null (then the engine looks it up). */
    Op predict(int target) {
        int t = top;
        top = (t - 1) & (DEPTH - 1);
        FlowOps.Call call = calls[t];
        calls[t] = null;
        if (call == null || call.nextEip != target || epochs[t] != cpu.mmu.epoch || csBases[t] != cpu.segBase[Cpu.CS]
                || modes[t] != cpu.codeMode()) {
            return null;
        }
        Op op = call.next;
        if (op == null) {
            learning = call;
        }
        return op;
    }

    /** The engine looked up op after a return: a call waiting for it links it when both share a page table. */
    void learn(Op op) {
        FlowOps.Call call = learning;
        if (call != null) {
            learning = null;
            if (op.home != null && op.home == call.home && op.eip == call.nextEip) {
                call.next = op;
            }
        }
    }

    /** Forgets every entry (a state load: the stack no longer describes the guest's). */
    void clear() {
        java.util.Arrays.fill(calls, null);
        learning = null;
    }
}
