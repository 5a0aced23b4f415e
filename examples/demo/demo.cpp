// The Ingot demo: an ordinary C++ program, built with `g++ -static`, that reports on the system
// it runs on and does some visible work. It runs unchanged on Linux and inside an Ingot image:
//   ./demo                                  (on Linux)
//   ingot build demo -o demo.img && ingot run demo.img
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace {

constexpr unsigned kPrimeLimit = 2'000'000;

constexpr const char* kText =
    "a unikernel runs one program in one address space the program is an ordinary "
    "static linux binary and the kernel is only the parts the program needs the same "
    "binary runs on linux during development and in the image in production one program "
    "one image one address space";

long milliseconds_since_boot() {
    timespec now{};
    if (clock_gettime(CLOCK_BOOTTIME, &now) != 0) return -1;
    return now.tv_sec * 1000 + now.tv_nsec / 1'000'000;
}

// Sieve of Eratosthenes over [0, limit).
std::vector<unsigned> primes_below(unsigned limit) {
    std::vector<bool> composite(limit, false);
    std::vector<unsigned> primes;
    for (unsigned n = 2; n < limit; n++) {
        if (composite[n]) continue;
        primes.push_back(n);
        for (unsigned long multiple = 1ul * n * n; multiple < limit; multiple += n) {
            composite[multiple] = true;
        }
    }
    return primes;
}

void report_system() {
    utsname names{};
    if (uname(&names) == 0) {
        std::printf("  kernel      %s %s (%s)\n", names.sysname, names.release, names.machine);
        std::printf("  node        %s\n", names.nodename);
    }
    std::printf("  up for      %ld ms (CLOCK_BOOTTIME)\n", milliseconds_since_boot());
    struct sysinfo info {};
    if (sysinfo(&info) == 0) {
        unsigned long unit = info.mem_unit ? info.mem_unit : 1;
        std::printf("  memory      %lu MiB total, %lu MiB free\n",
                    info.totalram * unit >> 20, info.freeram * unit >> 20);
    }
    std::printf("  process     pid %d\n", static_cast<int>(getpid()));
}

void report_primes() {
    auto start = std::chrono::steady_clock::now();
    std::vector<unsigned> primes = primes_below(kPrimeLimit);
    auto elapsed = std::chrono::steady_clock::now() - start;
    std::printf("  primes      %zu below %u, the largest %u (%lld ms)\n", primes.size(),
                kPrimeLimit, primes.back(),
                static_cast<long long>(
                    std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()));
}

void report_words() {
    std::map<std::string, int> counts;
    std::istringstream words(kText);
    for (std::string word; words >> word;) counts[word]++;
    std::vector<std::pair<std::string, int>> ranked(counts.begin(), counts.end());
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    std::printf("  words       %zu distinct; most frequent:", counts.size());
    for (size_t i = 0; i < 5 && i < ranked.size(); i++) {
        std::printf(" %s(%d)", ranked[i].first.c_str(), ranked[i].second);
    }
    std::printf("\n");
}

}  // namespace

int main() {
    std::printf("Hello from a static C++ program.\n");
    report_system();
    report_primes();
    report_words();
    return 0;
}
