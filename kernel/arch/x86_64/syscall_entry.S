/* SYSCALL entry (Intel SDM Vol. 2B "SYSCALL"; AMD64 APM Vol. 2 §6.1). The CPU leaves the
 * user's rsp untouched, so before anything is pushed we switch GS to the per-CPU block and
 * load this thread's kernel stack (DESIGN rule 1: never push onto the program's stack; its
 * red zone may hold live data). The frame built here has the TrapFrame layout. */

#include <arch/x86_64/frame_macros.h>

#define PERCPU_KERNEL_STACK 8
#define PERCPU_USER_RSP 16
#define USER_DATA (0x20 | 3)
#define USER_CODE (0x28 | 3)

    .text
    .globl syscall_entry
syscall_entry:
    swapgs
    mov %rsp, %gs:PERCPU_USER_RSP
    mov %gs:PERCPU_KERNEL_STACK, %rsp
    push $USER_DATA
    push %gs:PERCPU_USER_RSP
    push %r11                        /* user rflags */
    push $USER_CODE
    push %rcx                        /* user rip */
    push $0                          /* error code */
    push $-1                         /* "vector": marks a syscall frame */
    PUSH_REGS
    mov %rsp, %rdi
    call syscall_from_user           /* returns nonzero when the frame must go back by iretq */
    test %al, %al
    jnz trap_return                  /* full restore, e.g. after rt_sigreturn */
    POP_REGS
    add $16, %rsp                    /* vector, error code */
    pop %rcx                         /* rip, for sysret */
    add $8, %rsp                     /* cs */
    pop %r11                         /* rflags, for sysret */
    pop %rsp                         /* user rsp (the saved ss above it is discarded) */
    swapgs
    sysretq
