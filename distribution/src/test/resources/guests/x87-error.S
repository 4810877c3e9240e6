# A bare 32-bit guest for X87ErrorIT, entered through the Linux 32-bit boot protocol at 0x100000 (CS 0x10,
# flat). Rebuild: as --32 -o x87-error.o x87-error.S && ld -m elf_i386 -Ttext=0x100000 -e 0x100000 --oformat binary -o x87-error.bin x87-error.o
.intel_syntax noprefix
.code32
.set IDT, 0x200000
.set VEC, 0x75                 # slave PIC base 0x70 + IRQ 13 - 8
start:
    cli
    mov esp, 0x300000
    mov eax, offset handler     # interrupt gate: selector 0x10, present, DPL 0, 32-bit
    mov ebx, eax
    and eax, 0xffff
    or eax, 0x00100000
    mov [IDT + VEC * 8], eax
    and ebx, 0xffff0000
    or ebx, 0x8e00
    mov [IDT + VEC * 8 + 4], ebx
    lidt [idtr]
    mov al, 0x11                # ICW1: edge, cascade, ICW4
    out 0x20, al
    out 0xa0, al
    mov al, 0x68                # ICW2: master at 0x68, slave at 0x70
    out 0x21, al
    mov al, 0x70
    out 0xa1, al
    mov al, 4                   # ICW3: slave on IRQ 2
    out 0x21, al
    mov al, 2
    out 0xa1, al
    mov al, 1                   # ICW4: 8086 mode
    out 0x21, al
    out 0xa1, al
    mov al, 0xfb                # unmask IRQ 2 (the cascade)
    out 0x21, al
    mov al, 0xdf                # unmask IRQ 13
    out 0xa1, al
    mov eax, cr0                # MS-DOS compatibility mode: CR0.NE, EM, TS clear
    and eax, ~0x2c
    mov cr0, eax
    fninit
    fldcw [cw]                  # zero-divide unmasked
    fld1
    fldz
    fdivp st(1), st             # ES set: FERR# asserted, IRQ 13 pending while IF = 0
    sti
    fwait                       # frozen until IRQ 13; its handler asserts IGNNE#, then this WAIT runs
    cli
    fnstsw ax
    mov esi, offset after_es0
    test ax, 0x80
    jz 1f
    mov esi, offset after_es1
1:  call puts
    fnclex                      # ES clear: FERR# and IGNNE# drop
    mov al, 0xfe                # reset through the i8042
    out 0x64, al
    hlt
handler:
    push eax
    push esi
    push edx
    mov esi, offset irq
    call puts
    xor al, al
    out 0xf0, al                # clear the FPU error latch: IRQ 13 low, IGNNE# asserted
    mov al, 0x20
    out 0xa0, al                # EOI to the slave and the master
    out 0x20, al
    pop edx
    pop esi
    pop eax
    iret
puts:                           # ESI: a NUL-terminated string to COM1
    mov dx, 0x3fd
2:  in al, dx
    test al, 0x20
    jz 2b
    lodsb
    test al, al
    jz 3f
    mov dx, 0x3f8
    out dx, al
    jmp puts
3:  ret
idtr: .word 256 * 8 - 1
      .long IDT
cw:   .word 0x037b
irq:  .asciz "IRQ13 FERR\r\n"
after_es1: .asciz "WAIT RAN, ES=1\r\n"
after_es0: .asciz "WAIT RAN, ES=0\r\n"
