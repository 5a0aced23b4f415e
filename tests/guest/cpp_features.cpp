// Exercises the parts of the C++ runtime that lean on the kernel: static initialisers
// (.init_array), the heap behind containers, unwinding for exceptions (.eh_frame, which glibc
// finds through dl_iterate_phdr and AT_PHDR), iostream and printf formatting of floating point
// (the SSE state must be enabled), the clocks behind std::chrono, and std::random_device
// (RDRAND or getrandom). Only deterministic facts are printed, so native and guest output match.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <map>
#include <numeric>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace {

// Runs before main(): the constructor must have run exactly once by the time main reads it.
struct StaticInitialiser {
    int constructed = 0;
    std::string name;
    StaticInitialiser() : constructed(1), name("static initialiser") {}
};
StaticInitialiser static_initialiser;
std::vector<int> static_vector = {3, 1, 2};

class ParseError : public std::runtime_error {
public:
    explicit ParseError(const std::string& what) : std::runtime_error(what) {}
};

int parse_digit(char c) {
    if (c < '0' || c > '9') throw ParseError(std::string("not a digit: ") + c);
    return c - '0';
}

// The exception leaves two frames before it is caught, then is rethrown from a catch block.
int sum_digits(const std::string& text) {
    int sum = 0;
    for (char c : text) sum += parse_digit(c);
    return sum;
}

int sum_digits_or_rethrow(const std::string& text) {
    try {
        return sum_digits(text);
    } catch (const ParseError&) {
        std::cout << "  caught in sum_digits_or_rethrow, rethrowing\n";
        throw;
    }
}

void show_containers() {
    std::vector<std::string> words = {"pear", "apple", "fig", "banana", "cherry", "date"};
    std::sort(words.begin(), words.end());
    std::cout << "sorted:";
    for (const auto& word : words) std::cout << ' ' << word;
    std::cout << '\n';

    std::map<std::string, int> lengths;
    for (const auto& word : words) lengths[word] = static_cast<int>(word.size());
    for (const auto& [word, length] : lengths) std::cout << "  " << word << "=" << length << '\n';

    // unordered_map iteration order is unspecified: print it through a sorted copy.
    std::unordered_map<int, int> squares;
    for (int i = 0; i < 1000; i++) squares[i] = i * i;
    std::vector<std::pair<int, int>> some(squares.begin(), squares.end());
    std::sort(some.begin(), some.end());
    long total = 0;
    for (const auto& [key, value] : some) total += value;
    std::cout << "unordered_map: " << squares.size() << " entries, sum of squares " << total
              << ", squares[999]=" << squares.at(999) << '\n';

    std::vector<long> big(1 << 20);
    std::iota(big.begin(), big.end(), 1);
    std::cout << "vector of 1Mi longs sums to "
              << std::accumulate(big.begin(), big.end(), 0L) << '\n';
}

void show_exceptions() {
    try {
        std::cout << "sum_digits(\"12345\") = " << sum_digits("12345") << '\n';
        sum_digits_or_rethrow("12x45");
        std::cout << "no exception?!\n";
    } catch (const ParseError& error) {
        std::cout << "caught ParseError: " << error.what() << '\n';
    }
    try {
        std::vector<int> small(3);
        (void)small.at(7);
    } catch (const std::out_of_range&) {
        std::cout << "caught std::out_of_range from vector::at\n";
    }
    try {
        throw 42;
    } catch (int value) {
        std::cout << "caught int " << value << '\n';
    }
}

void show_formatting() {
    std::cout << "[" << std::setw(8) << 42 << "] [" << std::left << std::setw(8) << "left"
              << std::right << "]\n";
    std::cout << "pi ~ " << std::setprecision(10) << 3.14159265358979 << '\n';
    std::cout << "fixed: " << std::fixed << std::setprecision(3) << 2.0 / 3.0
              << std::defaultfloat << '\n';
    std::cout << "hex: " << std::hex << std::showbase << 48879 << std::dec << std::noshowbase
              << ", oct: " << std::oct << 8 << std::dec << '\n';
    std::ostringstream stream;
    stream << std::scientific << std::setprecision(4) << 6.02214076e23;
    std::cout << "scientific: " << stream.str() << '\n';
    std::printf("printf: %.3f %e %g %a\n", 1.0 / 7.0, 1e-10, 123456789.0, 0.5);
    float f = 0.1f;
    double d = 0.0;
    for (int i = 0; i < 10; i++) d += f;
    std::printf("float arithmetic: %.9f\n", d);
}

void show_clocks_and_randomness() {
    auto start = std::chrono::steady_clock::now();
    volatile unsigned long spin = 0;
    for (int i = 0; i < 100000; i++) spin = spin + i;
    auto after_spin = std::chrono::steady_clock::now();
    std::cout << "steady_clock is monotonic: " << (after_spin >= start ? "yes" : "no") << '\n';

    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto after_sleep = std::chrono::steady_clock::now();
    std::cout << "sleep_for(20ms) slept at least 20ms: "
              << (after_sleep - after_spin >= std::chrono::milliseconds(20) ? "yes" : "no")
              << '\n';

    std::random_device device;
    unsigned int values[4];
    for (auto& value : values) value = device();
    std::cout << "random_device produced " << std::size(values) << " values\n";
    std::mt19937 generator(12345);
    std::cout << "mt19937(12345) first value: " << generator() << '\n';
}

}  // namespace

int main() {
    std::cout << "static initialiser ran " << static_initialiser.constructed << " time(s): "
              << static_initialiser.name << '\n';
    std::sort(static_vector.begin(), static_vector.end());
    std::cout << "static vector sorted: " << static_vector[0] << static_vector[1]
              << static_vector[2] << '\n';
    show_containers();
    show_exceptions();
    show_formatting();
    show_clocks_and_randomness();
    std::cout << "done" << std::endl;
    return 0;
}
