/* Switching kernel stacks between threads. Only the callee-saved registers (System V psABI
 * §3.2.1) need saving: the caller of context_switch expects every other register clobbered.
 * A new thread's stack is laid out as if it had called context_switch from
 * thread_entry_trampoline, with its TrapFrame (trap_frame.h) right above the return address. */

    .text
    /* void context_switch(uint64_t* save_rsp, uint64_t new_rsp) */
    .globl context_switch
context_switch:
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, (%rdi)
    mov %rsi, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret

    /* A new thread's first instructions: rsp points at its TrapFrame, 16-byte aligned. */
    .globl thread_entry_trampoline
thread_entry_trampoline:
    call new_thread_enters_user
    jmp trap_return

    /* An idle thread's first instructions (arch_create_idle_thread): it never returns. */
    .globl idle_thread_trampoline
idle_thread_trampoline:
    call idle_thread_starts
    ud2
