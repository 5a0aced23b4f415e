// C++ concurrency as programs use it: a std::thread pool fed through a condition variable,
// std::async futures, atomics, thread_local, std::shared_mutex, C++20 latch and jthread with
// stop tokens, and blocking sockets used from several threads at once (a TCP echo server
// thread and client threads over 127.0.0.1). The output is deterministic.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <future>
#include <latch>
#include <mutex>
#include <numeric>
#include <queue>
#include <shared_mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

namespace {

void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "check failed: %s\n", what);
        std::exit(1);
    }
}

class ThreadPool {
public:
    explicit ThreadPool(int workers) {
        for (int i = 0; i < workers; ++i) threads_.emplace_back([this] { run(); });
    }
    ~ThreadPool() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        ready_.notify_all();
        for (auto& t : threads_) t.join();
    }
    void submit(std::function<void()> job) {
        {
            std::lock_guard lock(mutex_);
            jobs_.push(std::move(job));
        }
        ready_.notify_one();
    }

private:
    void run() {
        for (;;) {
            std::function<void()> job;
            {
                std::unique_lock lock(mutex_);
                ready_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
                if (jobs_.empty()) return;
                job = std::move(jobs_.front());
                jobs_.pop();
            }
            job();
        }
    }
    std::mutex mutex_;
    std::condition_variable ready_;
    std::queue<std::function<void()>> jobs_;
    std::vector<std::thread> threads_;
    bool stopping_ = false;
};

thread_local long jobs_done_here = 0;

void thread_pool() {
    std::atomic<long> total{0};
    std::atomic<long> per_thread_sum{0};
    {
        ThreadPool pool(4);
        std::latch finished(1000);
        for (int i = 1; i <= 1000; ++i)
            pool.submit([i, &total, &per_thread_sum, &finished] {
                total += i;
                ++jobs_done_here;
                ++per_thread_sum;
                finished.count_down();
            });
        finished.wait();
    }
    std::printf("thread pool: 1000 jobs, total %ld, counted %ld, main thread did %ld\n", total.load(),
                per_thread_sum.load(), jobs_done_here);
}

void futures() {
    std::vector<std::future<long>> parts;
    for (long p = 0; p < 8; ++p)
        parts.push_back(std::async(std::launch::async, [p] {
            long s = 0;
            for (long i = p * 100000; i < (p + 1) * 100000; ++i) s += i % 7;
            return s;
        }));
    long sum = 0;
    for (auto& f : parts) sum += f.get();
    std::printf("std::async: 8 parts, sum %ld\n", sum);
}

void shared_mutex_readers() {
    std::shared_mutex rw;
    long value = 0;
    std::atomic<long> reads{0};
    std::vector<std::thread> threads;
    for (int w = 0; w < 2; ++w)
        threads.emplace_back([&] {
            for (int i = 0; i < 500; ++i) {
                std::unique_lock lock(rw);
                ++value;
            }
        });
    for (int r = 0; r < 4; ++r)
        threads.emplace_back([&] {
            for (int i = 0; i < 500; ++i) {
                std::shared_lock lock(rw);
                if (value >= 0) ++reads;
            }
        });
    for (auto& t : threads) t.join();
    std::printf("shared_mutex: value %ld, reads %ld\n", value, reads.load());
}

void jthreads() {
    std::atomic<int> ticks{0};
    {
        std::jthread worker([&ticks](std::stop_token stop) {
            while (!stop.stop_requested()) {
                ++ticks;
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
        });
        while (ticks < 5) std::this_thread::yield();
    }  // requests stop and joins
    std::printf("jthread: stopped after at least 5 ticks: %s\n", ticks >= 5 ? "yes" : "no");
}

// One server thread accepts and echoes; several client threads block in connect, send and recv.
void socket_threads() {
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    check(listener >= 0, "socket");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    check(bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0, "bind");
    socklen_t length = sizeof(address);
    check(getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) == 0, "getsockname");
    check(listen(listener, 16) == 0, "listen");
    constexpr int kClients = 6;
    std::thread server([listener] {
        std::vector<std::thread> handlers;
        for (int i = 0; i < kClients; ++i) {
            int connection = accept(listener, nullptr, nullptr);
            check(connection >= 0, "accept");
            handlers.emplace_back([connection] {
                char buffer[4096];
                ssize_t n;
                while ((n = recv(connection, buffer, sizeof(buffer), 0)) > 0)
                    check(send(connection, buffer, static_cast<size_t>(n), 0) == n, "send");
                close(connection);
            });
        }
        for (auto& h : handlers) h.join();
    });
    std::atomic<long> echoed{0};
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c)
        clients.emplace_back([&address, &echoed, c] {
            int s = socket(AF_INET, SOCK_STREAM, 0);
            check(connect(s, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0, "connect");
            std::string message(10000 + c * 1000, static_cast<char>('a' + c));
            check(send(s, message.data(), message.size(), 0) == static_cast<ssize_t>(message.size()), "client send");
            shutdown(s, SHUT_WR);
            std::string reply;
            char buffer[4096];
            ssize_t n;
            while ((n = recv(s, buffer, sizeof(buffer), 0)) > 0) reply.append(buffer, static_cast<size_t>(n));
            check(reply == message, "echo matches");
            echoed += static_cast<long>(reply.size());
            close(s);
        });
    for (auto& c : clients) c.join();
    server.join();
    close(listener);
    std::printf("sockets from threads: %d clients echoed %ld bytes\n", kClients, echoed.load());
}

}  // namespace

int main() {
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    std::printf("hardware threads reported: %s\n", std::thread::hardware_concurrency() >= 1 ? "at least 1" : "none");
    thread_pool();
    futures();
    shared_mutex_readers();
    jthreads();
    socket_threads();
    std::printf("done\n");
    return 0;
}
