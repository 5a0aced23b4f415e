/* Copies between kernel and user memory. A fault inside the rep movsb/stosb is resolved by
 * the page-fault handler (demand paging) or, failing that, redirected through __ex_table to
 * the fixup, which returns the number of bytes not copied. stac/clac bracket the access when
 * SMAP is on (Intel SDM Vol. 3A §4.6.1); x86_user_access_smap is set at boot. */

    .macro EX_ENTRY from, to
    .pushsection __ex_table, "a"
    .balign 8
    .quad \from, \to
    .popsection
    .endm

    .text
/* size_t user_copy_raw(void* dst, const void* src, size_t len): bytes NOT copied. */
    .globl user_copy_raw
user_copy_raw:
    mov %rdx, %rcx
    cmpb $0, x86_user_access_smap(%rip)
    je 1f
    stac
1:
copy_instruction:
    rep movsb
copy_done:
    cmpb $0, x86_user_access_smap(%rip)
    je 2f
    clac
2:  mov %rcx, %rax
    ret
    EX_ENTRY copy_instruction, copy_done

/* size_t user_clear_raw(void* dst, size_t len): bytes NOT cleared. */
    .globl user_clear_raw
user_clear_raw:
    mov %rsi, %rcx
    xor %eax, %eax
    cmpb $0, x86_user_access_smap(%rip)
    je 1f
    stac
1:
clear_instruction:
    rep stosb
clear_done:
    cmpb $0, x86_user_access_smap(%rip)
    je 2f
    clac
2:  mov %rcx, %rax
    ret
    EX_ENTRY clear_instruction, clear_done

/* long user_strnlen_raw(const char* src, size_t max): length of the string, max if no NUL
 * within max bytes, or -1 on a fault. */
    .globl user_strnlen_raw
user_strnlen_raw:
    cmpb $0, x86_user_access_smap(%rip)
    je 1f
    stac
1:  xor %eax, %eax
3:  cmp %rsi, %rax
    je 4f
strnlen_instruction:
    cmpb $0, (%rdi,%rax)
    je 4f
    inc %rax
    jmp 3b
strnlen_fault:
    mov $-1, %rax
4:  cmpb $0, x86_user_access_smap(%rip)
    je 5f
    clac
5:  ret
    EX_ENTRY strnlen_instruction, strnlen_fault

/* bool user_cmpxchg32_raw(uint32_t* addr, uint32_t expected, uint32_t desired, uint32_t* old):
 * lock cmpxchg on a user word; false on a fault. *old gets the value the word held. */
    .globl user_cmpxchg32_raw
user_cmpxchg32_raw:
    cmpb $0, x86_user_access_smap(%rip)
    je 1f
    stac
1:  mov %esi, %eax
cmpxchg_instruction:
    lock cmpxchg %edx, (%rdi)
    mov %eax, (%rcx)
    mov $1, %eax
    jmp 2f
cmpxchg_fault:
    xor %eax, %eax
2:  cmpb $0, x86_user_access_smap(%rip)
    je 3f
    clac
3:  ret
    EX_ENTRY cmpxchg_instruction, cmpxchg_fault
