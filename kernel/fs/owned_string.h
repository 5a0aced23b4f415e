// A small owned, growable byte string for names and paths (portable code cannot use
// std::string: it throws). Not NUL-terminated; view() gives the text.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace ingot {

class OwnedString {
public:
    OwnedString() = default;
    explicit OwnedString(std::string_view text) : chars_(text.begin(), text.end()) {}

    std::string_view view() const { return {chars_.data(), chars_.size()}; }
    size_t size() const { return chars_.size(); }
    bool empty() const { return chars_.empty(); }

    void append(std::string_view text) { chars_.insert(chars_.end(), text.begin(), text.end()); }
    void append(char c) { chars_.push_back(c); }
    void prepend(std::string_view text) { chars_.insert(chars_.begin(), text.begin(), text.end()); }
    void clear() { chars_.clear(); }

    bool operator==(std::string_view other) const { return view() == other; }

private:
    std::vector<char> chars_;
};

}  // namespace ingot
