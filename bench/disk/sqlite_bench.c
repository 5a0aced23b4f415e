// SQLite inserts with durable commits for bench/disk.sh, linked against Debian's static
// libsqlite3.a (unmodified). Prints "metric value" lines:
//   sqlite_commit_per_s    single-row INSERT transactions per second, synchronous=FULL
//                          (each commit fsyncs the rollback journal, the database and the
//                          directory)
//   sqlite_bulk_rows_per_s rows per second of 50,000 INSERTs in one transaction
//   sqlite_bench DIR [COMMITS (300)]
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void exec(sqlite3* db, const char* sql) {
    char* error = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &error) != SQLITE_OK) {
        fprintf(stderr, "sqlite_bench: %s: %s\n", sql, error);
        exit(1);
    }
}

static void insert_rows(sqlite3* db, sqlite3_stmt* insert, int count) {
    for (int i = 0; i < count; ++i) {
        sqlite3_bind_int(insert, 1, i);
        sqlite3_bind_text(insert, 2, "a row of benchmark text, long enough to matter", -1, SQLITE_STATIC);
        if (sqlite3_step(insert) != SQLITE_DONE) {
            fprintf(stderr, "sqlite_bench: insert: %s\n", sqlite3_errmsg(db));
            exit(1);
        }
        sqlite3_reset(insert);
    }
}

int main(int argc, char** argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: sqlite_bench DIR [COMMITS]\n");
        return 2;
    }
    int commits = argc > 2 ? atoi(argv[2]) : 300;
    char path[512];
    snprintf(path, sizeof path, "%s/bench.db", argv[1]);
    unlink(path);
    sqlite3* db;
    if (sqlite3_open(path, &db) != SQLITE_OK) {
        fprintf(stderr, "sqlite_bench: cannot open %s\n", path);
        return 1;
    }
    exec(db, "PRAGMA synchronous=FULL; CREATE TABLE t(id INTEGER, body TEXT)");
    sqlite3_stmt* insert;
    sqlite3_prepare_v2(db, "INSERT INTO t VALUES (?, ?)", -1, &insert, NULL);

    double t = now();
    insert_rows(db, insert, commits);  // autocommit: one transaction per row
    printf("sqlite_commit_per_s %.0f\n", commits / (now() - t));

    t = now();
    exec(db, "BEGIN");
    insert_rows(db, insert, 50000);
    exec(db, "COMMIT");
    printf("sqlite_bulk_rows_per_s %.0f\n", 50000 / (now() - t));

    sqlite3_finalize(insert);
    sqlite3_close(db);
    unlink(path);
    return 0;
}
