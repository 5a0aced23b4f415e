// Drives glibc's allocator through both of its sources of memory: small chunks carved from the
// brk heap, and chunks above the mmap threshold (128 KiB, pinned with mallopt so glibc does not
// raise it dynamically) that get their own mmap. Several hundred MiB are allocated in total;
// every word of every block is written and verified before it is freed, so every page is
// touched. The live set stays under ~260 MiB, so the program fits a 512 MiB guest.
// The output is a checksum of all contents read back, identical natively and in the guest.
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    kSmallSlots = 4096,
    kSmallRounds = 100000,
    kSmallMaxBytes = 2048,
    kLargeSlots = 48,
    kLargeRounds = 90,
    kMmapThreshold = 128 * 1024,
    kLargeMaxExtra = 4 * 1024 * 1024,
};

struct block {
    uint64_t* words;
    size_t word_count;
    uint64_t seed;
};

static uint64_t lcg_state = 0x2545F4914F6CDD1DULL;
static uint64_t checksum = 0xcbf29ce484222325ULL;  // FNV-1a offset basis
static uint64_t bytes_allocated = 0;

static uint64_t next_random(void) {
    lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return lcg_state >> 17;
}

static uint64_t pattern_word(uint64_t seed, size_t index) {
    uint64_t x = seed ^ (index * 0x9E3779B97F4A7C15ULL);
    x ^= x >> 29;
    return x * 0xBF58476D1CE4E5B9ULL;
}

static void mix_into_checksum(uint64_t word) {
    checksum = (checksum ^ word) * 0x100000001B3ULL;
}

static int allocate_block(struct block* block, size_t bytes, uint64_t seed) {
    block->word_count = bytes / sizeof(uint64_t);
    block->seed = seed;
    block->words = malloc(block->word_count * sizeof(uint64_t));
    if (block->words == NULL) {
        printf("malloc(%zu) failed\n", bytes);
        return -1;
    }
    for (size_t i = 0; i < block->word_count; i++) block->words[i] = pattern_word(seed, i);
    bytes_allocated += block->word_count * sizeof(uint64_t);
    return 0;
}

// Checks every word, folds the first and last into the checksum, and frees the block.
static int verify_and_free(struct block* block) {
    for (size_t i = 0; i < block->word_count; i++) {
        if (block->words[i] != pattern_word(block->seed, i)) {
            printf("corruption: block seed %llu word %zu of %zu\n",
                   (unsigned long long)block->seed, i, block->word_count);
            return -1;
        }
    }
    mix_into_checksum(block->words[0]);
    mix_into_checksum(block->words[block->word_count - 1]);
    free(block->words);
    block->words = NULL;
    return 0;
}

static int run_rounds(struct block* slots, size_t slot_count, int rounds, size_t min_bytes,
                      size_t extra_bytes) {
    for (int round = 0; round < rounds; round++) {
        struct block* slot = &slots[next_random() % slot_count];
        if (slot->words != NULL && verify_and_free(slot) != 0) return -1;
        size_t bytes = min_bytes + next_random() % extra_bytes;
        if (allocate_block(slot, bytes < 8 ? 8 : bytes, next_random()) != 0) return -1;
    }
    for (size_t i = 0; i < slot_count; i++) {
        if (slots[i].words != NULL && verify_and_free(&slots[i]) != 0) return -1;
    }
    return 0;
}

// Grows one buffer by doubling from 1 KiB to 32 MiB: it moves from the brk heap to its own
// mapping, and glibc tries mremap for the large steps; the prefix must survive every move.
static int grow_with_realloc(void) {
    size_t size = 1024;
    unsigned char* buffer = malloc(size);
    if (buffer == NULL) return -1;
    for (size_t i = 0; i < size; i++) buffer[i] = (unsigned char)(i * 7);
    while (size < 32u * 1024 * 1024) {
        size_t new_size = size * 2;
        unsigned char* grown = realloc(buffer, new_size);
        if (grown == NULL) return -1;
        buffer = grown;
        for (size_t i = 0; i < size; i += 4093) {
            if (buffer[i] != (unsigned char)(i * 7)) {
                printf("realloc lost data at %zu (size %zu)\n", i, size);
                return -1;
            }
        }
        for (size_t i = size; i < new_size; i++) buffer[i] = (unsigned char)(i * 7);
        size = new_size;
    }
    mix_into_checksum(buffer[size - 1]);
    free(buffer);
    printf("realloc: grew to %zu MiB with contents intact\n", size >> 20);
    return 0;
}

// Fresh memory from calloc must read as zero, whether it comes from a new mapping or from
// the brk heap after earlier use.
static int check_calloc(void) {
    size_t sizes[] = {64, 4096, 200 * 1024, 8 * 1024 * 1024};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        unsigned char* memory = calloc(1, sizes[s]);
        if (memory == NULL) return -1;
        for (size_t i = 0; i < sizes[s]; i++) {
            if (memory[i] != 0) {
                printf("calloc(%zu) byte %zu is not zero\n", sizes[s], i);
                return -1;
            }
        }
        memset(memory, 0xA5, sizes[s]);
        free(memory);
    }
    printf("calloc: fresh memory is zeroed\n");
    return 0;
}

int main(void) {
    if (mallopt(M_MMAP_THRESHOLD, kMmapThreshold) != 1) {
        printf("mallopt failed\n");
        return 1;
    }
    static struct block small_slots[kSmallSlots];
    static struct block large_slots[kLargeSlots];

    if (run_rounds(small_slots, kSmallSlots, kSmallRounds, 1, kSmallMaxBytes) != 0) return 1;
    printf("small chunks: %d rounds verified\n", kSmallRounds);
    malloc_trim(0);  // gives the top of the brk heap back: brk must shrink cleanly

    uint64_t before_large = bytes_allocated;
    if (run_rounds(large_slots, kLargeSlots, kLargeRounds, kMmapThreshold + 4096,
                   kLargeMaxExtra) != 0) {
        return 1;
    }
    printf("large chunks: %d rounds verified, more than %llu MiB\n", kLargeRounds,
           (unsigned long long)((bytes_allocated - before_large) >> 20) / 100 * 100);

    if (grow_with_realloc() != 0 || check_calloc() != 0) return 1;
    printf("total allocated: more than %llu MiB\n",
           (unsigned long long)(bytes_allocated >> 20) / 100 * 100);
    printf("checksum: %016llx\n", (unsigned long long)checksum);
    return 0;
}
