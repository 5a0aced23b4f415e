// Exits with a status other than 0 after writing to both stdout and stderr: checks that the
// exit_group status reaches `ingot run`'s own exit status unchanged.
#include <stdio.h>

int main(void) {
    printf("exiting with 42\n");
    fprintf(stderr, "exit42: this line goes to stderr\n");
    return 42;
}
