// Prints its arguments (not argv[0], which names the program differently natively and in the
// guest) and its environment, sorted, so that the order in which the kernel lays out the
// initial stack does not matter but every byte of every entry does.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char** environ;

static int compare_strings(const void* a, const void* b) {
    return strcmp(*(char* const*)a, *(char* const*)b);
}

int main(int argc, char** argv) {
    printf("argc=%d\n", argc);
    for (int i = 1; i < argc; i++) printf("argv[%d]=[%s]\n", i, argv[i]);
    if (argv[argc] != NULL) {
        printf("argv is not NULL-terminated\n");
        return 1;
    }

    size_t count = 0;
    while (environ[count] != NULL) count++;
    char** sorted = malloc((count + 1) * sizeof *sorted);
    if (sorted == NULL) return 1;
    memcpy(sorted, environ, count * sizeof *sorted);
    qsort(sorted, count, sizeof *sorted, compare_strings);
    printf("envc=%zu\n", count);
    for (size_t i = 0; i < count; i++) printf("env[%zu]=[%s]\n", i, sorted[i]);

    const char* home = getenv("HOME");
    printf("getenv(HOME)=%s\n", home ? home : "(unset)");
    free(sorted);
    return 0;
}
