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
/* size_t user_copy_raw(void* dst, const void* src, size_t len): bytes NOT copied.
 * Eight bytes at a time, then the rest: under TCG each iteration of a rep string instruction
 * costs about as much as a whole instruction, so rep movsb alone made a 4 KiB read() spend
 * 17 us copying. A fault in the word loop leaves rcx words (and the tail) uncopied. */
    .globl user_copy_raw
user_copy_raw:
    mov %rdx, %rcx
    shr $3, %rcx
    and $7, %edx
    cmpb $0, x86_user_access_smap(%rip)
    je 1f
    stac
1:
copy_words:
    rep movsq
    mov %rdx, %rcx
copy_bytes:
    rep movsb
copy_done:
    cmpb $0, x86_user_access_smap(%rip)
    je 2f
    clac
2:  mov %rcx, %rax
    ret
copy_words_fault:
    lea (%rdx,%rcx,8), %rcx
    jmp copy_done
    EX_ENTRY copy_words, copy_words_fault
    EX_ENTRY copy_bytes, copy_done

/* size_t user_clear_raw(void* dst, size_t len): bytes NOT cleared; words first, as above. */
    .globl user_clear_raw
user_clear_raw:
    mov %rsi, %rcx
    shr $3, %rcx
    and $7, %esi
    xor %eax, %eax
    cmpb $0, x86_user_access_smap(%rip)
    je 1f
    stac
1:
clear_words:
    rep stosq
    mov %rsi, %rcx
clear_bytes:
    rep stosb
clear_done:
    cmpb $0, x86_user_access_smap(%rip)
    je 2f
    clac
2:  mov %rcx, %rax
    ret
clear_words_fault:
    lea (%rsi,%rcx,8), %rcx
    jmp clear_done
    EX_ENTRY clear_words, clear_words_fault
    EX_ENTRY clear_bytes, clear_done

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
