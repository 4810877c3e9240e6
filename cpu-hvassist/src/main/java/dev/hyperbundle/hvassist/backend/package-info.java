/**
 * The hardware-assist CPU backend ("hvassist"): one KVM VM and vCPU per {@link dev.hyperbundle.backend.Vcpu}
 * over the machine's own memory.
 *
 * <p><b>No in-kernel irqchip.</b> The VM is created without KVM_CREATE_IRQCHIP: interrupts come from the
 * machine's userspace interrupt controller (the 8259 pair of dev-legacy, the test kit's source) through
 * {@link dev.hyperbundle.irq.CpuInterrupts}, and are injected with KVM_INTERRUPT when kvm_run says
 * ready_for_interrupt_injection and if_flag, or KVM is asked for an interrupt window
 * (request_interrupt_window, KVM_EXIT_IRQ_WINDOW_OPEN) otherwise (api.rst 4.16 and 5). One interrupt
 * controller model for all backends keeps live switching and device hot-swap exact: the PIC's state is a
 * device state value that the emulators and KVM share, instead of state hidden in the host kernel that
 * would have to be translated at every switch. HLT therefore exits to user space (KVM_EXIT_HLT) and the
 * vCPU's halted flag is kept here; KVM's mp_state stays RUNNABLE (x86.c rejects other states without an
 * in-kernel local APIC).
 *
 * <p><b>Threads.</b> The KVM vCPU is created on the thread of the first run() (state loaded earlier is
 * kept and applied then); kick() may come from any thread and uses immediate_exit plus a blocked
 * real-time signal ({@link dev.hyperbundle.hvassist.sys.KickSignal}).
 *
 * <p><b>Limits.</b> KVM does not count retired instructions (instructionsRetired() is 0); the guest TSC
 * runs at 1 GHz only when the host supports TSC scaling (KVM_SET_TSC_KHZ), otherwise at the host's rate;
 * platform MSRs of {@link dev.hyperbundle.cpu.MsrBus} are not routed (KVM answers MSRs itself); a host
 * whose KVM cannot run 32-bit paged guests is reported in the availability detail and such a guest stops
 * with that one-line reason.
 */
package dev.hyperbundle.hvassist.backend;
