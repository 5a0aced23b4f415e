// Connection: one client's HTTP/1.1 conversation on a non-blocking socket: reads request
// heads, answers them in order (pipelining), streams the responses, and keeps the connection
// alive or closes it as RFC 9112 §9 says.
#pragma once

#include "request_budget.h"
#include "request_parser.h"
#include "response_stream.h"
#include "static_site.h"
#include "unique_fd.h"

#include <string>

class Connection {
public:
    Connection(UniqueFd socket, const StaticSite& site, RequestBudget& budget);

    enum class Wait {
        Readable,  // call on_ready() when the socket has input (or a hang-up)
        Writable,  // call on_ready() when the socket has room for output
        Closed,    // the conversation is over: destroy the connection
    };
    // Does all the work possible without blocking, after the socket reported readiness (any
    // kind), and says what to wait for next. Stops early once the budget is exhausted.
    Wait on_ready();

    int fd() const { return socket_.get(); }
    // True while the response is sent and the connection only waits for the client's close.
    bool lingering() const { return lingering_; }

private:
    enum class ReadResult { Data, EndOfStream, WouldBlock, Failed };
    ReadResult read_more();
    Wait drain_until_closed();
    void answer(const HttpRequest& request);
    void answer_error(int status, bool head_only, bool keep_alive, bool http10_client);

    UniqueFd socket_;
    const StaticSite& site_;
    RequestBudget& budget_;
    std::string input_;           // received bytes not yet parsed into a request
    ResponseStream response_;
    bool close_after_response_ = false;
    bool peer_closed_ = false;    // the client shut down its side: no more requests will come
    bool lingering_ = false;
    size_t drained_bytes_ = 0;
};
